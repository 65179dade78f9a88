import Tensor

/// Kernel Inception Distance (Bińkowski et al. 2018): the unbiased estimate of the squared
/// MMD between two feature sets under the cubic polynomial kernel k(x, y) = (xᵀy / d + 1)³,
/// averaged over random subsets. Unlike FID it has no bias at small sample sizes, so two
/// samples of one distribution score about 0 (sometimes slightly below).
public struct KernelInceptionDistance: Equatable, Sendable, Codable {
    /// Mean of the per-subset estimates.
    public var mean: Double
    /// Standard deviation of the per-subset estimates (divisor n, as torch-fidelity).
    public var standardDeviation: Double
    /// Number of subsets drawn.
    public var subsets: Int
    /// Samples drawn from each set per subset.
    public var subsetSize: Int

    /// KID between `real` and `generated`, row-major matrices of `dimension` columns.
    /// Each subset draws `min(subsetSize, rows)` rows of each set without replacement from
    /// a stream seeded by `seed`, so equal inputs give equal results.
    public init(
        real: [Float], generated: [Float], dimension: Int, subsets: Int = 100,
        subsetSize: Int = 1000, seed: UInt64 = 0
    ) throws {
        precondition(dimension > 0 && subsets > 0, "KID: dimension and subsets must be > 0")
        precondition(
            real.count % dimension == 0 && generated.count % dimension == 0,
            "KID: feature counts are not multiples of the dimension \(dimension)")
        let rowsReal = real.count / dimension, rowsGenerated = generated.count / dimension
        let size = min(subsetSize, rowsReal, rowsGenerated)
        guard size >= 2 else {
            throw MetricError.tooFewSamples(needed: 2, found: size, what: "KID")
        }

        var random = RandomStream(seed: seed, purpose: "kid-subsets")
        var estimates: [Double] = []
        var x = [Float](repeating: 0, count: size * dimension)
        var y = x
        var products = [Float](repeating: 0, count: size * size)
        for _ in 0..<subsets {
            Self.gather(real, rows: random.permutation(rowsReal).prefix(size), dimension, &x)
            Self.gather(
                generated, rows: random.permutation(rowsGenerated).prefix(size), dimension, &y)
            estimates.append(
                Self.unbiasedMMD(x, y, size: size, dimension: dimension, scratch: &products))
        }

        let mean = estimates.reduce(0, +) / Double(subsets)
        let variance = estimates.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(subsets)
        self.mean = mean
        self.standardDeviation = variance.squareRoot()
        self.subsets = subsets
        self.subsetSize = size
    }

    private static func gather(
        _ source: [Float], rows: ArraySlice<Int>, _ dimension: Int, _ target: inout [Float]
    ) {
        for (i, row) in rows.enumerated() {
            target.replaceSubrange(
                (i * dimension)..<((i + 1) * dimension),
                with: source[(row * dimension)..<((row + 1) * dimension)])
        }
    }

    /// Σ_{i≠j} k(xᵢ, xⱼ) / (m(m−1)) + Σ_{i≠j} k(yᵢ, yⱼ) / (m(m−1)) − 2 Σ k(xᵢ, yⱼ) / m².
    /// Inner products come from float32 BLAS; the kernel sums accumulate in float64.
    private static func unbiasedMMD(
        _ x: [Float], _ y: [Float], size m: Int, dimension d: Int, scratch: inout [Float]
    ) -> Double {
        let scale = 1 / Double(d)
        func kernel(_ product: Float) -> Double {
            let base = Double(product) * scale + 1
            return base * base * base
        }
        func offDiagonalSum(_ z: [Float], _ c: UnsafeMutablePointer<Float>) -> Double {
            DenseLinearAlgebra.upperInnerProducts(z, rows: m, dimension: d, into: c)
            var sum = 0.0
            for i in 0..<m {
                for j in (i + 1)..<m { sum += kernel(c[i * m + j]) }
            }
            return 2 * sum  // the lower triangle mirrors the upper
        }

        return scratch.withUnsafeMutableBufferPointer { buffer in
            let c = buffer.baseAddress!
            let xx = offDiagonalSum(x, c)
            let yy = offDiagonalSum(y, c)
            DenseLinearAlgebra.innerProducts(x, rowsA: m, y, rowsB: m, dimension: d, into: c)
            var xy = 0.0
            for i in 0..<(m * m) { xy += kernel(c[i]) }
            let pairs = Double(m * (m - 1))
            return xx / pairs + yy / pairs - 2 * xy / Double(m * m)
        }
    }
}
