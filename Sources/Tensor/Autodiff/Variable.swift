/// A node of the autodiff graph: a tensor value and, when it was computed from values
/// that require gradients, the inputs and the rule that maps the output's gradient to
/// theirs.
///
/// Backward rules are written with differentiable ops, so the gradient graph can itself be
/// differentiated (PyTorch's `create_graph=True`), as gradient penalties need.
public final class Variable {
    /// The forward value. Parameters update it in place.
    public let value: Tensor
    /// Gradient accumulated by `backward()` (leaves only); nil until then.
    public var grad: Tensor?
    /// True for parameters and for values computed from them while recording. A
    /// parameter can be frozen (set false) so a pass neither records nor computes its
    /// gradient, as PyTorch's `requires_grad_(False)`.
    public var requiresGrad: Bool

    let inputs: [Variable]
    let rule: ((Variable) -> [Variable?])?
    let label: String

    /// A leaf: a constant, or a trainable parameter when `requiresGrad`.
    public init(_ value: Tensor, requiresGrad: Bool = false) {
        self.value = value
        self.requiresGrad = requiresGrad
        self.inputs = []
        self.rule = nil
        self.label = requiresGrad ? "parameter" : "constant"
    }

    init(_ value: Tensor, op: String, inputs: [Variable], rule: @escaping (Variable) -> [Variable?]) {
        self.value = value
        self.requiresGrad = true
        self.inputs = inputs
        self.rule = rule
        self.label = op
    }

    public var shape: [Int] { value.shape }

    /// The single value of a one-element tensor.
    public var scalar: Float {
        precondition(value.count == 1, "scalar of a tensor with shape \(shape)")
        return value.data[0]
    }

    /// Records an op's result when gradients are being recorded and an input needs one;
    /// otherwise returns a constant.
    static func record(
        _ value: Tensor, op: String, inputs: [Variable], rule: @escaping (Variable) -> [Variable?]
    ) -> Variable {
        guard GradMode.isEnabled, inputs.contains(where: \.requiresGrad) else { return Variable(value) }
        return Variable(value, op: op, inputs: inputs, rule: rule)
    }
}

/// Whether ops record the graph. Off inside `GradMode.withoutGradients` and while a
/// backward pass runs without `createGraph`.
public enum GradMode {
    nonisolated(unsafe) public private(set) static var isEnabled = true

    /// Runs `body` with recording set to `enabled`, restoring the previous mode after.
    public static func with<T>(_ enabled: Bool, _ body: () throws -> T) rethrows -> T {
        let saved = isEnabled
        isEnabled = enabled
        defer { isEnabled = saved }
        return try body()
    }

    /// Runs `body` without recording (inference, optimiser updates).
    public static func withoutGradients<T>(_ body: () throws -> T) rethrows -> T {
        try with(false, body)
    }

    /// For first-order-only ops: stops with a clear message if asked for a gradient of
    /// their gradient, rather than returning a wrong one silently.
    static func requireFirstOrder(_ op: String) {
        precondition(!isEnabled, "\(op) supports first-order gradients only (createGraph was requested)")
    }
}
