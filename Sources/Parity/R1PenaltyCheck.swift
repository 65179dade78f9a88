import Tensor

/// The double-backward case: a small discriminator D, the R1 penalty
/// γ/2 · mean over the batch of ‖∇ₓ Σ D(x)‖², and its gradient with respect to D's
/// parameters, which needs the gradient graph to be differentiated again.
enum R1PenaltyCheck {
    static func check(_ c: ReferenceCase) throws -> [String] {
        let x = try OperatorChecks.variable(c, "input")
        let names = ["D.0.weight", "D.0.bias", "D.2.weight", "D.2.bias", "D.5.weight", "D.5.bias"]
        let p = try names.map { try OperatorChecks.variable(c, $0) }
        let gamma = Float(c.number("gamma") ?? 10)

        let h1 = x.conv2d(weight: p[0], stride: (2, 2), padding: (1, 1)).addingPerChannel(p[1]).leakyRelu(slope: 0.2)
        let h2 = h1.conv2d(weight: p[2], stride: (2, 2), padding: (1, 1)).addingPerChannel(p[3]).leakyRelu(slope: 0.2)
        let output = h2.flattened().linear(weight: p[4], bias: p[5])

        let gradX = Autodiff.gradients(of: output.sum(), withRespectTo: [x], createGraph: true)[0]!
        let batch = Float(x.shape[0])
        let penalty = gradX.squared().sum() * (gamma / 2 / batch)
        let paramGrads = Autodiff.gradients(of: penalty, withRespectTo: p)

        var problems = [
            try c.compare("output", output.value.values),
            try c.compare("grad_input_of_output_sum", gradX.value.values),
            try c.compare("penalty", [penalty.scalar]),
        ]
        // A parameter the penalty does not depend on (the biases: leaky ReLU's slope is
        // piecewise constant) has a zero gradient, as PyTorch materialises it.
        for ((name, g), param) in zip(zip(names, paramGrads), p) {
            let values = g?.value.values ?? [Float](repeating: 0, count: param.value.count)
            problems.append(try c.compare("grad_penalty." + name, values))
        }
        return problems.compactMap { $0 }
    }
}
