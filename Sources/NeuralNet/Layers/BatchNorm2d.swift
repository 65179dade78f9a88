import Tensor

/// `nn.BatchNorm2d`: scale `weight`, shift `bias`, running statistics and the number of
/// batches tracked, under PyTorch's names.
public final class BatchNorm2d: Module {
    public let weight: Variable
    public let bias: Variable
    public let runningMean: Tensor
    public let runningVar: Tensor
    public let batchesTracked = Counter()
    public let momentum: Float
    public let eps: Float
    public var isTraining = true

    public init(_ channels: Int, eps: Float = 1e-5, momentum: Float = 0.1) {
        weight = Variable(Tensor(shape: [channels], value: 1), requiresGrad: true)
        bias = Variable(Tensor(shape: [channels]), requiresGrad: true)
        runningMean = Tensor(shape: [channels])
        runningVar = Tensor(shape: [channels], value: 1)
        self.eps = eps
        self.momentum = momentum
    }

    public var localState: [(name: String, entry: StateEntry)] {
        [("weight", .parameter(weight)), ("bias", .parameter(bias)),
         ("running_mean", .buffer(runningMean)), ("running_var", .buffer(runningVar)),
         ("num_batches_tracked", .counter(batchesTracked))]
    }

    public func callAsFunction(_ x: Variable) -> Variable { normalize(x, rectifierSlope: nil) }

    /// This layer followed by a (leaky) ReLU of that slope, in one pass (see `Sequential`).
    public func normalize(_ x: Variable, rectifierSlope: Float?) -> Variable {
        if isTraining { batchesTracked.value += 1 }
        return x.batchNorm(
            gamma: weight, beta: bias, runningMean: runningMean, runningVar: runningVar,
            training: isTraining, momentum: momentum, eps: eps, rectifierSlope: rectifierSlope)
    }
}
