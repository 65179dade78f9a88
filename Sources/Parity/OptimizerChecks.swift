import NeuralNet
import Tensor

/// Three optimiser steps from a start value and three given gradients.
enum OptimizerChecks {
    static let all: [String: ParityRunner.Checker] = [
        "adam": { try check($0, decoupled: false) },
        "adamw": { try check($0, decoupled: true) },
    ]

    static func check(_ c: ReferenceCase, decoupled: Bool) throws -> [String] {
        let p = try OperatorChecks.variable(c, "param_start")
        let betas = (c.params["betas"] as? [Double]) ?? [0.9, 0.999]
        let adam = Adam(
            [ParameterGroup([p], learningRate: Float(c.number("lr") ?? 1e-3),
                            weightDecay: Float(c.number("weight_decay") ?? 0))],
            betas: (Float(betas[0]), Float(betas[1])), eps: Float(c.number("eps") ?? 1e-8),
            decoupled: decoupled)
        var problems: [String] = []
        var step = 1
        while c.has("grad_\(step)") {
            p.grad = try OperatorChecks.variable(c, "grad_\(step)", grad: false).value
            adam.step()
            if let m = try c.compare("param_after_\(step)", p.value.values) { problems.append(m) }
            step += 1
        }
        return problems
    }
}
