import Foundation

/// The one place that writes to the terminal: messages, warnings and progress bars.
/// `--quiet` turns progress bars into occasional log lines.
enum Console {
    nonisolated(unsafe) static var quiet = false

    static func info(_ message: String) {
        FileHandle.standardOutput.write(Data((message + "\n").utf8))
    }

    static func warning(_ message: String) {
        FileHandle.standardError.write(Data(("warning: " + message + "\n").utf8))
    }

    static func error(_ message: String) {
        FileHandle.standardError.write(Data(("error: " + message + "\n").utf8))
    }
}

/// A progress bar with rate and ETA, redrawn in place on a terminal; when output is not a
/// terminal (or in quiet mode) it logs a line every ~10% instead.
final class ProgressBar {
    private let label: String
    private let total: Int
    private let unit: String
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var lastLoggedDecile = -1
    private let interactive = isatty(STDERR_FILENO) != 0 && !Console.quiet

    init(_ label: String, total: Int, unit: String = "it") {
        self.label = label
        self.total = max(total, 1)
        self.unit = unit
    }

    /// Reports `done` of `total` finished, with an optional trailing status (losses, ...).
    func update(_ done: Int, status: String = "") {
        let now = Date()
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let remaining = rate > 0 ? Double(total - done) / rate : 0
        let fraction = Double(done) / Double(total)
        let line = String(format: "%@ %3.0f%% %d/%d  %.1f %@/s  ETA %@  %@",
                          label, fraction * 100, done, total, rate, unit,
                          ProgressBar.clock(remaining), status)
        if interactive {
            guard done == total || now.timeIntervalSince(lastDraw) > 0.1 else { return }
            lastDraw = now
            let width = 24
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            FileHandle.standardError.write(Data("\r\u{1B}[K[\(bar)] \(line)".utf8))
            if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
        } else {
            let decile = Int(fraction * 10)
            guard decile != lastLoggedDecile else { return }
            lastLoggedDecile = decile
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    /// Seconds as h:mm:ss or m:ss.
    static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let s = Int(seconds.rounded())
        return s >= 3600
            ? String(format: "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
            : String(format: "%d:%02d", s / 60, s % 60)
    }
}
