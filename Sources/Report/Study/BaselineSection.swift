import Study

/// Section 4: every variant against the baseline, the reference study's loss analysis
/// done right and the differences in FID and KID that decide quality.
struct BaselineSection {
    let results: StudyResults

    func blocks() -> [Block] {
        let compared = results.variants.filter { $0.comparison != nil }
        var blocks: [Block] = [.heading(level: 2, text: "Comparison with the baseline")]
        guard let baseline = compared.first?.comparison?.baseline else {
            return blocks + [.paragraph(["No variant was compared with a baseline."])]
        }
        blocks.append(.paragraph([
            .text("Each variant against "), .strong(baseline), .text(". "),
            "Loss columns follow the reference study's analysis: the change of the smoothed ",
            "final losses in percent of the baseline's, Welch's t-test and Cohen's d on G's ",
            "loss over the last 20% of iterations, and the share of iterations where the ",
            "variant's smoothed G loss is the lower one. A lower loss is not better images: ",
            "the FID and KID differences (variant − baseline, 95% interval over seeds, Welch ",
            "p-value over seeds) are the ones that decide quality.",
        ]))
        blocks.append(.table(
            header: [
                "Variant", "Δ final loss D", "Δ final loss G", "Welch t (p), G last 20%",
                "Cohen's d", "time G lower", "Δ FID [95% CI]", "p (FID)", "Δ KID [95% CI]",
                "p (KID)",
            ],
            rows: compared.map { row($0.variant, $0.comparison!) }))
        blocks.append(.list(compared.map { [.strong($0.variant + ": "),
                                             .text($0.comparison!.statement)] }))
        blocks += notes(compared)
        return blocks
    }

    private func row(_ variant: String, _ c: BaselineComparison) -> [[Inline]] {
        [
            [.strong(variant)],
            [.text(StudyFormat.changePercent(c.lossDChangePercent))],
            [.text(StudyFormat.changePercent(c.lossGChangePercent))],
            [.text("\(StudyFormat.number(c.welchT, 2)) (\(StudyFormat.pValue(c.welchP)))")],
            [.text(StudyFormat.number(c.cohensD, 2))],
            [.text(StudyFormat.percent(c.shareLowerLossG))],
            [.text(StudyFormat.signed(c.fidDifference.mean, 1)), .lineBreak,
             .text(StudyFormat.interval(c.fidDifference, 1))],
            [.text(StudyFormat.pValue(c.fidP))],
            [.text(StudyFormat.signed(c.kidDifference.mean, 4)), .lineBreak,
             .text(StudyFormat.interval(c.kidDifference, 4))],
            [.text(StudyFormat.pValue(c.kidP))],
        ]
    }

    /// What the tests can and cannot say, plainly.
    private func notes(_ compared: [VariantSummary]) -> [Block] {
        var notes: [[Inline]] = [[
            "The t-test on the loss treats iterations as independent samples; consecutive ",
            "losses are strongly correlated, so its p-values are far too small and say only ",
            "that the curves differ, not that one variant is better.",
        ]]
        if results.plan.seeds.count < 2 {
            notes.append([
                .strong("One seed per variant: "),
                "there is no spread to compare against, so the FID and KID differences have ",
                "no interval and no p-value. A single run's difference can be as large as the ",
                "seed-to-seed variation, which this study did not measure; rerun with ",
                .code("--seeds 3"), " or more before trusting the ranking.",
            ])
        } else if compared.contains(where: { $0.comparison?.fidP == nil }) {
            notes.append([
                "Where a p-value is missing, one side has fewer than two finished seeds ",
                "(a diverged run has no final metrics).",
            ])
        }
        return [.paragraph([.strong("How to read this.")]), .list(notes)]
    }
}
