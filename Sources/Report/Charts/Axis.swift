import Foundation

/// A linear or base-10 logarithmic mapping from data values to pixels, with readable ticks.
public struct Axis {
    /// Data range shown (after rounding out to nice ticks for linear axes).
    public let low: Double, high: Double
    /// Whether values are placed by their base-10 logarithm (positive data only).
    public let logarithmic: Bool
    /// Tick values, in data units.
    public let ticks: [Double]

    /// An axis covering `[low, high]` with about `tickCount` ticks at 1-2-5 steps (linear) or
    /// at powers of ten (logarithmic). A zero-width range is widened so nothing divides by 0.
    public init(
        low: Double, high: Double, logarithmic: Bool = false, tickCount: Int = 6,
        extendToTicks: Bool = true
    ) {
        self.logarithmic = logarithmic
        if logarithmic {
            let lo = floor(log10(max(low, 1e-300)))
            let hi = ceil(log10(max(high, low, 1e-300)))
            let top = hi > lo ? hi : lo + 1
            self.low = pow(10, lo)
            self.high = pow(10, top)
            ticks = stride(from: lo, through: top, by: 1).map { pow(10, $0) }
            return
        }
        var lo = low
        var hi = high
        if !(hi > lo) {
            let pad = lo == 0 ? 1 : abs(lo) * 0.1
            lo -= pad
            hi += pad
        }
        let step = Axis.niceStep((hi - lo) / Double(max(tickCount - 1, 1)))
        let first = (lo / step).rounded(.down) * step
        let last = (hi / step).rounded(.up) * step
        let shownLow = extendToTicks ? first : lo
        let shownHigh = extendToTicks ? last : hi
        self.low = shownLow
        self.high = shownHigh
        // Ticks as k * step, rounded to 12 digits so 3 * 0.2 shows as 0.6, not 0.6000000000000001.
        let firstIndex = Int((first / step).rounded())
        let lastIndex = Int((last / step).rounded())
        ticks = (firstIndex...lastIndex).map {
            Double(String(format: "%.12g", Double($0) * step))!
        }
        .filter { $0 >= shownLow - step * 1e-9 && $0 <= shownHigh + step * 1e-9 }
    }

    /// Position of `value` as a fraction 0...1 of the axis length.
    public func fraction(_ value: Double) -> Double {
        if logarithmic {
            let v = log10(max(value, low))
            return (v - log10(low)) / (log10(high) - log10(low))
        }
        return (value - low) / (high - low)
    }

    /// A tick label: integers without decimals, large and tiny values in exponent form.
    public func label(_ value: Double) -> String {
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e6 || magnitude < 1e-3 {
            return String(format: "%.0e", value).replacingOccurrences(of: "e+0", with: "e")
                .replacingOccurrences(of: "e-0", with: "e-").replacingOccurrences(
                    of: "e+", with: "e")
        }
        if value == value.rounded() { return String(Int(value)) }
        // Log ticks are powers of ten, so their own magnitude sets the decimals.
        let step = logarithmic || ticks.count < 2 ? magnitude : abs(ticks[1] - ticks[0])
        let decimals = max(0, Int(ceil(-log10(step) - 1e-9)))
        return String(format: "%.\(decimals)f", value)
    }

    /// The 1, 2 or 5 times a power of ten nearest to `rough`.
    static func niceStep(_ rough: Double) -> Double {
        guard rough > 0, rough.isFinite else { return 1 }
        let power = pow(10, floor(log10(rough)))
        let mantissa = rough / power
        let nice: Double = mantissa < 1.5 ? 1 : mantissa < 3.5 ? 2 : mantissa < 7.5 ? 5 : 10
        return nice * power
    }
}
