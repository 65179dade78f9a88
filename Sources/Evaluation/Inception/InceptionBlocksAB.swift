import NeuralNet
import Tensor

// The mixed blocks of Inception-v3 as pytorch-fid builds them. Each block computes
// its branches from the same input and concatenates them along channels; `infer` does the
// same with the fused layers on a channel-major batch, writing each branch straight into
// its channels of the output.

/// `FIDInceptionA` (Mixed_5b-d): 1x1, 5x5, double 3x3 and average-pool branches. The pool
/// excludes padding from its divisor, as TensorFlow's graph did.
public final class FIDInceptionA: Module {
    let branch1x1: BasicConv2d
    let branch5x5_1: BasicConv2d, branch5x5_2: BasicConv2d
    let branch3x3dbl_1: BasicConv2d, branch3x3dbl_2: BasicConv2d, branch3x3dbl_3: BasicConv2d
    let branch_pool: BasicConv2d
    public var isTraining = false

    /// A block over `inChannels` whose pool branch gives `poolFeatures` channels.
    public init(_ inChannels: Int, poolFeatures: Int) {
        branch1x1 = BasicConv2d(inChannels, 64, kernel: 1)
        branch5x5_1 = BasicConv2d(inChannels, 48, kernel: 1)
        branch5x5_2 = BasicConv2d(48, 64, kernel: 5, padding: 2)
        branch3x3dbl_1 = BasicConv2d(inChannels, 64, kernel: 1)
        branch3x3dbl_2 = BasicConv2d(64, 96, kernel: 3, padding: 1)
        branch3x3dbl_3 = BasicConv2d(96, 96, kernel: 3, padding: 1)
        branch_pool = BasicConv2d(inChannels, poolFeatures, kernel: 1)
    }

    public var children: [(name: String, module: Module)] {
        [
            ("branch1x1", branch1x1), ("branch5x5_1", branch5x5_1), ("branch5x5_2", branch5x5_2),
            ("branch3x3dbl_1", branch3x3dbl_1), ("branch3x3dbl_2", branch3x3dbl_2),
            ("branch3x3dbl_3", branch3x3dbl_3), ("branch_pool", branch_pool),
        ]
    }

    public func callAsFunction(_ x: Variable) -> Variable {
        Variable.concatenateChannels([
            branch1x1(x),
            branch5x5_2(branch5x5_1(x)),
            branch3x3dbl_3(branch3x3dbl_2(branch3x3dbl_1(x))),
            branch_pool(x.avgPool2d(kernel: 3, stride: 1, padding: 1)),
        ])
    }

    func infer(_ x: ChannelMajorMap) -> ChannelMajorMap {
        let y = ChannelMajorMap(
            channels: 64 + 64 + 96 + branch_pool.outChannels, batch: x.batch,
            height: x.height, width: x.width)
        branch1x1.infer(x, into: y, offset: 0)
        branch5x5_2.infer(branch5x5_1.infer(x), into: y, offset: 64)
        branch3x3dbl_3.infer(branch3x3dbl_2.infer(branch3x3dbl_1.infer(x)), into: y, offset: 128)
        branch_pool.infer(
            pooled(x, .average, kernel: 3, stride: 1, padding: 1), into: y, offset: 224)
        return y
    }
}

/// torchvision's `InceptionB` (Mixed_6a): strided 3x3, double 3x3 and max-pool branches
/// that halve the resolution.
public final class InceptionB: Module {
    let branch3x3: BasicConv2d
    let branch3x3dbl_1: BasicConv2d, branch3x3dbl_2: BasicConv2d, branch3x3dbl_3: BasicConv2d
    public var isTraining = false

    /// A block over `inChannels`.
    public init(_ inChannels: Int) {
        branch3x3 = BasicConv2d(inChannels, 384, kernel: 3, stride: 2)
        branch3x3dbl_1 = BasicConv2d(inChannels, 64, kernel: 1)
        branch3x3dbl_2 = BasicConv2d(64, 96, kernel: 3, padding: 1)
        branch3x3dbl_3 = BasicConv2d(96, 96, kernel: 3, stride: 2)
    }

    public var children: [(name: String, module: Module)] {
        [
            ("branch3x3", branch3x3), ("branch3x3dbl_1", branch3x3dbl_1),
            ("branch3x3dbl_2", branch3x3dbl_2), ("branch3x3dbl_3", branch3x3dbl_3),
        ]
    }

    public func callAsFunction(_ x: Variable) -> Variable {
        Variable.concatenateChannels([
            branch3x3(x),
            branch3x3dbl_3(branch3x3dbl_2(branch3x3dbl_1(x))),
            x.maxPool2d(kernel: 3, stride: 2),
        ])
    }

    func infer(_ x: ChannelMajorMap) -> ChannelMajorMap {
        let (h, w) = branch3x3.outputSize(x.height, x.width)
        let y = ChannelMajorMap(
            channels: 384 + 96 + x.channels, batch: x.batch, height: h, width: w)
        branch3x3.infer(x, into: y, offset: 0)
        branch3x3dbl_3.infer(branch3x3dbl_2.infer(branch3x3dbl_1.infer(x)), into: y, offset: 384)
        ChannelMajorKernels.pool(x, .max, kernel: 3, stride: 2, padding: 0, into: y, offset: 480)
        return y
    }
}

/// A pooled copy of `x` (window `kernel`, `stride`, `padding`) in a new map.
func pooled(
    _ x: ChannelMajorMap, _ kind: ChannelMajorKernels.Pooling, kernel: Int, stride: Int,
    padding: Int
) -> ChannelMajorMap {
    let size = {
        ChannelMajorKernels.pooledSize($0, kernel: kernel, stride: stride, padding: padding)
    }
    let y = ChannelMajorMap(
        channels: x.channels, batch: x.batch, height: size(x.height), width: size(x.width))
    ChannelMajorKernels.pool(
        x, kind, kernel: kernel, stride: stride, padding: padding, into: y, offset: 0)
    return y
}
