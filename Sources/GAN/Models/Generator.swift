import NeuralNet
import Tensor

/// The DCGAN generator: latent vectors [N, nz, 1, 1] to images [N, 1, S, S] in [−1, 1].
/// Its layers sit in a `Sequential` named `net`, so state-dict keys match the reference
/// PyTorch `Generator` (`net.0.weight`, `net.1.running_mean`, ...).
public final class Generator: Module {
    public let net: Sequential
    public let spec: ModelSpec
    public var isTraining = true

    public init(_ spec: ModelSpec, dropoutSource: RandomSource) {
        self.spec = spec
        let ngf = spec.ngf
        // (in, out, kernel, stride, padding) per transposed convolution.
        let shapes: [(Int, Int, Int, Int, Int)] = spec.imageSize == 28
            ? [(spec.nz, ngf * 4, 7, 1, 0), (ngf * 4, ngf * 2, 4, 2, 1), (ngf * 2, 1, 4, 2, 1)]
            : [(spec.nz, ngf * 8, 4, 1, 0), (ngf * 8, ngf * 4, 4, 2, 1), (ngf * 4, ngf * 2, 4, 2, 1),
               (ngf * 2, ngf, 4, 2, 1), (ngf, 1, 4, 2, 1)]
        var layers: [Module] = []
        for (index, s) in shapes.enumerated() {
            layers.append(ConvTranspose2d(s.0, s.1, kernel: s.2, stride: s.3, padding: s.4, bias: false))
            guard index < shapes.count - 1 else { break }
            if spec.generator.batchNorm { layers.append(BatchNorm2d(s.1)) }
            layers.append(ReLU())
            if DCGAN.dropoutAfter(hidden: index, spec.generator) {
                layers.append(Dropout(Float(spec.generator.dropout), source: dropoutSource))
            }
        }
        layers.append(Tanh())
        net = Sequential(layers)
    }

    public var children: [(name: String, module: Module)] { [("net", net)] }

    public func callAsFunction(_ z: Variable) -> Variable { net(z) }
}

/// Shared rules of the DCGAN builders.
enum DCGAN {
    /// Whether dropout follows hidden activation number `hidden` (0-based).
    static func dropoutAfter(hidden: Int, _ spec: NetworkSpec) -> Bool {
        guard spec.dropout > 0 else { return false }
        switch spec.dropoutPlacement {
        case .allHidden: return true
        case .firstTwo: return hidden < 2
        }
    }
}
