import Formats
import Tensor

/// Checks of single ops: forward values and the gradients for a given output gradient.
enum OperatorChecks {
    static let all: [String: ParityRunner.Checker] = [
        "conv2d": convolution(transposed: false),
        "conv_transpose2d": convolution(transposed: true),
        "batch_norm2d": batchNorm,
        "relu": pointwise { $0.relu() },
        "leaky_relu_0.2": pointwise { $0.leakyRelu(slope: 0.2) },
        "tanh": pointwise { $0.tanh() },
        "sigmoid": pointwise { $0.sigmoid() },
        "linear": linear,
        "max_pool": pool { x, c in
            x.maxPool2d(kernel: c.pair("kernel").0, stride: c.pair("stride").0, padding: c.pair("padding").0)
        },
        "avg_pool": pool { x, c in
            x.avgPool2d(kernel: c.pair("kernel").0, stride: c.pair("stride").0, padding: c.pair("padding").0)
        },
        "global_avg_pool": pool { x, _ in x.globalAvgPool() },
        "binary_cross_entropy_mean": binaryCrossEntropy,
        "r1_penalty_double_backward": R1PenaltyCheck.check,
    ]

    static func variable(_ c: ReferenceCase, _ name: String, grad: Bool = true) throws -> Variable {
        let t = try c.tensor(name)
        return Variable(Tensor(shape: t.shape, values: t.floats()), requiresGrad: grad)
    }

    /// Forward output, then gradients of inputs for the stored output gradient.
    static func forwardAndBackward(
        _ c: ReferenceCase, inputs: [(String, Variable)], output: Variable, outputName: String = "output"
    ) throws -> [String] {
        var problems = [try c.compare(outputName, output.value.values)]
        let seed = try variable(c, "grad_output", grad: false)
        let grads = Autodiff.gradients(of: output, withRespectTo: inputs.map(\.1), seed: seed)
        for ((name, _), g) in zip(inputs, grads) where c.has("grad_" + name) {
            problems.append(try c.compare("grad_" + name, g?.value.values ?? []))
        }
        return problems.compactMap { $0 }
    }

    static func convolution(transposed: Bool) -> ParityRunner.Checker {
        { c in
            let x = try variable(c, "input"), w = try variable(c, "weight")
            let b = c.has("bias") ? try variable(c, "bias") : nil
            var y = transposed
                ? x.convTranspose2d(weight: w, stride: c.pair("stride"), padding: c.pair("padding"),
                                    outputPadding: c.pair("output_padding"))
                : x.conv2d(weight: w, stride: c.pair("stride"), padding: c.pair("padding"))
            if let b { y = y.addingPerChannel(b) }
            var inputs = [("input", x), ("weight", w)]
            if let b { inputs.append(("bias", b)) }
            return try forwardAndBackward(c, inputs: inputs, output: y)
        }
    }

    static func pointwise(_ op: @escaping (Variable) -> Variable) -> ParityRunner.Checker {
        { c in
            let x = try variable(c, "input")
            return try forwardAndBackward(c, inputs: [("input", x)], output: op(x))
        }
    }

    static func pool(_ op: @escaping (Variable, ReferenceCase) -> Variable) -> ParityRunner.Checker {
        { c in
            let x = try variable(c, "input")
            return try forwardAndBackward(c, inputs: [("input", x)], output: op(x, c))
        }
    }

    static func linear(_ c: ReferenceCase) throws -> [String] {
        let x = try variable(c, "input"), w = try variable(c, "weight"), b = try variable(c, "bias")
        let y = x.linear(weight: w, bias: b)
        return try forwardAndBackward(c, inputs: [("input", x), ("weight", w), ("bias", b)], output: y)
    }

    static func batchNorm(_ c: ReferenceCase) throws -> [String] {
        let x = try variable(c, "input"), gamma = try variable(c, "gamma"), beta = try variable(c, "beta")
        let runningMean = try variable(c, "running_mean_before", grad: false).value
        let runningVar = try variable(c, "running_var_before", grad: false).value
        let eps = Float(c.number("eps") ?? 1e-5), momentum = Float(c.number("momentum") ?? 0.1)
        let y = x.batchNorm(gamma: gamma, beta: beta, runningMean: runningMean, runningVar: runningVar,
                            training: true, momentum: momentum, eps: eps)
        var problems = try forwardAndBackward(
            c, inputs: [("input", x), ("gamma", gamma), ("beta", beta)], output: y, outputName: "output_train")
        problems += [
            try c.compare("running_mean_after", runningMean.values),
            try c.compare("running_var_after", runningVar.values),
        ].compactMap { $0 }
        let evaluated = GradMode.withoutGradients {
            x.batchNorm(gamma: gamma, beta: beta, runningMean: runningMean, runningVar: runningVar,
                        training: false, momentum: momentum, eps: eps)
        }
        if let p = try c.compare("output_eval_after", evaluated.value.values) { problems.append(p) }
        return problems
    }

    static func binaryCrossEntropy(_ c: ReferenceCase) throws -> [String] {
        let z = try variable(c, "logits")
        let t = try variable(c, "target", grad: false).value
        let loss = z.binaryCrossEntropy(logitsAgainst: t)
        var problems = [try c.compare("loss", [loss.scalar])]
        if c.has("probability") {
            problems.append(try c.compare("probability", z.value.values.map(Activation.sigmoid)))
        }
        if c.has("grad_logits") {
            let g = Autodiff.gradients(of: loss, withRespectTo: [z])[0]
            problems.append(try c.compare("grad_logits", g?.value.values ?? []))
        }
        return problems.compactMap { $0 }
    }
}
