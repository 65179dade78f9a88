import NeuralNet
import Tensor

/// `FIDInceptionC` (Mixed_6b-e): 1x1, factorised 7x7 (1x7 then 7x1), doubly factorised 7x7
/// and average-pool branches (pool divisor without padding).
public final class FIDInceptionC: Module {
    let branch1x1: BasicConv2d
    let branch7x7_1: BasicConv2d, branch7x7_2: BasicConv2d, branch7x7_3: BasicConv2d
    let branch7x7dbl_1: BasicConv2d, branch7x7dbl_2: BasicConv2d, branch7x7dbl_3: BasicConv2d
    let branch7x7dbl_4: BasicConv2d, branch7x7dbl_5: BasicConv2d
    let branch_pool: BasicConv2d
    public var isTraining = false

    /// A block over `inChannels` with `channels7x7` channels inside the 7x7 branches.
    public init(_ inChannels: Int, channels7x7 c7: Int) {
        branch1x1 = BasicConv2d(inChannels, 192, kernel: 1)
        branch7x7_1 = BasicConv2d(inChannels, c7, kernel: 1)
        branch7x7_2 = BasicConv2d(c7, c7, kernel: (1, 7), padding: (0, 3))
        branch7x7_3 = BasicConv2d(c7, 192, kernel: (7, 1), padding: (3, 0))
        branch7x7dbl_1 = BasicConv2d(inChannels, c7, kernel: 1)
        branch7x7dbl_2 = BasicConv2d(c7, c7, kernel: (7, 1), padding: (3, 0))
        branch7x7dbl_3 = BasicConv2d(c7, c7, kernel: (1, 7), padding: (0, 3))
        branch7x7dbl_4 = BasicConv2d(c7, c7, kernel: (7, 1), padding: (3, 0))
        branch7x7dbl_5 = BasicConv2d(c7, 192, kernel: (1, 7), padding: (0, 3))
        branch_pool = BasicConv2d(inChannels, 192, kernel: 1)
    }

    public var children: [(name: String, module: Module)] {
        [
            ("branch1x1", branch1x1), ("branch7x7_1", branch7x7_1), ("branch7x7_2", branch7x7_2),
            ("branch7x7_3", branch7x7_3), ("branch7x7dbl_1", branch7x7dbl_1),
            ("branch7x7dbl_2", branch7x7dbl_2), ("branch7x7dbl_3", branch7x7dbl_3),
            ("branch7x7dbl_4", branch7x7dbl_4), ("branch7x7dbl_5", branch7x7dbl_5),
            ("branch_pool", branch_pool),
        ]
    }

    private var doubleChain: [BasicConv2d] {
        [branch7x7dbl_1, branch7x7dbl_2, branch7x7dbl_3, branch7x7dbl_4]
    }

    public func callAsFunction(_ x: Variable) -> Variable {
        Variable.concatenateChannels([
            branch1x1(x),
            branch7x7_3(branch7x7_2(branch7x7_1(x))),
            branch7x7dbl_5(doubleChain.reduce(x) { $1($0) }),
            branch_pool(x.avgPool2d(kernel: 3, stride: 1, padding: 1)),
        ])
    }

    func infer(_ x: ChannelMajorMap) -> ChannelMajorMap {
        let y = ChannelMajorMap(channels: 768, batch: x.batch, height: x.height, width: x.width)
        branch1x1.infer(x, into: y, offset: 0)
        branch7x7_3.infer(branch7x7_2.infer(branch7x7_1.infer(x)), into: y, offset: 192)
        branch7x7dbl_5.infer(doubleChain.reduce(x) { $1.infer($0) }, into: y, offset: 384)
        branch_pool.infer(
            pooled(x, .average, kernel: 3, stride: 1, padding: 1), into: y, offset: 576)
        return y
    }
}

/// torchvision's `InceptionD` (Mixed_7a): strided 3x3, 7x7-then-strided-3x3 and max-pool
/// branches that halve the resolution.
public final class InceptionD: Module {
    let branch3x3_1: BasicConv2d, branch3x3_2: BasicConv2d
    let branch7x7x3_1: BasicConv2d, branch7x7x3_2: BasicConv2d
    let branch7x7x3_3: BasicConv2d, branch7x7x3_4: BasicConv2d
    public var isTraining = false

    /// A block over `inChannels`.
    public init(_ inChannels: Int) {
        branch3x3_1 = BasicConv2d(inChannels, 192, kernel: 1)
        branch3x3_2 = BasicConv2d(192, 320, kernel: 3, stride: 2)
        branch7x7x3_1 = BasicConv2d(inChannels, 192, kernel: 1)
        branch7x7x3_2 = BasicConv2d(192, 192, kernel: (1, 7), padding: (0, 3))
        branch7x7x3_3 = BasicConv2d(192, 192, kernel: (7, 1), padding: (3, 0))
        branch7x7x3_4 = BasicConv2d(192, 192, kernel: 3, stride: 2)
    }

    public var children: [(name: String, module: Module)] {
        [
            ("branch3x3_1", branch3x3_1), ("branch3x3_2", branch3x3_2),
            ("branch7x7x3_1", branch7x7x3_1), ("branch7x7x3_2", branch7x7x3_2),
            ("branch7x7x3_3", branch7x7x3_3), ("branch7x7x3_4", branch7x7x3_4),
        ]
    }

    private var chain7x7: [BasicConv2d] { [branch7x7x3_1, branch7x7x3_2, branch7x7x3_3] }

    public func callAsFunction(_ x: Variable) -> Variable {
        Variable.concatenateChannels([
            branch3x3_2(branch3x3_1(x)),
            branch7x7x3_4(chain7x7.reduce(x) { $1($0) }),
            x.maxPool2d(kernel: 3, stride: 2),
        ])
    }

    func infer(_ x: ChannelMajorMap) -> ChannelMajorMap {
        let (h, w) = branch3x3_2.outputSize(x.height, x.width)
        let y = ChannelMajorMap(
            channels: 320 + 192 + x.channels, batch: x.batch, height: h, width: w)
        branch3x3_2.infer(branch3x3_1.infer(x), into: y, offset: 0)
        branch7x7x3_4.infer(chain7x7.reduce(x) { $1.infer($0) }, into: y, offset: 320)
        ChannelMajorKernels.pool(x, .max, kernel: 3, stride: 2, padding: 0, into: y, offset: 512)
        return y
    }
}
