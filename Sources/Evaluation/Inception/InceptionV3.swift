import NeuralNet
import Tensor

/// pytorch-fid's `InceptionV3([3])`: torchvision's Inception-v3 with the FID blocks, cut
/// after the global average pool to give 2048 features per 299x299 RGB image in [-1, 1].
///
/// State names are those of `pt_inception-2015-12-05-6726825d.pth` (`Mixed_5b.branch1x1.
/// conv.weight`, ...). Always in evaluation mode: BatchNorm uses running statistics.
public final class InceptionV3: Module {
    /// Feature dimension of the pool3 output.
    public static let dimension = 2048
    /// Input side the network was trained at.
    public static let inputSide = 299

    let Conv2d_1a_3x3 = BasicConv2d(3, 32, kernel: 3, stride: 2)
    let Conv2d_2a_3x3 = BasicConv2d(32, 32, kernel: 3)
    let Conv2d_2b_3x3 = BasicConv2d(32, 64, kernel: 3, padding: 1)
    let Conv2d_3b_1x1 = BasicConv2d(64, 80, kernel: 1)
    let Conv2d_4a_3x3 = BasicConv2d(80, 192, kernel: 3)
    let Mixed_5b = FIDInceptionA(192, poolFeatures: 32)
    let Mixed_5c = FIDInceptionA(256, poolFeatures: 64)
    let Mixed_5d = FIDInceptionA(288, poolFeatures: 64)
    let Mixed_6a = InceptionB(288)
    let Mixed_6b = FIDInceptionC(768, channels7x7: 128)
    let Mixed_6c = FIDInceptionC(768, channels7x7: 160)
    let Mixed_6d = FIDInceptionC(768, channels7x7: 160)
    let Mixed_6e = FIDInceptionC(768, channels7x7: 192)
    let Mixed_7a = InceptionD(768)
    let Mixed_7b = FIDInceptionE(1280, pooling: .average)
    let Mixed_7c = FIDInceptionE(2048, pooling: .max)
    public var isTraining = false
    private var isFused = false

    /// A network with zero weights and unit BatchNorm statistics; load weights next.
    public init() {}

    public var children: [(name: String, module: Module)] {
        [
            ("Conv2d_1a_3x3", Conv2d_1a_3x3), ("Conv2d_2a_3x3", Conv2d_2a_3x3),
            ("Conv2d_2b_3x3", Conv2d_2b_3x3), ("Conv2d_3b_1x1", Conv2d_3b_1x1),
            ("Conv2d_4a_3x3", Conv2d_4a_3x3), ("Mixed_5b", Mixed_5b), ("Mixed_5c", Mixed_5c),
            ("Mixed_5d", Mixed_5d), ("Mixed_6a", Mixed_6a), ("Mixed_6b", Mixed_6b),
            ("Mixed_6c", Mixed_6c), ("Mixed_6d", Mixed_6d), ("Mixed_6e", Mixed_6e),
            ("Mixed_7a", Mixed_7a), ("Mixed_7b", Mixed_7b), ("Mixed_7c", Mixed_7c),
        ]
    }

    /// pool3 features [N, 2048, 1, 1] of preprocessed images [N, 3, 299, 299], through the
    /// autodiff ops (differentiable; `features` is the fast path).
    public func callAsFunction(_ x: Variable) -> Variable { blockOutputs(x)[3] }

    /// The outputs of pytorch-fid's four blocks: [N, 64, 73, 73], [N, 192, 35, 35],
    /// [N, 768, 17, 17] and [N, 2048, 1, 1] for 299x299 inputs.
    public func blockOutputs(_ x: Variable) -> [Variable] {
        let block0 = [Conv2d_1a_3x3, Conv2d_2a_3x3, Conv2d_2b_3x3].reduce(x) { $1($0) }
            .maxPool2d(kernel: 3, stride: 2)
        let block1 = Conv2d_4a_3x3(Conv2d_3b_1x1(block0)).maxPool2d(kernel: 3, stride: 2)
        let mixed6: [Module] = [
            Mixed_5b, Mixed_5c, Mixed_5d, Mixed_6a, Mixed_6b, Mixed_6c,
            Mixed_6d, Mixed_6e,
        ]
        let block2 = mixed6.reduce(block1) { $1($0) }
        let block3 = Mixed_7c(Mixed_7b(Mixed_7a(block2))).globalAvgPool()
        return [block0, block1, block2, block3]
    }

    /// Folds every BatchNorm into its convolution for `inferBlocks`. Call again after
    /// loading new weights.
    public func prepareInference() {
        for case (_, let layer as BasicConv2d) in allModules { layer.fuse() }
        isFused = true
    }

    /// The fast path of `blockOutputs` on a channel-major batch of preprocessed images:
    /// BatchNorm folded, no autodiff graph; the fourth map is Mixed_7c's output before the
    /// global average pool. Needs `prepareInference()` first.
    public func inferBlocks(_ x: ChannelMajorMap) -> [ChannelMajorMap] {
        precondition(isFused, "InceptionV3.inferBlocks before prepareInference()")
        let block0 = pooled(
            Conv2d_2b_3x3.infer(Conv2d_2a_3x3.infer(Conv2d_1a_3x3.infer(x))),
            .max, kernel: 3, stride: 2, padding: 0)
        let block1 = pooled(
            Conv2d_4a_3x3.infer(Conv2d_3b_1x1.infer(block0)), .max, kernel: 3, stride: 2,
            padding: 0)
        var mixed = [Mixed_5b, Mixed_5c, Mixed_5d].reduce(block1) { $1.infer($0) }
        mixed = Mixed_6a.infer(mixed)
        let block2 = [Mixed_6b, Mixed_6c, Mixed_6d, Mixed_6e].reduce(mixed) { $1.infer($0) }
        let block3 = Mixed_7c.infer(Mixed_7b.infer(Mixed_7a.infer(block2)))
        return [block0, block1, block2, block3]
    }

    /// pool3 features, [N, 2048] row-major, of a channel-major batch of preprocessed images.
    public func features(_ x: ChannelMajorMap) -> [Float] {
        ChannelMajorKernels.globalAverage(inferBlocks(x)[3])
    }

    /// This module and every descendant with its dotted name.
    var allModules: [(String, Module)] {
        func walk(_ m: Module, _ name: String) -> [(String, Module)] {
            [(name, m)]
                + m.children.flatMap {
                    walk($0.module, name.isEmpty ? $0.name : name + "." + $0.name)
                }
        }
        return walk(self, "")
    }
}
