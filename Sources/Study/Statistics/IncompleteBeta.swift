import Foundation

/// The regularised incomplete beta function I_x(a, b) and its inverse in x, on which the
/// Student-t distribution rests.
enum IncompleteBeta {
    /// I_x(a, b) for a, b > 0 and x in [0, 1], to about 1e-14 relative.
    static func regularized(_ x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        // The continued fraction converges fast only below the mean a / (a + b); above it
        // the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) keeps it in that region.
        if x > (a + 1) / (a + b + 2) {
            return 1 - regularized(1 - x, a: b, b: a)
        }
        let logFront = a * log(x) + b * log1p(-x) - logBeta(a, b) - log(a)
        return exp(logFront) * continuedFraction(x, a: a, b: b)
    }

    /// The x with I_x(a, b) = p: bisection to bracket, then Newton steps to polish.
    static func inverse(_ p: Double, a: Double, b: Double) -> Double {
        if p <= 0 { return 0 }
        if p >= 1 { return 1 }
        var low = 0.0, high = 1.0
        for _ in 0..<40 {
            let mid = (low + high) / 2
            if regularized(mid, a: a, b: b) < p { low = mid } else { high = mid }
        }
        var x = (low + high) / 2
        // dI/dx = x^(a−1) (1−x)^(b−1) / B(a, b).
        for _ in 0..<8 {
            let density = exp((a - 1) * log(x) + (b - 1) * log1p(-x) - logBeta(a, b))
            guard density > 0, density.isFinite else { break }
            let next = x - (regularized(x, a: a, b: b) - p) / density
            guard next > low, next < high else { break }
            if abs(next - x) <= 1e-16 * x { x = next; break }
            x = next
        }
        return x
    }

    private static func logBeta(_ a: Double, _ b: Double) -> Double {
        lgamma(a) + lgamma(b) - lgamma(a + b)
    }

    /// The continued fraction for I_x(a, b) · a B(a, b) / (x^a (1−x)^b), by the modified
    /// Lentz method (terms d_{2m+1}, d_{2m} of the standard expansion).
    private static func continuedFraction(_ x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        d = 1 / (abs(d) < tiny ? tiny : d)
        var result = d
        for m in 1...500 {
            let m = Double(m)
            let even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            let odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            for term in [even, odd] {
                d = 1 + term * d
                d = 1 / (abs(d) < tiny ? tiny : d)
                c = 1 + term / c
                if abs(c) < tiny { c = tiny }
                result *= c * d
            }
            if abs(c * d - 1) < 1e-16 { break }
        }
        return result
    }
}
