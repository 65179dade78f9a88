import Foundation
import GAN

/// Aggregates runs by variant across seeds, grades them and compares each with the baseline.
public enum VariantSummarizer {
    /// One summary per variant of the plan, in plan order; `histories` maps a run
    /// directory (as in `RunResult.directory`) to its logged rows.
    public static func summarize(_ plan: StudyPlan, runs: [RunResult], histories: [String: [HistoryRow]]) -> [VariantSummary] {
        let baseline = plan.variants.first { $0 == "baseline" || $0 == "reference-baseline" } ?? plan.variants.first
        var summaries = plan.variants.map { variant -> VariantSummary in
            let mine = runs.filter { $0.variant == variant }
            let finals = mine.compactMap(\.final)
            return VariantSummary(
                variant: variant, summary: Variant.named(variant)?.summary ?? "", seeds: mine.count,
                completedRuns: mine.filter { $0.status == .completed }.count,
                divergedRuns: mine.filter { $0.status == .diverged }.count,
                fid: estimate(finals.map(\.fid)), kid: estimate(finals.map(\.kid)),
                precision: estimate(finals.map(\.precision)), recall: estimate(finals.map(\.recall)),
                density: estimate(finals.map(\.density)), coverage: estimate(finals.map(\.coverage)),
                classesCovered: estimate(finals.map { Double($0.classesCovered) }),
                fidSamples: finals.first?.samples ?? 0, fidReferenceSamples: finals.first?.referenceSamples ?? 0,
                features: finals.first?.features ?? plan.evaluation.features, grade: "–", gradeReason: "no final metrics",
                curveSummary: curveSummary(mine), comparison: nil)
        }
        grade(&summaries)
        if let baseline, let base = summaries.first(where: { $0.variant == baseline }) {
            for i in summaries.indices where summaries[i].variant != baseline {
                summaries[i].comparison = compare(summaries[i], runs.filter { $0.variant == summaries[i].variant },
                                                  with: base, runs.filter { $0.variant == baseline }, histories)
            }
        }
        return summaries
    }

    /// Mean, standard deviation and 95% t-interval of finite values.
    public static func estimate(_ raw: [Double]) -> Estimate {
        let values = raw.filter(\.isFinite)
        guard !values.isEmpty else { return Estimate(mean: nil, std: nil, lower: nil, upper: nil, values: []) }
        let ci = Statistics.confidenceInterval(values)
        func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }
        return Estimate(mean: ci.mean, std: finite(Statistics.sampleStandardDeviation(values)),
                        lower: finite(ci.lower), upper: finite(ci.upper), values: values)
    }

    /// Grades by FID relative to the best variant, with precision, recall and classes as the reason.
    static func grade(_ summaries: inout [VariantSummary]) {
        let best = summaries.compactMap(\.fid.mean).min()
        for i in summaries.indices {
            guard let fid = summaries[i].fid.mean, let best else { continue }
            let ratio = fid / max(best, 1e-12)
            summaries[i].grade = ratio <= 1.001 ? "Best" : ratio <= 1.25 ? "Good" : ratio <= 2 ? "Fair" : "Poor"
            summaries[i].gradeReason = String(
                format: "FID %.2f (%.2f× the best); precision %.2f, recall %.2f; %.0f of 10 classes",
                fid, ratio, summaries[i].precision.mean ?? .nan, summaries[i].recall.mean ?? .nan,
                summaries[i].classesCovered.mean ?? .nan)
        }
    }

    static func curveSummary(_ runs: [RunResult]) -> [String] {
        guard let first = runs.first else { return [] }
        var lines = first.curves.narrative
        if runs.count > 1, !lines.isEmpty { lines[0] = "Seed \(first.seed). " + lines[0] }
        if runs.count > 1 {
            let spikes = runs.map { String($0.curves.collapses.count) }.joined(separator: ", ")
            let settles = runs.map { $0.curves.settleEpoch.map(String.init) ?? "never" }.joined(separator: ", ")
            lines.append("Across seeds: spikes \(spikes); settles at \(settles).")
        }
        if runs.contains(where: { $0.status == .diverged }) {
            lines.append("Diverged: " + runs.filter { $0.status == .diverged }.map { "seed \($0.seed): \($0.message)" }.joined(separator: "; "))
        }
        return lines
    }

    static func compare(
        _ variant: VariantSummary, _ runs: [RunResult], with base: VariantSummary, _ baseRuns: [RunResult],
        _ histories: [String: [HistoryRow]]
    ) -> BaselineComparison {
        func lossTail(_ rs: [RunResult]) -> [Double] {
            rs.flatMap { Statistics.tail((histories[$0.directory] ?? []).map { Double($0.lossG) }, fraction: 0.2) }
        }
        func meanFinal(_ rs: [RunResult], _ key: KeyPath<CurveAnalysis, Double>) -> Double {
            Statistics.mean(rs.map { $0.curves[keyPath: key] })
        }
        let tailV = lossTail(runs), tailB = lossTail(baseRuns)
        let welch = WelchTest(tailV, tailB)
        let smoothedV = CurveAnalyzer.smooth((runs.first.flatMap { histories[$0.directory] } ?? []).map { Double($0.lossG) })
        let smoothedB = CurveAnalyzer.smooth((baseRuns.first.flatMap { histories[$0.directory] } ?? []).map { Double($0.lossG) })
        let n = min(smoothedV.count, smoothedB.count)

        let (fidDiff, fidP) = difference(variant.fid.values, base.fid.values)
        let (kidDiff, kidP) = difference(variant.kid.values, base.kid.values)
        return BaselineComparison(
            baseline: base.variant,
            lossDChangePercent: percentChange(meanFinal(runs, \.finalLossD), meanFinal(baseRuns, \.finalLossD)),
            lossGChangePercent: percentChange(meanFinal(runs, \.finalLossG), meanFinal(baseRuns, \.finalLossG)),
            welchT: welch.t, welchP: welch.pValue, cohensD: Statistics.cohensD(tailV, tailB),
            shareLowerLossG: n > 0 ? Statistics.shareLower(Array(smoothedV.prefix(n)), than: Array(smoothedB.prefix(n))) : .nan,
            fidDifference: fidDiff, fidP: fidP, kidDifference: kidDiff, kidP: kidP,
            statement: statement(variant.variant, base.variant, fidDiff, fidP, seeds: min(variant.fid.values.count, base.fid.values.count)))
    }

    static func percentChange(_ value: Double, _ reference: Double) -> Double {
        (value - reference) / abs(reference) * 100
    }

    /// Difference of means (a − b) with a Welch interval and p-value when both sides have
    /// at least two values.
    static func difference(_ a: [Double], _ b: [Double]) -> (Estimate, Double?) {
        guard !a.isEmpty, !b.isEmpty else { return (Estimate(mean: nil, std: nil, lower: nil, upper: nil, values: []), nil) }
        let diff = Statistics.mean(a) - Statistics.mean(b)
        guard a.count >= 2, b.count >= 2 else {
            return (Estimate(mean: diff, std: nil, lower: nil, upper: nil, values: []), nil)
        }
        let welch = WelchTest(a, b)
        let se = (Statistics.sampleVariance(a) / Double(a.count) + Statistics.sampleVariance(b) / Double(b.count)).squareRoot()
        let half = StudentT.quantile(0.975, degreesOfFreedom: welch.degreesOfFreedom) * se
        return (Estimate(mean: diff, std: se, lower: diff - half, upper: diff + half, values: []),
                welch.pValue.isFinite ? welch.pValue : nil)
    }

    static func statement(_ variant: String, _ baseline: String, _ diff: Estimate, _ p: Double?, seeds: Int) -> String {
        guard let d = diff.mean else { return "No FID for \(variant) or \(baseline): nothing to compare." }
        let direction = d < 0 ? "lower (better)" : "higher (worse)"
        guard let p, let lo = diff.lower, let hi = diff.upper else {
            return String(format: "FID is %.2f %@ than %@, from a single seed per variant: with no spread between "
                          + "seeds this difference cannot be tested and may be seed noise.", abs(d), direction, baseline)
        }
        let verdict = p < 0.05
            ? "significant at the 5% level"
            : "not significant at the 5% level: the seeds do not separate the two"
        return String(format: "FID is %.2f %@ than %@ (95%% CI of the difference [%.2f, %.2f], Welch p = %.3f over %d seeds); %@.",
                      abs(d), direction, baseline, lo, hi, p, seeds, verdict)
    }
}
