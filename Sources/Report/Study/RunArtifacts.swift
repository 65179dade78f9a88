import Foundation
import GAN
import Study

/// What the report reads from one run's directory beyond `results.json`: the logged
/// losses and which sample grids exist. Missing files are noted, never fatal.
struct RunArtifacts {
    let result: RunResult
    /// Every logged iteration; empty when `history.csv` is missing or unreadable.
    let history: [HistoryRow]
    /// Why `history` is empty, for the report.
    let historyProblem: String?
    /// Epochs whose `samples/epoch-NNN.png` exists, ascending.
    let sampleEpochs: [Int]
    /// The run directory's path relative to the study directory.
    let directory: String
    /// Whether the run directory exists (a report can be made from `results.json` alone).
    let directoryExists: Bool
    private let studyDirectory: URL

    /// Reads the run's files below `studyDirectory`.
    init(_ result: RunResult, studyDirectory: URL) {
        self.result = result
        self.studyDirectory = studyDirectory
        directory = result.directory
        let run = RunDirectory(studyDirectory.appendingPathComponent(result.directory))
        directoryExists = FileManager.default.fileExists(atPath: run.url.path)
        do {
            history = try TrainingHistory.read(run.history)
            historyProblem = history.isEmpty ? "\(result.directory)/history.csv is missing" : nil
        } catch {
            history = []
            historyProblem = "\(error)"
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: run.samples.path)) ?? []
        sampleEpochs = names.compactMap { name -> Int? in
            guard name.hasPrefix("epoch-"), name.hasSuffix(".png") else { return nil }
            return Int(name.dropFirst(6).dropLast(4))
        }.sorted()
    }

    /// The sample grid of `epoch`, relative to the study directory.
    func samplePath(epoch: Int) -> String {
        directory + "/samples/" + String(format: "epoch-%03d.png", epoch)
    }

    /// The run's grid of real training images, relative to the study directory, if present.
    var realSamplesPath: String? {
        let path = directory + "/real-samples.png"
        let exists = FileManager.default.fileExists(
            atPath: studyDirectory.appendingPathComponent(path).path)
        return exists ? path : nil
    }

    /// One logged column as doubles, with iterations as x values.
    func series(_ value: (HistoryRow) -> Float) -> [(x: Double, y: Double)] {
        history.map { (Double($0.iteration), Double(value($0))) }
    }

    /// The same column smoothed by Savitzky-Golay (window 21, order 3), as the
    /// reference study smooths its loss curves.
    func smoothed(_ value: (HistoryRow) -> Float) -> [(x: Double, y: Double)] {
        let raw = series(value)
        let smooth = SavitzkyGolay(window: 21, order: 3).smooth(raw.map(\.y))
        return zip(raw, smooth).map { ($0.x, $1) }
    }
}

/// The runs of a study grouped by variant, in the plan's order.
struct StudyArtifacts {
    let results: StudyResults
    /// Per variant (plan order), its runs in seed order.
    let runsByVariant: [(variant: String, runs: [RunArtifacts])]

    /// Reads every run directory named in `results`.
    init(_ results: StudyResults, studyDirectory: URL) {
        self.results = results
        let all = results.runs.map { RunArtifacts($0, studyDirectory: studyDirectory) }
        let names = results.plan.variants + results.runs.map(\.variant)
            .filter { !results.plan.variants.contains($0) }
        var seen = Set<String>()
        runsByVariant = names.filter { seen.insert($0).inserted }.map { name in
            (name, all.filter { $0.result.variant == name })
        }
    }

    /// The first run (lowest seed in plan order) of `variant` that has sample grids.
    func sampleRun(_ variant: String) -> RunArtifacts? {
        runs(variant).first { !$0.sampleEpochs.isEmpty }
    }

    /// The first run of `variant` with a loss history.
    func historyRun(_ variant: String) -> RunArtifacts? {
        runs(variant).first { !$0.history.isEmpty }
    }

    /// The runs of `variant`.
    func runs(_ variant: String) -> [RunArtifacts] {
        runsByVariant.first { $0.variant == variant }?.runs ?? []
    }

    /// The position of `variant` in the plan: its colour in every chart.
    func colorIndex(_ variant: String) -> Int {
        runsByVariant.firstIndex { $0.variant == variant } ?? 0
    }
}
