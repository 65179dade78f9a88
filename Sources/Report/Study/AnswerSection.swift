import Study

/// Sections 1 and 2: the question, the answer written from the numbers, and the table
/// with a row per variant.
struct AnswerSection {
    let artifacts: StudyArtifacts
    private var results: StudyResults { artifacts.results }

    /// The name of the baseline variant: what every comparison is against.
    var baseline: String? {
        results.variants.lazy.compactMap(\.comparison?.baseline).first
            ?? results.variants.first { $0.comparison == nil }?.variant
    }

    func blocks() -> [Block] {
        [
            .heading(level: 2, text: "Question and answer"),
            .paragraph([
                .strong("Question. "),
                "How do L2 weight decay, dropout and batch normalisation (and the other ",
                "regularisers in this study) change a DCGAN's image quality, diversity and ",
                "training stability on Fashion-MNIST?",
            ]),
            .paragraph([.strong("Answer. ")] + answer()),
            .heading(level: 2, text: "Comparison"),
            .paragraph([
                "One row per variant. FID, KID, precision, recall, coverage and classes are ",
                "measured on the last epoch's generator, as mean ± standard deviation over ",
                "seeds; lower FID and KID are better, higher precision, recall and coverage ",
                "are better. The grid is the first seed's last fixed-noise samples.",
            ]),
            .table(
                header: [
                    "Variant", "Image quality", "Loss-curve behaviour", "FID (FMNIST-CNN)", "KID",
                    "Precision", "Recall", "Coverage", "Classes covered",
                ],
                rows: results.variants.map(row)),
        ]
    }

    /// Two or three sentences: the best variant by FID, whether its lead is significant,
    /// and which other variants differ significantly from the baseline or diverged.
    func answer() -> [Inline] {
        guard let bestName = results.bestVariant,
            let best = results.variants.first(where: { $0.variant == bestName })
        else {
            return ["No variant produced a final FID (every run diverged or was not scored), ",
                    "so the study cannot rank them; see the runs under Methods."]
        }
        let seeds = results.plan.seeds.count
        var text: [Inline] = [
            .text("Measured by FID on FMNIST-CNN features (lower is better; "
                + StudyFormat.sampleCounts(
                    generated: best.fidSamples, reference: best.fidReferenceSamples)
                + " images, \(StudyFormat.seeds(seeds)) per variant), "),
        ]
        let baselineSummary = results.variants.first { $0.variant == baseline }
        if results.variants.count == 1 {
            text += [.text("the study ran only "), .strong(bestName),
                     .text(" (FID \(StudyFormat.estimate(best.fid, 1))), so there is nothing to "
                        + "compare it with. ")]
        } else if bestName == baseline || best.comparison == nil {
            text += [.text("the best variant is the baseline itself, "), .strong(bestName),
                     .text(" (FID \(StudyFormat.estimate(best.fid, 1))): no regulariser improved "
                        + "on it. ")]
        } else {
            text += [.text("the best variant is "), .strong(bestName),
                     .text(" with FID \(StudyFormat.estimate(best.fid, 1))")]
            if let baselineSummary {
                text.append(.text(", against \(baselineSummary.variant)'s "
                    + StudyFormat.estimate(baselineSummary.fid, 1)))
            }
            text.append(.text(". " + significance(best)))
        }
        text.append(.text(others(excluding: bestName)))
        return text
    }

    /// Whether the best variant's lead over the baseline is more than seed noise.
    private func significance(_ best: VariantSummary) -> String {
        guard let c = best.comparison else { return "" }
        let difference = StudyFormat.signed(c.fidDifference.mean, 1)
        guard let p = c.fidP, p.isFinite else {
            let reason = results.plan.seeds.count < 2
                ? "With one seed per variant" : "With fewer than two finished seeds on one side"
            return "\(reason) there is no interval and no test: the difference "
                + "(\(difference)) may be seed-to-seed noise. "
        }
        let detail = "(\(difference), 95% CI \(StudyFormat.interval(c.fidDifference, 1)), "
            + "Welch \(StudyFormat.pStatement(p)))"
        return p < 0.05
            ? "Its lead over the baseline \(detail) is significant at the 5% level. "
            : "Its lead over the baseline \(detail) is not significant at the 5% level: "
                + "with these seeds the ranking may be noise. "
    }

    /// Other variants significantly better or worse than the baseline, and diverged runs.
    private func others(excluding best: String) -> String {
        var better: [String] = []
        var worse: [String] = []
        for v in results.variants where v.variant != best {
            guard let c = v.comparison, let p = c.fidP, p < 0.05,
                let d = c.fidDifference.mean
            else { continue }
            let item = "\(v.variant) (\(StudyFormat.signed(d, 1)), \(StudyFormat.pStatement(p)))"
            if d < 0 { better.append(item) } else { worse.append(item) }
        }
        var sentences: [String] = []
        if !better.isEmpty {
            sentences.append("Also significantly better than the baseline in FID: "
                + better.joined(separator: ", ") + ".")
        }
        if !worse.isEmpty {
            sentences.append("Significantly worse than the baseline in FID: "
                + worse.joined(separator: ", ") + ".")
        }
        let diverged = results.variants.filter { $0.divergedRuns > 0 }
            .map { "\($0.variant) (\($0.divergedRuns) of \($0.seeds))" }
        if !diverged.isEmpty {
            sentences.append("Runs diverged: " + diverged.joined(separator: ", ") + ".")
        }
        if sentences.isEmpty && results.variants.contains(where: { $0.comparison?.fidP != nil }) {
            sentences.append("No other variant differs significantly from the baseline in FID.")
        }
        return sentences.joined(separator: " ")
    }

    private func row(_ v: VariantSummary) -> [[Inline]] {
        var name: [Inline] = [.strong(v.variant)]
        if v.variant == results.bestVariant { name += [.lineBreak, "best by FID"] }
        if v.variant == baseline { name += [.lineBreak, "reference for comparisons"] }
        name += [.lineBreak, .text(v.summary), .lineBreak,
                 .text("\(v.completedRuns) of \(v.seeds) runs completed")]
        if v.divergedRuns > 0 { name += [.lineBreak, .strong("\(v.divergedRuns) diverged")] }

        var quality: [Inline] = thumbnail(v.variant)
        quality += [.strong(v.grade), .text(": " + v.gradeReason)]

        let curves = v.curveSummary.flatMap { [Inline.text($0), .lineBreak] }.dropLast()
        let fid: [Inline] = [
            .text(StudyFormat.estimate(v.fid, 1)), .lineBreak,
            .text(StudyFormat.sampleCounts(generated: v.fidSamples,
                                           reference: v.fidReferenceSamples)),
            .lineBreak, .text(StudyFormat.seeds(v.fid.values.count)),
        ]
        return [
            name, quality, Array(curves), fid, [.text(StudyFormat.estimate(v.kid, 4))],
            [.text(StudyFormat.estimate(v.precision, 2))],
            [.text(StudyFormat.estimate(v.recall, 2))],
            [.text(StudyFormat.estimate(v.coverage, 2))],
            [.text(StudyFormat.estimate(v.classesCovered, 1))],
        ]
    }

    /// The last sample grid of the variant's first seed that has one, or a note.
    private func thumbnail(_ variant: String) -> [Inline] {
        guard let run = artifacts.sampleRun(variant), let epoch = run.sampleEpochs.last else {
            return ["(sample grid missing)", .lineBreak]
        }
        return [
            .image(path: run.samplePath(epoch: epoch),
                   alt: "\(variant) samples, epoch \(epoch)", width: 160),
            .lineBreak, .text("seed \(run.result.seed), epoch \(epoch)"), .lineBreak,
        ]
    }
}
