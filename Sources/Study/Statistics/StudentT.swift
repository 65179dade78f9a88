/// Student's t distribution with ν degrees of freedom (ν may be fractional, as in Welch's
/// test), through the regularised incomplete beta: P(|T| > t) = I_{ν/(ν+t²)}(ν/2, 1/2).
public enum StudentT {
    /// P(T ≤ t).
    public static func cdf(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        let tail = twoSidedTail(abs(t), degreesOfFreedom: nu) / 2
        return t >= 0 ? 1 - tail : tail
    }

    /// P(|T| ≥ |t|), the two-sided p-value of a t statistic.
    public static func twoSidedTail(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        guard t.isFinite else { return t.isNaN ? .nan : 0 }
        return IncompleteBeta.regularized(nu / (nu + t * t), a: nu / 2, b: 0.5)
    }

    /// The t with P(T ≤ t) = p, for p in (0, 1).
    public static func quantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
        precondition(p > 0 && p < 1, "StudentT.quantile: p = \(p) is not in (0, 1)")
        precondition(nu > 0, "StudentT.quantile: \(nu) degrees of freedom")
        if p == 0.5 { return 0 }
        // Solve I_x(ν/2, 1/2) = 2 · min(p, 1 − p) for x = ν / (ν + t²).
        let x = IncompleteBeta.inverse(2 * min(p, 1 - p), a: nu / 2, b: 0.5)
        let t = (nu * (1 - x) / x).squareRoot()
        return p > 0.5 ? t : -t
    }
}

/// Welch's unequal-variance t-test of two samples' means.
public struct WelchTest: Equatable, Sendable, Codable {
    /// t statistic (mean a − mean b over its standard error).
    public var t: Double
    /// Welch–Satterthwaite degrees of freedom.
    public var degreesOfFreedom: Double
    /// Two-sided p-value.
    public var pValue: Double

    /// Tests `a` against `b`, as `scipy.stats.ttest_ind(a, b, equal_var=False)`; needs two
    /// values in each sample, else every field is NaN.
    public init(_ a: [Double], _ b: [Double]) {
        guard a.count >= 2, b.count >= 2 else {
            (t, degreesOfFreedom, pValue) = (.nan, .nan, .nan)
            return
        }
        let va = Statistics.sampleVariance(a) / Double(a.count)
        let vb = Statistics.sampleVariance(b) / Double(b.count)
        t = (Statistics.mean(a) - Statistics.mean(b)) / (va + vb).squareRoot()
        degreesOfFreedom =
            (va + vb) * (va + vb)
            / (va * va / Double(a.count - 1) + vb * vb / Double(b.count - 1))
        pValue = StudentT.twoSidedTail(t, degreesOfFreedom: degreesOfFreedom)
    }
}
