import NeuralNet

/// A named regularisation setting: how the two networks and the training step differ
/// from the plain DCGAN.
public struct Variant: Sendable {
    public let name: String
    public let summary: String
    public let generator: NetworkSpec
    public let discriminator: NetworkSpec
    public let initialization: Initialization
    public let procedure: ProcedureSpec

    /// Every preset, in the order reports list them.
    public static let all: [Variant] = described + referenceCode + extra

    /// The four variants as the study's text describes them.
    public static let described: [Variant] = [
        Variant(name: "baseline", summary: "no normalisation, dropout or weight decay",
                generator: .init(), discriminator: .init(), initialization: .dcgan, procedure: .init()),
        Variant(name: "l2", summary: "Adam weight decay 0.01 (added to the gradient) on G and D",
                generator: .init(weightDecay: 0.01), discriminator: .init(weightDecay: 0.01),
                initialization: .dcgan, procedure: .init()),
        Variant(name: "dropout", summary: "dropout p = 0.3 after every hidden activation of G and D",
                generator: .init(dropout: 0.3), discriminator: .init(dropout: 0.3),
                initialization: .dcgan, procedure: .init()),
        Variant(name: "batchnorm", summary: "batch normalisation in G and D (DCGAN placement)",
                generator: .init(batchNorm: true), discriminator: .init(batchNorm: true),
                initialization: .dcgan, procedure: .init()),
    ]

    /// The four variants as the reference code ran them: batch norm everywhere but one,
    /// PyTorch's default initialisation.
    public static let referenceCode: [Variant] = [
        Variant(name: "reference-baseline", summary: "standard DCGAN: batch norm in G and D, PyTorch default init",
                generator: .init(batchNorm: true), discriminator: .init(batchNorm: true),
                initialization: .pytorchDefault, procedure: .init()),
        Variant(name: "reference-l2", summary: "reference baseline plus Adam weight decay 0.01 on G and D",
                generator: .init(batchNorm: true, weightDecay: 0.01),
                discriminator: .init(batchNorm: true, weightDecay: 0.01),
                initialization: .pytorchDefault, procedure: .init()),
        Variant(name: "reference-dropout", summary: "reference baseline plus dropout 0.3 after D's first two activations",
                generator: .init(batchNorm: true),
                discriminator: .init(batchNorm: true, dropout: 0.3, dropoutPlacement: .firstTwo),
                initialization: .pytorchDefault, procedure: .init()),
        Variant(name: "reference-no-batchnorm-d", summary: "reference baseline without batch norm in D",
                generator: .init(batchNorm: true), discriminator: .init(),
                initialization: .pytorchDefault, procedure: .init()),
    ]

    /// Regularisers beyond the reference study.
    public static let extra: [Variant] = [
        Variant(name: "r1", summary: "baseline plus the R1 gradient penalty (γ = 10) on real images",
                generator: .init(), discriminator: .init(), initialization: .dcgan,
                procedure: .init(r1Gamma: 10)),
        Variant(name: "label-smoothing", summary: "baseline with one-sided label smoothing (real label 0.9)",
                generator: .init(), discriminator: .init(), initialization: .dcgan,
                procedure: .init(realLabel: 0.9)),
    ]

    /// The preset with this name, if any.
    public static func named(_ name: String) -> Variant? { all.first { $0.name == name } }
}

/// Changes to the training step itself (as opposed to the networks).
public struct ProcedureSpec: Codable, Equatable, Sendable {
    /// Weight of the R1 penalty γ/2·E‖∇ₓD(x)‖² on real images; 0 disables it.
    public var r1Gamma: Double
    /// Target for real images in D's loss (1 = none; 0.9 = one-sided label smoothing).
    public var realLabel: Double

    public init(r1Gamma: Double = 0, realLabel: Double = 1) {
        self.r1Gamma = r1Gamma
        self.realLabel = realLabel
    }
}
