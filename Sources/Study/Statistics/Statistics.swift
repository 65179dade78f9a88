import Foundation

/// Summary statistics across seeds or iterations, computed in float64.
public enum Statistics {
    /// Arithmetic mean; NaN for an empty sample.
    public static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
    }

    /// Sample variance (divisor n − 1, as `np.var(ddof=1)`); NaN below 2 values.
    public static func sampleVariance(_ values: [Double]) -> Double {
        guard values.count >= 2 else { return .nan }
        let m = mean(values)
        return values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)
    }

    /// Sample standard deviation (divisor n − 1); NaN below 2 values.
    public static func sampleStandardDeviation(_ values: [Double]) -> Double {
        sampleVariance(values).squareRoot()
    }

    /// Two-sided Student-t confidence interval for the mean at `level` (0.95 by default):
    /// mean ± t(1 − α/2, n − 1) · s / √n. Below 2 values the bounds are NaN.
    public static func confidenceInterval(
        _ values: [Double], level: Double = 0.95
    ) -> ConfidenceInterval {
        precondition(level > 0 && level < 1, "confidence level \(level) is not in (0, 1)")
        let m = mean(values)
        guard values.count >= 2 else {
            return ConfidenceInterval(mean: m, lower: .nan, upper: .nan, level: level)
        }
        let n = Double(values.count)
        let t = StudentT.quantile(0.5 + level / 2, degreesOfFreedom: n - 1)
        let half = t * sampleStandardDeviation(values) / n.squareRoot()
        return ConfidenceInterval(mean: m, lower: m - half, upper: m + half, level: level)
    }

    /// The last `fraction` of a series (at least one value when it has any): the settled
    /// part of training that comparisons of final losses look at.
    public static func tail(_ values: [Double], fraction: Double) -> ArraySlice<Double> {
        precondition(fraction > 0 && fraction <= 1, "tail fraction \(fraction) not in (0, 1]")
        let count = min(values.count, max(1, Int((Double(values.count) * fraction).rounded())))
        return values.suffix(count)
    }

    /// The share of positions where `a` is below `b` (over their common length): how much
    /// of training one loss curve spends under another. NaN when there is no overlap.
    public static func shareLower(_ a: [Double], than b: [Double]) -> Double {
        let n = min(a.count, b.count)
        guard n > 0 else { return .nan }
        return Double((0..<n).filter { a[$0] < b[$0] }.count) / Double(n)
    }

    /// Cohen's d with the pooled standard deviation: (mean a − mean b) / s_pooled, where
    /// s_pooled² = ((na − 1) s_a² + (nb − 1) s_b²) / (na + nb − 2).
    public static func cohensD(_ a: [Double], _ b: [Double]) -> Double {
        guard a.count >= 2, b.count >= 2 else { return .nan }
        let na = Double(a.count), nb = Double(b.count)
        let pooled = ((na - 1) * sampleVariance(a) + (nb - 1) * sampleVariance(b)) / (na + nb - 2)
        return (mean(a) - mean(b)) / pooled.squareRoot()
    }
}

/// A confidence interval for a mean.
public struct ConfidenceInterval: Equatable, Sendable, Codable {
    /// The sample mean, the interval's centre.
    public var mean: Double
    /// Lower bound.
    public var lower: Double
    /// Upper bound.
    public var upper: Double
    /// Coverage probability, such as 0.95.
    public var level: Double

    /// Half the interval's width (the "±" figure).
    public var halfWidth: Double { (upper - lower) / 2 }
}
