import Datasets
import Formats
import Foundation

/// Writes the EDA: `report.html` (self-contained: SVGs inline, PNGs embedded), the figures
/// beside it, and `summary.json`.
public enum EDAReport {
    /// Analyses both splits and writes everything into `directory`; returns the summary.
    public static func write(
        _ data: FashionMNISTData, location: DataLocation, to directory: URL,
        nearDuplicateThreshold: Double
    ) throws -> EDASummary {
        let start = Date()
        let analysis = EDAAnalysis(
            splits: [data.train, data.test], nearDuplicateThreshold: nearDuplicateThreshold)
        let figures = analysis.figures()
        for figure in figures {
            let url = directory.appendingPathComponent(figure.file)
            switch figure.kind {
            case .svg(let text): try AtomicFile.write(text, to: url)
            case .png(let image): try PNGEncoder.write(image, to: url)
            }
        }
        let summary = analysis.summary(
            dataDirectory: location.directory.path, verified: data.checksumMismatches.isEmpty,
            figures: figures.map(\.file), seconds: Date().timeIntervalSince(start))

        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(
            try encoder.encode(summary), to: directory.appendingPathComponent("summary.json"))
        try AtomicFile.write(
            EDAPage.html(summary, figures: figures),
            to: directory.appendingPathComponent("report.html"))
        return summary
    }
}
