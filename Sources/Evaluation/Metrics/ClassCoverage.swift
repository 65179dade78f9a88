import Foundation

/// How a classifier spreads generated samples over the classes: mode collapse shows as
/// classes that vanish from the histogram, low entropy and a high KL from uniform.
public struct ClassCoverage: Equatable, Sendable, Codable {
    /// Samples predicted as each class.
    public var counts: [Int]
    /// Entropy of the predicted-class distribution, in nats (log C when uniform).
    public var entropy: Double
    /// KL(predicted-class distribution ‖ uniform) = log C − entropy, in nats.
    public var klFromUniform: Double
    /// Classes holding at least `minimumShare` of the samples.
    public var classesCovered: Int
    /// The share a class needs to count as covered (0.01 by default).
    public var minimumShare: Double
    /// exp E_x[KL(p(y|x) ‖ p(y))] with this classifier: the Inception Score's formula on
    /// another network. Nil when built from hard predictions.
    public var inceptionScore: Double?

    /// Total number of samples.
    public var sampleCount: Int { counts.reduce(0, +) }

    /// Coverage from predicted class indices in 0..<classes.
    public init(predictions: [Int], classes: Int = 10, minimumShare: Double = 0.01) {
        var counts = [Int](repeating: 0, count: classes)
        for p in predictions {
            precondition(p >= 0 && p < classes, "ClassCoverage: class \(p) not in 0..<\(classes)")
            counts[p] += 1
        }
        let total = Double(max(predictions.count, 1))
        let shares = counts.map { Double($0) / total }
        let entropy = -shares.reduce(0) { $0 + ($1 > 0 ? $1 * log($1) : 0) }
        self.counts = counts
        self.entropy = entropy
        self.klFromUniform = log(Double(classes)) - entropy
        self.classesCovered = shares.filter { $0 >= minimumShare && $0 > 0 }.count
        self.minimumShare = minimumShare
        self.inceptionScore = nil
    }

    /// Coverage from class probabilities, row-major `n` x `classes` (softmax outputs);
    /// each sample counts for its most probable class, and the Inception Score is filled.
    public init<Element: BinaryFloatingPoint>(
        probabilities: [Element], classes: Int = 10, minimumShare: Double = 0.01
    ) {
        precondition(
            classes > 0 && probabilities.count % classes == 0,
            "ClassCoverage: \(probabilities.count) probabilities are not rows of \(classes)")
        let n = probabilities.count / classes
        var predictions: [Int] = []
        var marginal = [Double](repeating: 0, count: classes)
        for row in 0..<n {
            let p = probabilities[(row * classes)..<((row + 1) * classes)].map(Double.init)
            predictions.append(p.indices.max { p[$0] < p[$1] }!)
            for c in 0..<classes { marginal[c] += p[c] / Double(n) }
        }
        self.init(predictions: predictions, classes: classes, minimumShare: minimumShare)

        var meanKL = 0.0
        for row in 0..<n {
            for c in 0..<classes {
                let p = Double(probabilities[row * classes + c])
                if p > 0 { meanKL += p * (log(p) - log(marginal[c])) / Double(n) }
            }
        }
        inceptionScore = n > 0 ? exp(meanKL) : nil
    }
}
