import Tensor

/// max(x, 0) + slope·min(x, 0): ReLU and leaky ReLU, which a preceding batch norm or bias-free
/// convolution applies in its own pass inside `Sequential`.
public protocol Rectifier: Module {
    var slope: Float { get }
}

/// `nn.ReLU`.
public final class ReLU: Rectifier {
    public var isTraining = true
    public var slope: Float { 0 }
    public init() {}
    public func callAsFunction(_ x: Variable) -> Variable { x.relu() }
}

/// `nn.LeakyReLU(slope)`.
public final class LeakyReLU: Rectifier {
    public let slope: Float
    public var isTraining = true
    public init(_ slope: Float = 0.01) { self.slope = slope }
    public func callAsFunction(_ x: Variable) -> Variable { x.leakyRelu(slope: slope) }
}

/// `nn.Tanh`.
public final class Tanh: Module {
    public var isTraining = true
    public init() {}
    public func callAsFunction(_ x: Variable) -> Variable { x.tanh() }
}

/// `nn.Sigmoid`. Discriminators keep it as their last layer for PyTorch's layer
/// numbering, but `GAN` feeds the logits before it to a stable BCE.
public final class Sigmoid: Module {
    public var isTraining = true
    public init() {}
    public func callAsFunction(_ x: Variable) -> Variable { x.sigmoid() }
}

/// `nn.Flatten`: [N, ...] -> [N, rest].
public final class Flatten: Module {
    public var isTraining = true
    public init() {}
    public func callAsFunction(_ x: Variable) -> Variable { x.flattened() }
}

/// `nn.MaxPool2d`, or `nn.AvgPool2d` with `count_include_pad=False`, over a square window.
public final class Pool2d: Module {
    public enum Reduction: Sendable { case max, average }
    public let reduction: Reduction
    public let kernel: Int, stride: Int, padding: Int
    public var isTraining = true

    /// `stride` defaults to the window size, as in PyTorch.
    public init(_ reduction: Reduction, kernel: Int, stride: Int? = nil, padding: Int = 0) {
        self.reduction = reduction
        self.kernel = kernel
        self.stride = stride ?? kernel
        self.padding = padding
    }

    public func callAsFunction(_ x: Variable) -> Variable {
        switch reduction {
        case .max: x.maxPool2d(kernel: kernel, stride: stride, padding: padding)
        case .average: x.avgPool2d(kernel: kernel, stride: stride, padding: padding)
        }
    }
}

/// `nn.AdaptiveAvgPool2d(1)`: the mean of each channel.
public final class GlobalAvgPool: Module {
    public var isTraining = true
    public init() {}
    public func callAsFunction(_ x: Variable) -> Variable { x.globalAvgPool() }
}
