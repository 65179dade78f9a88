import NeuralNet

/// Where a network places dropout.
public enum DropoutPlacement: String, Codable, Sendable {
    /// After every hidden activation.
    case allHidden = "all-hidden"
    /// After the first two hidden activations only (the reference code's discriminator).
    case firstTwo = "first-two"
}

/// The regularisation of one network (generator or discriminator).
public struct NetworkSpec: Codable, Equatable, Sendable {
    /// Batch normalisation in the DCGAN placement (every hidden layer of G; every hidden
    /// layer but the first in D).
    public var batchNorm: Bool
    /// Dropout probability in [0, 1); 0 disables it.
    public var dropout: Double
    public var dropoutPlacement: DropoutPlacement
    /// Adam weight decay (added to the gradient, PyTorch's `weight_decay`).
    public var weightDecay: Double

    public init(batchNorm: Bool = false, dropout: Double = 0, dropoutPlacement: DropoutPlacement = .allHidden,
                weightDecay: Double = 0) {
        self.batchNorm = batchNorm
        self.dropout = dropout
        self.dropoutPlacement = dropoutPlacement
        self.weightDecay = weightDecay
    }
}

/// Everything that fixes the two networks' architecture and initial weights.
public struct ModelSpec: Codable, Equatable, Sendable {
    /// 64 (five 4×4 layers each) or 28 (three layers, 7×7 first/last).
    public var imageSize: Int
    /// Latent size, generator and discriminator feature widths.
    public var nz: Int, ngf: Int, ndf: Int
    public var generator: NetworkSpec
    public var discriminator: NetworkSpec
    public var initialization: Initialization

    public init(imageSize: Int = 64, nz: Int = 100, ngf: Int = 32, ndf: Int = 32,
                generator: NetworkSpec = NetworkSpec(), discriminator: NetworkSpec = NetworkSpec(),
                initialization: Initialization = .dcgan) {
        self.imageSize = imageSize
        self.nz = nz
        self.ngf = ngf
        self.ndf = ndf
        self.generator = generator
        self.discriminator = discriminator
        self.initialization = initialization
    }
}
