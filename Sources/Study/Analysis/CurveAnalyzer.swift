import Foundation
import GAN

/// Reads a run's logged losses and describes what they did, phase by phase: where the
/// discriminator dominated, where a loss spiked (collapse events), how much the end still
/// oscillates, and from which epoch training settled.
public enum CurveAnalyzer {
    /// D dominates an epoch when on average it scores reals above this and fakes below
    /// one minus it.
    static let dominanceScore = 0.8
    /// A spike is this many robust standard deviations (1.4826 · MAD) above the median of
    /// the preceding window, and at least twice that median.
    static let spikeDeviations = 6.0
    static let spikeWindow = 50
    /// Training has settled once every later epoch's mean smoothed loss stays within this
    /// fraction of the final level.
    static let settleBand = 0.25

    public static func analyze(_ rows: [HistoryRow]) -> CurveAnalysis {
        guard !rows.isEmpty else {
            return CurveAnalysis(dominance: [], collapses: [], finalOscillation: .nan, settleEpoch: nil,
                                 finalLossD: .nan, finalLossG: .nan, narrative: ["No iterations were logged."])
        }
        let lossD = rows.map { Double($0.lossD) }, lossG = rows.map { Double($0.lossG) }
        let smoothD = smooth(lossD), smoothG = smooth(lossG)
        let finalD = Statistics.mean(Array(Statistics.tail(smoothD, fraction: 0.2)))
        let finalG = Statistics.mean(Array(Statistics.tail(smoothG, fraction: 0.2)))
        let tailG = Array(Statistics.tail(lossG, fraction: 0.2))
        let oscillation = Statistics.sampleStandardDeviation(tailG) / abs(Statistics.mean(tailG))

        let dominance = dominancePeriods(rows)
        let collapses = spikes(rows)
        let settle = settleEpoch(rows, smoothD: smoothD, smoothG: smoothG, finalD: finalD, finalG: finalG)
        return CurveAnalysis(
            dominance: dominance, collapses: collapses,
            finalOscillation: oscillation.isFinite ? oscillation : .nan, settleEpoch: settle,
            finalLossD: finalD, finalLossG: finalG,
            narrative: narrative(rows, dominance, collapses, oscillation, settle, finalD, finalG))
    }

    /// Savitzky-Golay (21, 3) as the reference analysis, when the series is long enough.
    static func smooth(_ values: [Double]) -> [Double] {
        values.count >= 21 ? SavitzkyGolay(window: 21, order: 3).smooth(values) : values
    }

    static func epochMeans(_ rows: [HistoryRow], _ value: (HistoryRow) -> Double) -> [(epoch: Int, mean: Double)] {
        Dictionary(grouping: rows, by: \.epoch).map { epoch, rs in
            (epoch, rs.map(value).reduce(0, +) / Double(rs.count))
        }.sorted { $0.epoch < $1.epoch }
    }

    static func dominancePeriods(_ rows: [HistoryRow]) -> [CurvePeriod] {
        let dx = epochMeans(rows) { Double($0.dOfX) }
        let dgz = Dictionary(uniqueKeysWithValues: epochMeans(rows) { Double($0.dOfGzBefore) }.map { ($0.epoch, $0.mean) })
        let lossD = Dictionary(uniqueKeysWithValues: epochMeans(rows) { Double($0.lossD) }.map { ($0.epoch, $0.mean) })
        var periods: [CurvePeriod] = []
        for (epoch, x) in dx where x > dominanceScore && dgz[epoch]! < 1 - dominanceScore {
            if let last = periods.last, last.endEpoch == epoch - 1 {
                periods[periods.count - 1].endEpoch = epoch
            } else {
                periods.append(CurvePeriod(startEpoch: epoch, endEpoch: epoch, description: ""))
            }
        }
        return periods.map { p in
            let span = (p.startEpoch...p.endEpoch)
            let meanLoss = span.compactMap { lossD[$0] }.reduce(0, +) / Double(span.count)
            var described = p
            described.description = String(
                format: "D dominates: D(x) > %.1f and D(G(z)) < %.1f, mean loss D %.3f", dominanceScore,
                1 - dominanceScore, meanLoss)
            return described
        }
    }

    static func spikes(_ rows: [HistoryRow]) -> [CollapseEvent] {
        var events: [CollapseEvent] = []
        for (name, series) in [("G", rows.map { Double($0.lossG) }), ("D", rows.map { Double($0.lossD) })] {
            var i = spikeWindow
            while i < series.count {
                let window = series[(i - spikeWindow)..<i].sorted()
                let median = window[window.count / 2]
                let mad = window.map { abs($0 - median) }.sorted()[window.count / 2] * 1.4826
                let value = series[i]
                if value > median + spikeDeviations * max(mad, 1e-6) && value > 2 * median && value > 0.5 {
                    let r = rows[i]
                    events.append(CollapseEvent(
                        iteration: r.iteration, epoch: r.epoch, lossD: Double(r.lossD), lossG: Double(r.lossG),
                        description: String(format: "loss %@ spikes to %.3f (window median %.3f) at iteration %d, epoch %d",
                                            name, value, median, r.iteration, r.epoch)))
                    i += spikeWindow  // one event per burst
                } else {
                    i += 1
                }
            }
        }
        // Keep the largest few, in time order.
        let largest = events.sorted { max($0.lossG, $0.lossD) > max($1.lossG, $1.lossD) }.prefix(8)
        return largest.sorted { $0.iteration < $1.iteration }
    }

    static func settleEpoch(_ rows: [HistoryRow], smoothD: [Double], smoothG: [Double], finalD: Double, finalG: Double) -> Int? {
        var byEpoch: [Int: (d: [Double], g: [Double])] = [:]
        for (k, r) in rows.enumerated() {
            byEpoch[r.epoch, default: ([], [])].d.append(smoothD[k])
            byEpoch[r.epoch, default: ([], [])].g.append(smoothG[k])
        }
        let epochs = byEpoch.keys.sorted()
        guard epochs.count >= 3 else { return nil }
        func within(_ e: Int) -> Bool {
            let d = Statistics.mean(byEpoch[e]!.d), g = Statistics.mean(byEpoch[e]!.g)
            return abs(d - finalD) <= settleBand * abs(finalD) && abs(g - finalG) <= settleBand * abs(finalG)
        }
        var settle: Int?
        for e in epochs.reversed() {
            guard within(e) else { break }
            settle = e
        }
        // Settling only in the last epoch is not settling.
        return settle == epochs.last ? nil : settle
    }

    static func narrative(
        _ rows: [HistoryRow], _ dominance: [CurvePeriod], _ collapses: [CollapseEvent], _ oscillation: Double,
        _ settle: Int?, _ finalD: Double, _ finalG: Double
    ) -> [String] {
        var lines: [String] = []
        let first = rows.prefix(max(1, rows.count / 20))
        lines.append(String(format: "Start: loss D %.2f, loss G %.2f.",
                            Statistics.mean(first.map { Double($0.lossD) }), Statistics.mean(first.map { Double($0.lossG) })))
        if dominance.isEmpty {
            lines.append("D never dominates a whole epoch.")
        } else {
            let spans = dominance.map { $0.startEpoch == $0.endEpoch ? "epoch \($0.startEpoch)" : "epochs \($0.startEpoch)-\($0.endEpoch)" }
            lines.append("D dominates in \(spans.joined(separator: ", ")).")
        }
        if collapses.isEmpty {
            lines.append("No loss spikes (collapse events).")
        } else {
            let shown = collapses.prefix(3).map { String(format: "epoch %d (D %.2f, G %.2f)", $0.epoch, $0.lossD, $0.lossG) }
            let more = collapses.count > 3 ? " and \(collapses.count - 3) more" : ""
            lines.append("\(collapses.count) spike\(collapses.count == 1 ? "" : "s"): \(shown.joined(separator: "; "))\(more).")
        }
        let level = oscillation < 0.15 ? "steady" : oscillation < 0.4 ? "moderate oscillation" : "strong oscillation"
        lines.append(String(format: "End: loss D %.3f, loss G %.3f; %@ (CV of loss G over the last 20%%: %.2f).",
                            finalD, finalG, level, oscillation))
        lines.append(settle.map { "Settles from epoch \($0)." } ?? "Does not settle within the run.")
        return lines
    }
}
