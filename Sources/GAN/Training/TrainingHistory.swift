import Foundation

/// One row of `history.csv`: one training iteration.
public struct HistoryRow: Equatable, Sendable {
    public var iteration: Int, epoch: Int
    public var lossD: Float, lossG: Float
    public var dOfX: Float, dOfGzBefore: Float, dOfGzAfter: Float
    public var seconds: Double

    static let header = "iteration,epoch,loss_d,loss_g,d_x,d_g_z1,d_g_z2,seconds"

    var csv: String {
        // Losses with 9 significant digits round-trip float32 exactly.
        "\(iteration),\(epoch),\(f(lossD)),\(f(lossG)),\(f(dOfX)),\(f(dOfGzBefore)),\(f(dOfGzAfter)),"
            + String(format: "%.4f", seconds)
    }

    private func f(_ v: Float) -> String { String(format: "%.9g", v) }
}

/// Reads and appends `history.csv`.
public enum TrainingHistory {
    /// Every row of a history file; malformed lines are errors naming the line.
    public static func read(_ url: URL) throws -> [HistoryRow] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        var rows: [HistoryRow] = []
        for (number, line) in text.split(separator: "\n").enumerated().dropFirst() {
            let v = line.split(separator: ",").map(String.init)
            guard v.count == 8, let it = Int(v[0]), let ep = Int(v[1]) else {
                throw ConfigError("\(url.path): line \(number + 1) is not a history row")
            }
            let n = v[2...6].map { Float($0) ?? .nan }
            rows.append(HistoryRow(iteration: it, epoch: ep, lossD: n[0], lossG: n[1], dOfX: n[2],
                                   dOfGzBefore: n[3], dOfGzAfter: n[4], seconds: Double(v[7]) ?? 0))
        }
        return rows
    }

    /// Rewrites the file with only the rows up to `iteration` (used when resuming from a
    /// checkpoint older than the rows a killed run had logged).
    static func truncate(_ url: URL, toIteration iteration: Int) throws {
        let rows = try read(url).filter { $0.iteration <= iteration }
        let text = ([HistoryRow.header] + rows.map(\.csv)).joined(separator: "\n") + "\n"
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    /// Opens the file for appending, creating it with its header.
    static func appender(_ url: URL) throws -> FileHandle {
        if !FileManager.default.fileExists(atPath: url.path) {
            try (HistoryRow.header + "\n").write(to: url, atomically: true, encoding: .utf8)
        }
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        return handle
    }
}
