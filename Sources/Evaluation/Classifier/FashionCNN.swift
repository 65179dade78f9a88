import NeuralNet
import Tensor

/// The Fashion-MNIST classifier: three 3x3 convolutions with BatchNorm, two max-pools, a
/// 128-unit ReLU layer (the feature layer) and a 10-way linear head.
///
/// Only one convolution runs at 28x28: a second one there would cost 60% more compute per
/// image, and training must fit in minutes on two cores. Its state dict keys are those of
/// this PyTorch definition, so weights move both ways:
///
///     features = nn.Sequential(
///         nn.Conv2d(1, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(),
///         nn.MaxPool2d(2),
///         nn.Conv2d(32, 64, 3, padding=1, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
///         nn.Conv2d(64, 64, 3, padding=1, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
///         nn.MaxPool2d(2),
///         nn.Flatten(), nn.Dropout(0.25), nn.Linear(3136, 128), nn.ReLU())
///     classifier = nn.Linear(128, 10)
public final class FashionCNN: Module {
    /// Side of the square one-channel input images.
    public static let inputSide = 28
    /// Width of the feature layer (the penultimate activations).
    public static let featureDimension = 128
    /// Number of classes the head scores.
    public static let classCount = 10

    /// Input to feature layer: [N, 1, 28, 28] -> [N, 128], ReLU applied.
    public let features: Sequential
    /// Feature layer to logits: [N, 128] -> [N, 10].
    public let classifier: Linear
    /// Training mode (batch statistics, dropout) or evaluation mode.
    public var isTraining = true

    /// A network with zero weights; draw them with `Initialization` or load a state dict.
    /// `dropoutSource` feeds the dropout masks in training mode.
    public init(dropoutSource: RandomSource) {
        func block(_ inChannels: Int, _ outChannels: Int) -> [Module] {
            [Conv2d(inChannels, outChannels, kernel: 3, padding: 1, bias: false),
             BatchNorm2d(outChannels), ReLU()]
        }
        let flat = 64 * (FashionCNN.inputSide / 4) * (FashionCNN.inputSide / 4)
        features = Sequential(
            block(1, 32) + [Pool2d(.max, kernel: 2)]
                + block(32, 64) + block(64, 64) + [Pool2d(.max, kernel: 2)]
                + [Flatten(), Dropout(0.25, source: dropoutSource),
                   Linear(flat, FashionCNN.featureDimension), ReLU()])
        classifier = Linear(FashionCNN.featureDimension, FashionCNN.classCount)
    }

    public var children: [(name: String, module: Module)] {
        [("features", features), ("classifier", classifier)]
    }

    /// Logits [N, 10] of images [N, 1, 28, 28] in [-1, 1].
    public func callAsFunction(_ x: Variable) -> Variable {
        classifier(features(x))
    }
}
