import Foundation
import Study

/// How the study report writes numbers. Anything missing or not finite prints as "–".
enum StudyFormat {
    /// The mark for a missing value.
    static let missing = "–"

    /// A value with fixed decimals, or "–".
    static func number(_ value: Double?, _ decimals: Int) -> String {
        guard let value, value.isFinite else { return missing }
        return String(format: "%.\(decimals)f", value).replacingOccurrences(of: "-", with: "−")
    }

    /// A signed value with fixed decimals ("+1.20", "−0.35"), or "–".
    static func signed(_ value: Double?, _ decimals: Int) -> String {
        guard let value, value.isFinite else { return missing }
        return (value >= 0 ? "+" : "") + number(value, decimals)
    }

    /// Mean ± standard deviation over seeds; the mean alone for one seed.
    static func estimate(_ e: Estimate, _ decimals: Int) -> String {
        guard let mean = e.mean, mean.isFinite else { return missing }
        guard let std = e.std, std.isFinite, e.values.count > 1 else {
            return number(mean, decimals)
        }
        return "\(number(mean, decimals)) ± \(number(std, decimals))"
    }

    /// A 95% interval "[low, high]", or why there is none.
    static func interval(_ e: Estimate, _ decimals: Int) -> String {
        guard let low = e.lower, let high = e.upper, low.isFinite, high.isFinite else {
            return e.values.count < 2 ? "no interval (1 seed)" : missing
        }
        return "[\(signed(low, decimals)), \(signed(high, decimals))]"
    }

    /// A p-value to two significant digits; very small ones as "< 0.001".
    static func pValue(_ p: Double?) -> String {
        guard let p, p.isFinite else { return missing }
        if p < 0.001 { return "< 0.001" }
        return String(format: p < 0.01 ? "%.3f" : "%.2f", p)
    }

    /// "p = 0.003", or "p < 0.001" for very small ones (never "p = < 0.001").
    static func pStatement(_ p: Double?) -> String {
        let value = pValue(p)
        return value.hasPrefix("<") ? "p \(value)" : "p = \(value)"
    }

    /// A share 0...1 as a whole percentage.
    static func percent(_ share: Double?) -> String {
        guard let share, share.isFinite else { return missing }
        return String(format: "%.0f%%", share * 100)
    }

    /// A change in percent with its sign, e.g. "+12.3%".
    static func changePercent(_ value: Double?) -> String {
        guard let value, value.isFinite else { return missing }
        return signed(value, 1) + "%"
    }

    /// A duration in the largest sensible units: "42 s", "3 min 05 s", "1 h 02 min".
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return missing }
        let total = Int(seconds.rounded())
        if total < 60 { return "\(total) s" }
        if total < 3600 { return String(format: "%d min %02d s", total / 60, total % 60) }
        return String(format: "%d h %02d min", total / 3600, total % 3600 / 60)
    }

    /// "n = 5,000 vs 10,000": generated against reference images behind a metric.
    static func sampleCounts(generated: Int, reference: Int) -> String {
        "n = \(HTML.thousands(generated)) vs \(HTML.thousands(reference))"
    }

    /// "1 seed" / "3 seeds".
    static func seeds(_ count: Int) -> String { count == 1 ? "1 seed" : "\(count) seeds" }
}
