import Formats
import Foundation
import Study

/// Writes a study's report from `results.json`'s content and the run directories:
/// `report.html` (opens offline), `report.md`, `results.csv` and `figures/`.
public enum StudyReport {
    /// Writes every report file into `studyDirectory`. Missing histories and sample grids
    /// are named in the report; only failures to write throw.
    public static func write(results: StudyResults, studyDirectory: URL) throws {
        let artifacts = StudyArtifacts(results, studyDirectory: studyDirectory)
        var charts = StudyFigures(artifacts)
        var samples = SampleFigures(artifacts, studyDirectory: studyDirectory)
        let answer = AnswerSection(artifacts: artifacts)

        var blocks: [Block] = [.heading(level: 1, text: title(results))]
        blocks.append(.paragraph([.text(subtitle(results))]))
        blocks.append(contents)
        blocks += answer.blocks()
        blocks.append(.heading(level: 2, text: "Figures"))
        blocks += charts.blocks()
        blocks.append(.heading(level: 3, text: "Samples over training"))
        blocks += samples.blocks()
        blocks += BaselineSection(results: results).blocks()
        blocks += MethodsSection(artifacts: artifacts).blocks()

        for file in charts.files + samples.files {
            try AtomicFile.write(file.data, to: studyDirectory.appendingPathComponent(file.path))
        }
        let html = HTML.page(
            title: title(results), body: HTMLRenderer.render(blocks), style: HTMLRenderer.style)
        try AtomicFile.write(
            Data(html.utf8), to: studyDirectory.appendingPathComponent("report.html"))
        try AtomicFile.write(
            Data(MarkdownRenderer.render(blocks).utf8),
            to: studyDirectory.appendingPathComponent("report.md"))
        try AtomicFile.write(
            Data(ResultsCSV.text(results).utf8),
            to: studyDirectory.appendingPathComponent("results.csv"))
    }

    /// Links to the sections (anchors are the headings' `HTMLRenderer.anchor`).
    private static let contents = Block.paragraph(
        [
            "Question and answer", "Comparison", "Figures", "Comparison with the baseline",
            "Methods", "How this differs from the reference study",
        ].flatMap { heading -> [Inline] in
            [.link(heading, href: "#" + HTMLRenderer.anchor(heading)), " · "]
        }.dropLast())

    private static func title(_ results: StudyResults) -> String {
        "Regularisation in DCGAN training on Fashion-MNIST: study \"\(results.plan.preset)\""
    }

    private static func subtitle(_ results: StudyResults) -> String {
        let plan = results.plan
        let subset = plan.base.subset.map { "\(HTML.thousands($0)) training images" }
            ?? "all training images"
        return "\(plan.variants.count) variants × \(StudyFormat.seeds(plan.seeds.count)), "
            + "\(plan.base.epochs) epochs at \(plan.base.imageSize)×\(plan.base.imageSize) on "
            + "\(subset); started \(results.environment.started), "
            + "\(StudyFormat.duration(results.environment.wallSeconds)) in all."
    }
}
