import Foundation

/// Pointwise activations. Their gradients are the upstream gradient times a constant slope
/// tensor; for smooth activations, when a gradient graph is being recorded, the slope is
/// rebuilt from differentiable ops so second derivatives are right.
extension Variable {
    public func relu() -> Variable { leakyRelu(slope: 0) }

    /// max(x, 0) + slope·min(x, 0). The derivative at exactly 0 is taken as `slope`, as
    /// PyTorch does.
    public func leakyRelu(slope: Float) -> Variable {
        let x = value
        let out = Pointwise.leakyScale(x, by: x, slope: slope)
        return Variable.record(out, op: "leaky_relu", inputs: [self]) { g in
            [g.leakyScaled(by: x, slope: slope)]
        }
    }

    /// g · (x > 0 ? 1 : slope) with x a constant: linear in g, so its gradient is itself.
    func leakyScaled(by x: Tensor, slope: Float) -> Variable {
        let out = Pointwise.leakyScale(value, by: x, slope: slope)
        return Variable.record(out, op: "leaky_relu_grad", inputs: [self]) { g in
            [g.leakyScaled(by: x, slope: slope)]
        }
    }

    public func tanh() -> Variable {
        let out = Pointwise.tanh(value)
        return Variable.record(out, op: "tanh", inputs: [self]) { [self] g in
            if GradMode.isEnabled {
                let y = self.tanh()
                return [g * ((y * y) * -1 + 1)]
            }
            return [g.multiplied(byConstant: Pointwise.map(out) { 1 - $0 * $0 })]
        }
    }

    public func sigmoid() -> Variable {
        let out = Pointwise.map(value, Activation.sigmoid)
        return Variable.record(out, op: "sigmoid", inputs: [self]) { [self] g in
            if GradMode.isEnabled {
                let y = self.sigmoid()
                return [g * (y * (y * -1 + 1))]
            }
            return [g.multiplied(byConstant: Pointwise.map(out) { $0 * (1 - $0) })]
        }
    }
}

/// Scalar activation functions shared by ops and losses.
public enum Activation {
    /// The logistic function, evaluated without overflow for large |x|.
    @inline(__always)
    public static func sigmoid(_ x: Float) -> Float {
        x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x))
    }
}
