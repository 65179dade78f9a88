/// The Fréchet distance between two Gaussians, the quantity FID reports:
/// `‖μ₁ − μ₂‖² + tr Σ₁ + tr Σ₂ − 2 tr √(Σ₁Σ₂)`.
///
/// `tr √(Σ₁Σ₂)` comes from symmetric eigendecompositions instead of pytorch-fid's general
/// `sqrtm`: with `√Σ₁ = V √Λ Vᵀ`, the matrix `√Σ₁ Σ₂ √Σ₁` is symmetric positive semi-definite
/// with the same eigenvalues as `Σ₁Σ₂`, and is similar to `√Λ (Vᵀ Σ₂ V) √Λ`, so the trace is
/// `Σ √max(λᵢ, 0)` over that matrix's eigenvalues. Clamping tiny negative eigenvalues
/// (rounding on rank-deficient covariances) replaces `sqrtm`'s complex parts and epsilon
/// retries; full-rank results agree with pytorch-fid to about 1e-13 relative.
public func frechetDistance(_ a: FeatureStatistics, _ b: FeatureStatistics) throws -> Double {
    let d = a.dimension
    guard b.dimension == d else {
        throw MetricError.dimensionMismatch(expected: d, found: b.dimension, what: "FID")
    }

    var meanTerm = 0.0
    for i in 0..<d { meanTerm += (a.mean[i] - b.mean[i]) * (a.mean[i] - b.mean[i]) }
    var traces = 0.0
    for i in 0..<d { traces += a.covariance[i * d + i] + b.covariance[i * d + i] }

    return meanTerm + traces - 2 * (try traceOfSquareRootProduct(a.covariance, b.covariance, d))
}

/// `tr √(Σ₁Σ₂)` for symmetric positive semi-definite `d` x `d` matrices.
func traceOfSquareRootProduct(_ s1: [Double], _ s2: [Double], _ d: Int) throws -> Double {
    // Eigenvector j sits at j*d, so read row-major the vectors form Vᵀ.
    let (lambda, vt) = try DenseLinearAlgebra.symmetricEigen(s1, size: d, vectors: true)
    let rotated = DenseLinearAlgebra.multiply(
        DenseLinearAlgebra.multiply(vt, s2, m: d, n: d, k: d), vt, transposeB: true,
        m: d, n: d, k: d)
    let root = lambda.map { $0 > 0 ? $0.squareRoot() : 0 }
    var scaled = rotated
    for i in 0..<d {
        for j in 0..<d { scaled[i * d + j] *= root[i] * root[j] }
    }
    let mu = try DenseLinearAlgebra.symmetricEigen(scaled, size: d, vectors: false).values
    return mu.reduce(0) { $0 + ($1 > 0 ? $1.squareRoot() : 0) }
}
