/// A classifier's class probabilities for grayscale images in [−1, 1]: count × classes,
/// row-major. Class coverage and the classifier-based Inception Score read them.
public protocol ClassProbabilityModel {
    func probabilities(images: [Float], count: Int, side: Int) -> [Float]
}

/// The Fashion-MNIST classifier both embeds images (its penultimate layer, for
/// "FID (FMNIST-CNN)") and classifies them.
extension FashionClassifier: FeatureExtractor, ClassProbabilityModel {}
