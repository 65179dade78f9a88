import Datasets

/// How many images of each class a classifier got right.
public struct ClassifierAccuracy: Codable, Equatable, Sendable {
    /// Images of each class.
    public var totals: [Int]
    /// Correctly predicted images of each class.
    public var correct: [Int]

    /// Counts from predicted and true labels (equal lengths).
    public init(predictions: [Int], labels: [UInt8], classes: Int = FashionCNN.classCount) {
        precondition(
            predictions.count == labels.count,
            "ClassifierAccuracy: \(predictions.count) predictions for \(labels.count) labels")
        totals = [Int](repeating: 0, count: classes)
        correct = [Int](repeating: 0, count: classes)
        for (predicted, label) in zip(predictions, labels) {
            totals[Int(label)] += 1
            if predicted == Int(label) { correct[Int(label)] += 1 }
        }
    }

    /// Fraction of all images classified correctly.
    public var overall: Double {
        Double(correct.reduce(0, +)) / Double(max(totals.reduce(0, +), 1))
    }

    /// Fraction correct within each class (0 for a class with no images).
    public var perClass: [Double] {
        zip(correct, totals).map { Double($0) / Double(max($1, 1)) }
    }
}

extension FashionClassifier {
    /// Accuracy on the first `limit` images of a split (all when nil), at 28x28.
    public func accuracy(on split: LabelledImages, limit: Int? = nil) throws
        -> ClassifierAccuracy
    {
        let n = min(limit ?? split.count, split.count)
        let images = try TrainingImages(split, subset: .first(n), side: FashionCNN.inputSide)
        let predicted = predictions(
            images: images.normalizedPixels(), count: n, side: FashionCNN.inputSide)
        return ClassifierAccuracy(predictions: predicted, labels: images.labels)
    }
}
