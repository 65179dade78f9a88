import Formats
import Foundation
import NeuralNet
import Tensor

/// The trained Fashion-MNIST CNN as a scorer: penultimate-layer features for FID, KID and
/// precision/recall, and class probabilities for class coverage.
///
/// Inputs are grayscale images with pixels in [-1, 1], image after image, row-major. Sides
/// other than 28 (generators write 64x64) are resampled to 28x28 by area averaging
/// (`AreaResize`). Scores computed from these features must be labelled with `fidLabel`,
/// never as plain "FID": they are not comparable with Inception FIDs.
public final class FashionClassifier {
    /// Names the network and layer in reports and cache keys.
    public let name = "fmnist-cnn"
    /// The label of a Fréchet distance computed from these features.
    public static let fidLabel = "FID (FMNIST-CNN)"
    /// Length of each feature vector.
    public let dimension = FashionCNN.featureDimension
    /// The network, in evaluation mode.
    public let network: FashionCNN
    /// Images per forward pass.
    public let batchSize: Int

    /// A scorer over `network`, which it puts in evaluation mode (running BatchNorm
    /// statistics, no dropout).
    public init(network: FashionCNN, batchSize: Int = 256) {
        precondition(batchSize > 0, "FashionClassifier: batch size must be positive")
        network.setTraining(false)
        self.network = network
        self.batchSize = batchSize
    }

    /// Loads weights from a safetensors file; every key must match the network.
    public convenience init(weights url: URL, batchSize: Int = 256) throws {
        let network = FashionCNN(dropoutSource: RandomSource(RandomStream(seed: 0)))
        try FashionClassifier.load(
            FashionClassifier.readWeights(url), into: network, path: url.path)
        self.init(network: network, batchSize: batchSize)
    }

    /// The tensors of a safetensors file, read errors turned into `unreadable`.
    static func readWeights(_ url: URL) throws -> [String: StoredTensor] {
        do {
            return try SafeTensors.read(url).tensors
        } catch let error as FileFormatError {
            throw ClassifierWeightsError.unreadable(path: url.path, reason: error.problem)
        }
    }

    /// Checks names and shapes strictly (a missing, extra or reshaped tensor is an error
    /// naming it), then loads.
    static func load(_ tensors: [String: StoredTensor], into network: FashionCNN, path: String)
        throws
    {
        let expected = Dictionary(uniqueKeysWithValues: network.namedState().map {
            (name, entry) -> (String, [Int]) in
            switch entry {
            case .parameter(let p): return (name, p.shape)
            case .buffer(let t): return (name, t.shape)
            case .counter: return (name, [])
            }
        })
        for key in tensors.keys.sorted() where expected[key] == nil {
            throw ClassifierWeightsError.unexpectedKey(key, path: path)
        }
        for key in expected.keys.sorted() {
            guard let stored = tensors[key] else {
                throw ClassifierWeightsError.missingKey(key, path: path)
            }
            guard stored.shape == expected[key]! else {
                throw ClassifierWeightsError.shapeMismatch(
                    key, expected: expected[key]!, found: stored.shape, path: path)
            }
        }
        try network.loadStateDict(tensors)
    }

    /// Feature-layer activations: `count` x 128 values, row-major.
    public func features(images: [Float], count: Int, side: Int) -> [Float] {
        outputs(images: images, count: count, side: side).features
    }

    /// Softmax class probabilities: `count` x 10 values, row-major.
    public func probabilities(images: [Float], count: Int, side: Int) -> [Float] {
        outputs(images: images, count: count, side: side).probabilities
    }

    /// The most probable class of each image.
    public func predictions(images: [Float], count: Int, side: Int) -> [Int] {
        let p = probabilities(images: images, count: count, side: side)
        let k = FashionCNN.classCount
        return (0..<count).map { row in
            (0..<k).max { p[row * k + $0] < p[row * k + $1] }!
        }
    }

    /// Features and probabilities from one pass over the images.
    public func outputs(images: [Float], count: Int, side: Int)
        -> (features: [Float], probabilities: [Float])
    {
        precondition(
            side > 0 && images.count == count * side * side,
            "FashionClassifier: \(images.count) pixels for \(count) images of \(side)x\(side)")
        let s = FashionCNN.inputSide
        let resize = side == s ? nil : AreaResize(from: side, to: s)
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: side * s)
        defer { scratch.deallocate() }
        var features: [Float] = [], probabilities: [Float] = []
        features.reserveCapacity(count * dimension)
        probabilities.reserveCapacity(count * FashionCNN.classCount)

        for first in stride(from: 0, to: count, by: batchSize) {
            let n = min(batchSize, count - first)
            let input = Tensor(uninitialized: [n, 1, s, s])
            images.withUnsafeBufferPointer { pixels in
                let source = pixels.baseAddress! + first * side * side
                guard let resize else {
                    input.data.update(from: source, count: n * s * s)
                    return
                }
                for i in 0..<n {
                    resize.resize(
                        source + i * side * side, into: input.data + i * s * s, scratch: scratch)
                }
            }
            GradMode.withoutGradients {
                let embedding = network.features(Variable(input))
                let logits = network.classifier(embedding)
                features += embedding.value.values
                probabilities += FashionClassifier.softmax(logits.value)
            }
        }
        return (features, probabilities)
    }

    /// Row-wise softmax of [N, classes] logits, shifted by each row's maximum.
    static func softmax(_ logits: Tensor) -> [Float] {
        let classes = logits.dim(1)
        var result = [Float](repeating: 0, count: logits.count)
        for row in 0..<logits.dim(0) {
            let z = logits.data + row * classes
            var peak = -Float.infinity
            for k in 0..<classes { peak = max(peak, z[k]) }
            var total: Float = 0
            for k in 0..<classes {
                result[row * classes + k] = exp(z[k] - peak)
                total += result[row * classes + k]
            }
            for k in 0..<classes { result[row * classes + k] /= total }
        }
        return result
    }
}
