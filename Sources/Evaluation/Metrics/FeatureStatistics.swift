import Foundation
import Formats

/// The Gaussian summary FID compares: float64 mean and covariance (ddof = 1, as `np.cov`)
/// of a set of feature vectors, with how many vectors it came from. Saved as a cache.
public struct FeatureStatistics: Equatable, Sendable {
    /// Mean feature vector, `dimension` values.
    public var mean: [Double]
    /// Covariance, `dimension` x `dimension`, row-major.
    public var covariance: [Double]
    /// Number of feature vectors summarised.
    public var count: Int

    /// Width of the feature vectors.
    public var dimension: Int { mean.count }

    /// Statistics given directly; `covariance` must be `mean.count` squared values.
    public init(mean: [Double], covariance: [Double], count: Int) {
        precondition(
            covariance.count == mean.count * mean.count,
            "FeatureStatistics: covariance of \(covariance.count) values for \(mean.count)-d mean")
        self.mean = mean
        self.covariance = covariance
        self.count = count
    }

    /// Statistics of `features`, row-major `n` x `dimension`; needs at least 2 rows.
    public init(features: [Float], dimension: Int) throws {
        try self.init(centring: features.map(Double.init), dimension: dimension)
    }

    /// Statistics of float64 `features`, row-major `n` x `dimension`; needs 2 rows.
    public init(features: [Double], dimension: Int) throws {
        try self.init(centring: features, dimension: dimension)
    }

    private init(centring features: [Double], dimension: Int) throws {
        precondition(
            dimension > 0 && features.count % dimension == 0,
            "FeatureStatistics: \(features.count) values are not rows of \(dimension)")
        let n = features.count / dimension
        guard n >= 2 else {
            throw MetricError.tooFewSamples(needed: 2, found: n, what: "A covariance")
        }

        var mean = [Double](repeating: 0, count: dimension)
        for row in 0..<n {
            for j in 0..<dimension { mean[j] += features[row * dimension + j] }
        }
        for j in 0..<dimension { mean[j] /= Double(n) }

        // Centre first: the one-pass E[xxᵀ] - μμᵀ form loses digits to cancellation.
        var centred = features
        for row in 0..<n {
            for j in 0..<dimension { centred[row * dimension + j] -= mean[j] }
        }
        var covariance = DenseLinearAlgebra.gram(centred, rows: n, columns: dimension)
        let scale = 1 / Double(n - 1)
        for i in covariance.indices { covariance[i] *= scale }
        self.init(mean: mean, covariance: covariance, count: n)
    }

    /// Writes `mu`, `sigma` (float64) and `count` as safetensors; `metadata` records what the
    /// statistics are of (extractor, split, preprocessing) for whoever reuses the cache.
    public func save(to url: URL, metadata: [String: String] = [:]) throws {
        let d = dimension
        let tensors = [
            "mu": StoredTensor(dtype: .f64, shape: [d], bytes: Self.bytes(mean)),
            "sigma": StoredTensor(dtype: .f64, shape: [d, d], bytes: Self.bytes(covariance)),
            "count": StoredTensor(shape: [], int64s: [Int64(count)]),
        ]
        try SafeTensors.write(tensors, metadata: metadata, to: url)
    }

    /// Reads statistics written by `save`, with their metadata.
    public static func load(
        from url: URL
    ) throws -> (statistics: FeatureStatistics, metadata: [String: String]) {
        let (tensors, metadata) = try SafeTensors.read(url)
        guard let mu = tensors["mu"], mu.shape.count == 1, let sigma = tensors["sigma"],
              sigma.shape == [mu.count, mu.count], let count = tensors["count"],
              count.count == 1
        else {
            throw FileFormatError(
                path: url.path, problem: "does not hold feature statistics (mu, sigma, count)",
                hint: "Delete the cache file so it is recomputed")
        }
        let statistics = FeatureStatistics(
            mean: mu.doubles(), covariance: sigma.doubles(), count: Int(count.doubles()[0]))
        return (statistics, metadata)
    }

    private static func bytes(_ values: [Double]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(values.count * 8)
        for v in values {
            withUnsafeBytes(of: v.bitPattern.littleEndian) { out += $0 }
        }
        return out
    }
}
