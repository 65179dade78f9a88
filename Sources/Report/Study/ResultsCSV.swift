import Foundation
import Study

/// `results.csv`: one row per run, for spreadsheets and scripts. Missing values are empty
/// cells (a diverged run has no final metrics) so numeric columns stay numeric.
enum ResultsCSV {
    /// The column names, in order.
    static let header = [
        "variant", "seed", "status", "epochs", "iterations", "seconds", "fid", "kid",
        "precision", "recall", "density", "coverage", "classes_covered", "inception_score",
        "best_epoch", "best_fid",
    ]

    /// The whole file: header and one line per run, in the order of `results.runs`.
    static func text(_ results: StudyResults) -> String {
        let lines = results.runs.map { run -> String in
            let f = run.final
            let cells: [String] = [
                field(run.variant), "\(run.seed)", run.status.rawValue,
                "\(run.epochsCompleted)", "\(run.iterations)", number(run.trainingSeconds),
                number(f?.fid), number(f?.kid), number(f?.precision), number(f?.recall),
                number(f?.density), number(f?.coverage), f.map { "\($0.classesCovered)" } ?? "",
                number(f?.inceptionScore), run.best.map { "\($0.epoch)" } ?? "",
                number(run.best?.fid),
            ]
            return cells.joined(separator: ",")
        }
        return ([header.joined(separator: ",")] + lines).joined(separator: "\n") + "\n"
    }

    /// Full precision for finite values (round-trips doubles), empty otherwise.
    private static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "" }
        return "\(value)"
    }

    /// Quotes a text field if it holds a comma, quote or line break (RFC 4180).
    private static func field(_ text: String) -> String {
        guard text.contains(where: { ",\"\n".contains($0) }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
