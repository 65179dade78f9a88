import Tensor

/// `nn.Conv2d`: weight [out, in, kH, kW], optional bias [out].
public final class Conv2d: Module {
    public let weight: Variable
    public let bias: Variable?
    public let stride: (Int, Int)
    public let padding: (Int, Int)
    public var isTraining = true

    public init(
        _ inChannels: Int, _ outChannels: Int, kernel: (Int, Int), stride: (Int, Int) = (1, 1),
        padding: (Int, Int) = (0, 0), bias: Bool = true
    ) {
        weight = Variable(Tensor(shape: [outChannels, inChannels, kernel.0, kernel.1]), requiresGrad: true)
        self.bias = bias ? Variable(Tensor(shape: [outChannels]), requiresGrad: true) : nil
        self.stride = stride
        self.padding = padding
    }

    /// Square kernel, stride and padding.
    public convenience init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0, bias: Bool = true) {
        self.init(inChannels, outChannels, kernel: (kernel, kernel), stride: (stride, stride),
                  padding: (padding, padding), bias: bias)
    }

    public var localState: [(name: String, entry: StateEntry)] {
        [("weight", .parameter(weight))] + (bias.map { [("bias", .parameter($0))] } ?? [])
    }

    /// PyTorch's fan-in: in · kH · kW.
    public var fanIn: Int { weight.shape[1] * weight.shape[2] * weight.shape[3] }

    public func callAsFunction(_ x: Variable) -> Variable {
        let y = x.conv2d(weight: weight, stride: stride, padding: padding)
        return bias.map { y.addingPerChannel($0) } ?? y
    }

    /// This layer followed by a (leaky) ReLU of that slope in one op (see `Sequential`); only
    /// without bias, which would come between the two.
    func convolveAndRectify(_ x: Variable, slope: Float) -> Variable {
        precondition(bias == nil, "Conv2d: a fused rectifier needs a layer without bias")
        return x.conv2d(weight: weight, stride: stride, padding: padding, rectifierSlope: slope)
    }
}

/// `nn.ConvTranspose2d`: weight [in, out, kH, kW], optional bias [out].
public final class ConvTranspose2d: Module {
    public let weight: Variable
    public let bias: Variable?
    public let stride: (Int, Int)
    public let padding: (Int, Int)
    public let outputPadding: (Int, Int)
    public var isTraining = true

    public init(
        _ inChannels: Int, _ outChannels: Int, kernel: (Int, Int), stride: (Int, Int) = (1, 1),
        padding: (Int, Int) = (0, 0), outputPadding: (Int, Int) = (0, 0), bias: Bool = true
    ) {
        weight = Variable(Tensor(shape: [inChannels, outChannels, kernel.0, kernel.1]), requiresGrad: true)
        self.bias = bias ? Variable(Tensor(shape: [outChannels]), requiresGrad: true) : nil
        self.stride = stride
        self.padding = padding
        self.outputPadding = outputPadding
    }

    /// Square kernel, stride and padding.
    public convenience init(
        _ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
        outputPadding: Int = 0, bias: Bool = true
    ) {
        self.init(inChannels, outChannels, kernel: (kernel, kernel), stride: (stride, stride),
                  padding: (padding, padding), outputPadding: (outputPadding, outputPadding), bias: bias)
    }

    public var localState: [(name: String, entry: StateEntry)] {
        [("weight", .parameter(weight))] + (bias.map { [("bias", .parameter($0))] } ?? [])
    }

    /// PyTorch computes fan-in from weight dimension 1, which for a transposed convolution
    /// is its *output* channels: out · kH · kW.
    public var fanIn: Int { weight.shape[1] * weight.shape[2] * weight.shape[3] }

    public func callAsFunction(_ x: Variable) -> Variable {
        let y = x.convTranspose2d(weight: weight, stride: stride, padding: padding, outputPadding: outputPadding)
        return bias.map { y.addingPerChannel($0) } ?? y
    }
}

/// `nn.Linear`: weight [out, in], optional bias [out].
public final class Linear: Module {
    public let weight: Variable
    public let bias: Variable?
    public var isTraining = true

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true) {
        weight = Variable(Tensor(shape: [outFeatures, inFeatures]), requiresGrad: true)
        self.bias = bias ? Variable(Tensor(shape: [outFeatures]), requiresGrad: true) : nil
    }

    public var localState: [(name: String, entry: StateEntry)] {
        [("weight", .parameter(weight))] + (bias.map { [("bias", .parameter($0))] } ?? [])
    }

    public var fanIn: Int { weight.shape[1] }

    public func callAsFunction(_ x: Variable) -> Variable {
        x.linear(weight: weight, bias: bias)
    }
}
