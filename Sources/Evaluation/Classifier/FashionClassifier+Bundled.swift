import Foundation

extension FashionClassifier {
    /// The weights shipped in the package (trained by `dcgan-lab classifier train` with the
    /// default settings; accuracy and settings in Resources/fmnist-cnn.json), so every user
    /// scores with the same network.
    public static var bundledWeightsURL: URL? {
        Bundle.module.url(
            forResource: "fmnist-cnn", withExtension: "safetensors", subdirectory: "Resources")
    }

    /// The classifier with the shipped weights.
    public static func bundled(batchSize: Int = 256) throws -> FashionClassifier {
        guard let url = bundledWeightsURL else {
            throw ClassifierWeightsError.bundledWeightsMissing
        }
        return try FashionClassifier(weights: url, batchSize: batchSize)
    }
}
