import NeuralNet
import Tensor

/// The DCGAN discriminator: images [N, 1, S, S] to one probability each. The final
/// `Sigmoid` is kept in `net` for PyTorch's layer numbering, but training uses `logits`
/// with a stable BCE that reproduces PyTorch's values.
public final class Discriminator: Module {
    public let net: Sequential
    public let spec: ModelSpec
    public var isTraining = true

    public init(_ spec: ModelSpec, dropoutSource: RandomSource) {
        self.spec = spec
        let ndf = spec.ndf
        let shapes: [(Int, Int, Int, Int, Int)] = spec.imageSize == 28
            ? [(1, ndf * 2, 4, 2, 1), (ndf * 2, ndf * 4, 4, 2, 1), (ndf * 4, 1, 7, 1, 0)]
            : [(1, ndf, 4, 2, 1), (ndf, ndf * 2, 4, 2, 1), (ndf * 2, ndf * 4, 4, 2, 1),
               (ndf * 4, ndf * 8, 4, 2, 1), (ndf * 8, 1, 4, 1, 0)]
        var layers: [Module] = []
        for (index, s) in shapes.enumerated() {
            layers.append(Conv2d(s.0, s.1, kernel: s.2, stride: s.3, padding: s.4, bias: false))
            guard index < shapes.count - 1 else { break }
            if spec.discriminator.batchNorm && index > 0 { layers.append(BatchNorm2d(s.1)) }
            layers.append(LeakyReLU(0.2))
            if DCGAN.dropoutAfter(hidden: index, spec.discriminator) {
                layers.append(Dropout(Float(spec.discriminator.dropout), source: dropoutSource))
            }
        }
        layers.append(Sigmoid())
        net = Sequential(layers)
    }

    public var children: [(name: String, module: Module)] { [("net", net)] }

    /// Pre-sigmoid scores, one per image: [N].
    public func logits(_ x: Variable) -> Variable {
        let out = net.apply(x, layers: net.layers.count - 1)
        return out.reshaped([x.shape[0]])
    }

    /// Probabilities that each image is real: [N].
    public func callAsFunction(_ x: Variable) -> Variable { logits(x).sigmoid() }
}
