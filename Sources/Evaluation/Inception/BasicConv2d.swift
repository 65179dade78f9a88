import NeuralNet
import Tensor

/// torchvision's `BasicConv2d`: a convolution without bias, BatchNorm (eps 1e-3) and ReLU,
/// with the state names `conv.weight` and `bn.*`.
public final class BasicConv2d: Module {
    public let conv: Conv2d
    public let bn: BatchNorm2d
    public var isTraining = false
    /// The BatchNorm folded into the convolution, set by `fuse()` for fast inference.
    private(set) var fused: (weight: Tensor, bias: Tensor)?

    public init(
        _ inChannels: Int, _ outChannels: Int, kernel: (Int, Int),
        stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0)
    ) {
        conv = Conv2d(
            inChannels, outChannels, kernel: kernel, stride: stride, padding: padding,
            bias: false)
        bn = BatchNorm2d(outChannels, eps: 1e-3)
        bn.isTraining = false
    }

    /// Square kernel, stride and padding.
    public convenience init(
        _ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0
    ) {
        self.init(
            inChannels, outChannels, kernel: (kernel, kernel), stride: (stride, stride),
            padding: (padding, padding))
    }

    public var children: [(name: String, module: Module)] { [("conv", conv), ("bn", bn)] }

    public func callAsFunction(_ x: Variable) -> Variable { bn(conv(x)).relu() }

    /// Folds the evaluation-mode BatchNorm into the convolution: with s = γ / √(var + eps),
    /// W' = s·W and b' = β − s·mean, so bn(conv(x)) = conv'(x) + b'. Call after loading
    /// weights; `infer` uses the folded copy.
    func fuse() {
        let out = conv.weight.shape[0]
        let perChannel = conv.weight.value.count / out
        let weight = conv.weight.value.copy()
        let bias = Tensor(uninitialized: [out])
        for c in 0..<out {
            // In double so the fold adds no rounding beyond the final float32 store.
            let variance = Double(bn.runningVar.data[c]) + Double(bn.eps)
            let scale = Double(bn.weight.value.data[c]) / variance.squareRoot()
            let row = weight.data + c * perChannel
            for i in 0..<perChannel { row[i] = Float(Double(row[i]) * scale) }
            bias.data[c] = Float(
                Double(bn.bias.value.data[c]) - scale * Double(bn.runningMean.data[c]))
        }
        fused = (weight, bias)
    }

    /// Output height and width for an input of `height` x `width`.
    func outputSize(_ height: Int, _ width: Int) -> (Int, Int) {
        let k = (conv.weight.shape[2], conv.weight.shape[3])
        return (
            ConvGeometry.convolutionOutput(
                height, kernel: k.0, stride: conv.stride.0,
                padding: conv.padding.0),
            ConvGeometry.convolutionOutput(
                width, kernel: k.1, stride: conv.stride.1,
                padding: conv.padding.1)
        )
    }

    /// Output channels.
    var outChannels: Int { conv.weight.shape[0] }

    /// The fused layer on a channel-major batch, into channels `offset...` of `y`.
    func infer(_ x: ChannelMajorMap, into y: ChannelMajorMap, offset: Int) {
        guard let fused else { preconditionFailure("BasicConv2d.infer before fuse()") }
        ChannelMajorKernels.convolutionReLU(
            x, weight: fused.weight, bias: fused.bias,
            kernel: (conv.weight.shape[2], conv.weight.shape[3]), stride: conv.stride,
            padding: conv.padding, into: y, offset: offset)
    }

    /// The fused layer into a new map.
    func infer(_ x: ChannelMajorMap) -> ChannelMajorMap {
        let (h, w) = outputSize(x.height, x.width)
        let y = ChannelMajorMap(channels: outChannels, batch: x.batch, height: h, width: w)
        infer(x, into: y, offset: 0)
        return y
    }
}
