import Foundation

extension FashionClassifier {
    /// The weights shipped in the package, so every user scores with the same network.
    ///
    /// Trained by `dcgan-lab classifier train --threads 2` in three stages, each report in
    /// Resources: the defaults (5 epochs, seed 1; fmnist-cnn-stage1.json), then warm restarts
    /// from the previous weights with `--init`: 3 epochs, `--lr 0.02`, seed 2
    /// (fmnist-cnn-stage2.json); 2 epochs, `--lr 0.01`, seed 3 (fmnist-cnn.json, 93.13%).
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
