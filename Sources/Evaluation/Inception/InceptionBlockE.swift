import NeuralNet
import Tensor

/// `FIDInceptionE_1` and `FIDInceptionE_2` (Mixed_7b, Mixed_7c): 1x1, split 3x3 (1x3 and
/// 3x1 side by side), double split 3x3 and pool branches. They differ only in the pool:
/// E_1 averages without counting padding, E_2 takes the maximum (a quirk of the
/// TensorFlow graph the FID weights come from).
public final class FIDInceptionE: Module {
    let branch1x1: BasicConv2d
    let branch3x3_1: BasicConv2d, branch3x3_2a: BasicConv2d, branch3x3_2b: BasicConv2d
    let branch3x3dbl_1: BasicConv2d, branch3x3dbl_2: BasicConv2d
    let branch3x3dbl_3a: BasicConv2d, branch3x3dbl_3b: BasicConv2d
    let branch_pool: BasicConv2d
    let pooling: ChannelMajorKernels.Pooling
    public var isTraining = false

    /// A block over `inChannels` whose pool branch reduces with `pooling`.
    public init(_ inChannels: Int, pooling: ChannelMajorKernels.Pooling) {
        branch1x1 = BasicConv2d(inChannels, 320, kernel: 1)
        branch3x3_1 = BasicConv2d(inChannels, 384, kernel: 1)
        branch3x3_2a = BasicConv2d(384, 384, kernel: (1, 3), padding: (0, 1))
        branch3x3_2b = BasicConv2d(384, 384, kernel: (3, 1), padding: (1, 0))
        branch3x3dbl_1 = BasicConv2d(inChannels, 448, kernel: 1)
        branch3x3dbl_2 = BasicConv2d(448, 384, kernel: 3, padding: 1)
        branch3x3dbl_3a = BasicConv2d(384, 384, kernel: (1, 3), padding: (0, 1))
        branch3x3dbl_3b = BasicConv2d(384, 384, kernel: (3, 1), padding: (1, 0))
        branch_pool = BasicConv2d(inChannels, 192, kernel: 1)
        self.pooling = pooling
    }

    public var children: [(name: String, module: Module)] {
        [
            ("branch1x1", branch1x1), ("branch3x3_1", branch3x3_1),
            ("branch3x3_2a", branch3x3_2a), ("branch3x3_2b", branch3x3_2b),
            ("branch3x3dbl_1", branch3x3dbl_1), ("branch3x3dbl_2", branch3x3dbl_2),
            ("branch3x3dbl_3a", branch3x3dbl_3a), ("branch3x3dbl_3b", branch3x3dbl_3b),
            ("branch_pool", branch_pool),
        ]
    }

    public func callAsFunction(_ x: Variable) -> Variable {
        let split = branch3x3_1(x)
        let double = branch3x3dbl_2(branch3x3dbl_1(x))
        let pool =
            pooling == .max
            ? x.maxPool2d(kernel: 3, stride: 1, padding: 1)
            : x.avgPool2d(kernel: 3, stride: 1, padding: 1)
        return Variable.concatenateChannels([
            branch1x1(x),
            branch3x3_2a(split), branch3x3_2b(split),
            branch3x3dbl_3a(double), branch3x3dbl_3b(double),
            branch_pool(pool),
        ])
    }

    func infer(_ x: ChannelMajorMap) -> ChannelMajorMap {
        let y = ChannelMajorMap(channels: 2048, batch: x.batch, height: x.height, width: x.width)
        branch1x1.infer(x, into: y, offset: 0)
        let split = branch3x3_1.infer(x)
        branch3x3_2a.infer(split, into: y, offset: 320)
        branch3x3_2b.infer(split, into: y, offset: 704)
        let double = branch3x3dbl_2.infer(branch3x3dbl_1.infer(x))
        branch3x3dbl_3a.infer(double, into: y, offset: 1088)
        branch3x3dbl_3b.infer(double, into: y, offset: 1472)
        branch_pool.infer(
            pooled(x, pooling, kernel: 3, stride: 1, padding: 1), into: y, offset: 1856)
        return y
    }
}
