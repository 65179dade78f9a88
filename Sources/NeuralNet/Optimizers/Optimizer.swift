import Formats
import Tensor

/// Parameters that share optimiser settings (PyTorch's parameter groups).
public struct ParameterGroup {
    public var parameters: [Variable]
    public var learningRate: Float
    public var weightDecay: Float

    public init(_ parameters: [Variable], learningRate: Float, weightDecay: Float = 0) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.weightDecay = weightDecay
    }
}

extension ParameterGroup {
    /// The parameters of `module` in one group with `weightDecay`, or, with
    /// `decayBatchNorm: false`, two: the batch-norm scales and shifts in a second group without
    /// decay (a common choice, since decaying a normalisation's scale towards zero fights the
    /// normalisation rather than regularising the weights). Order within each group is the
    /// module's parameter order.
    public static func groups(
        of module: Module, learningRate: Float, weightDecay: Float, decayBatchNorm: Bool = true
    ) -> [ParameterGroup] {
        guard !decayBatchNorm else {
            return [ParameterGroup(module.parameters, learningRate: learningRate, weightDecay: weightDecay)]
        }
        let normalisation = Set(batchNormParameters(module).map(ObjectIdentifier.init))
        let all = module.parameters
        return [
            ParameterGroup(all.filter { !normalisation.contains(ObjectIdentifier($0)) },
                           learningRate: learningRate, weightDecay: weightDecay),
            ParameterGroup(all.filter { normalisation.contains(ObjectIdentifier($0)) },
                           learningRate: learningRate, weightDecay: 0),
        ]
    }

    private static func batchNormParameters(_ module: Module) -> [Variable] {
        let own = (module as? BatchNorm2d).map { [$0.weight, $0.bias] } ?? []
        return own + module.children.flatMap { batchNormParameters($0.module) }
    }
}

/// An optimiser updates parameters in place from their accumulated `grad`.
public protocol Optimizer: AnyObject {
    var groups: [ParameterGroup] { get }
    /// Applies one update to every parameter that has a gradient.
    func step()
    /// The per-parameter state (moments, step counts), for checkpoints.
    func stateDict(prefix: String) -> [String: StoredTensor]
    /// Restores state saved by `stateDict`.
    func loadStateDict(_ state: [String: StoredTensor], prefix: String) throws
}

extension Optimizer {
    /// Clears every parameter's gradient (PyTorch `zero_grad(set_to_none=True)`).
    public func zeroGrad() {
        for group in groups { for p in group.parameters { p.grad = nil } }
    }

    /// Calls `update(index, group, parameter, gradient)` for every parameter that has a
    /// gradient; `index` counts all parameters of all groups in order (the optimiser's
    /// per-parameter state is kept in that order).
    func forEachGradient(_ update: (Int, ParameterGroup, Variable, Tensor) -> Void) {
        var index = 0
        for group in groups {
            for p in group.parameters {
                if let grad = p.grad { update(index, group, p, grad) }
                index += 1
            }
        }
    }
}

/// Reads a float tensor of known size from saved optimiser state.
func restore(_ tensor: Tensor, from state: [String: StoredTensor], key: String) throws {
    guard let stored = state[key] else { throw StateDictError("optimiser state is missing '\(key)'") }
    guard stored.count == tensor.count else {
        throw StateDictError("optimiser state '\(key)' has \(stored.count) values, expected \(tensor.count)")
    }
    tensor.assign(Tensor(shape: tensor.shape, values: stored.floats()))
}
