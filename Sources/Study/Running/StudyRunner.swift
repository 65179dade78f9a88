import Datasets
import Foundation
import Formats
import GAN
import NeuralNet
import Tensor

/// What the study reports while it runs.
public enum StudyEvent {
    case runStarted(index: Int, total: Int, variant: String, seed: UInt64)
    case runSkipped(index: Int, total: Int, variant: String, seed: UInt64)
    case training(TrainingEvent)
    case scoring(String)
    case runFinished(RunResult)
}

/// Runs a study plan: every (variant, seed) as an independent run directory, each epoch's
/// generator given a cheap FID, the final and best generators the full metrics, then the
/// comparison across variants. Finished runs are never redone; an interrupted run resumes
/// from its last checkpoint; a diverged run is recorded and the others go on.
public final class StudyRunner {
    public let plan: StudyPlan
    public let directory: URL
    let scorer: Scorer
    let trainingImages: TrainingImages

    public init(plan: StudyPlan, directory: URL, scorer: Scorer, trainingImages: TrainingImages) {
        self.plan = plan
        self.directory = directory
        self.scorer = scorer
        self.trainingImages = trainingImages
    }

    /// Trains and scores every run, then writes `results.json`; returns the results.
    public func run(command: String, _ observe: @escaping (StudyEvent) -> Void) throws -> StudyResults {
        let started = Date()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try savePlan()
        var results: [RunResult] = []
        let runs = plan.runs
        for (index, run) in runs.enumerated() {
            let runURL = directory.appendingPathComponent(run.directory)
            if let done = try? loadResult(runURL) {
                observe(.runSkipped(index: index + 1, total: runs.count, variant: run.config.variant, seed: run.config.seed))
                results.append(done)
                continue
            }
            observe(.runStarted(index: index + 1, total: runs.count, variant: run.config.variant, seed: run.config.seed))
            let result = try train(run.config, relative: run.directory, at: runURL, observe)
            try write(result, to: runURL)
            observe(.runFinished(result))
            results.append(result)
        }
        var histories: [String: [HistoryRow]] = [:]
        for r in results {
            histories[r.directory] = try TrainingHistory.read(RunDirectory(directory.appendingPathComponent(r.directory)).history)
        }
        let variants = VariantSummarizer.summarize(plan, runs: results, histories: histories)
        let best = variants.filter { $0.fid.mean != nil }.min { $0.fid.mean! < $1.fid.mean! }?.variant
        let study = StudyResults(plan: plan, runs: results, variants: variants, bestVariant: best,
                                 environment: EnvironmentRecord.current(started: started, command: command))
        try AtomicFile.write(StudyRunner.encoder.encode(study), to: directory.appendingPathComponent("results.json"))
        return study
    }

    private func train(_ config: TrainingConfig, relative: String, at url: URL,
                       _ observe: @escaping (StudyEvent) -> Void) throws -> RunResult {
        let runDirectory = RunDirectory(url)
        let resume = !runDirectory.checkpointEpochs().isEmpty
        let trainer = try Trainer(config: config, images: trainingImages, directory: url, resume: resume)
        var scores = (try? loadScores(url)) ?? []
        scores.removeAll { $0.epoch > runDirectory.checkpointEpochs().last ?? 0 }
        var scoringError: Error?
        let status = try trainer.run { event in
            observe(.training(event))
            guard case .epochFinished(let epoch, _) = event, scoringError == nil else { return }
            do {
                try self.scoreEpoch(epoch, trainer: trainer, scores: &scores, at: url)
            } catch {
                scoringError = error
            }
        }
        if let scoringError { throw scoringError }

        observe(.scoring("full metrics for \(config.variant) seed \(config.seed)"))
        let final = status.state == .completed
            ? try scorer.fullMetrics(trainer.generator, seed: config.seed, epoch: status.epochsCompleted) : nil
        var best: MetricSet?
        if let bestEpoch = scores.min(by: { $0.fid < $1.fid })?.epoch {
            if bestEpoch == final?.epoch {
                best = final
            } else {
                let generator = Generator(config.modelSpec, dropoutSource: RandomSource(RandomStream(seed: 0)))
                try Checkpoint.loadGenerator(url.appendingPathComponent("best-generator.safetensors"), into: generator)
                best = try scorer.fullMetrics(generator, seed: config.seed, epoch: bestEpoch)
            }
        }
        let history = try TrainingHistory.read(runDirectory.history)
        return RunResult(
            variant: config.variant, seed: config.seed, directory: relative, status: status.state,
            message: status.message, epochsCompleted: status.epochsCompleted, iterations: status.iterations,
            trainingSeconds: status.trainingSeconds, epochScores: scores, final: final, best: best,
            curves: CurveAnalyzer.analyze(history))
    }

    /// Cheap FID of this epoch's generator; keeps the best generator's weights on disk so
    /// the best epoch can get the full metrics even after old checkpoints are pruned.
    private func scoreEpoch(_ epoch: Int, trainer: Trainer, scores: inout [EpochScore], at url: URL) throws {
        let fid = try scorer.fid(trainer.generator, samples: plan.evaluation.epochSamples, seed: trainer.config.seed, epoch: epoch)
        let isBest = scores.allSatisfy { fid < $0.fid }
        scores.append(EpochScore(epoch: epoch, fid: fid, samples: plan.evaluation.epochSamples))
        if isBest {
            try SafeTensors.write(trainer.generator.stateDict(), metadata: ["epoch": String(epoch)],
                                  to: url.appendingPathComponent("best-generator.safetensors"))
        }
        try AtomicFile.write(StudyRunner.encoder.encode(scores), to: url.appendingPathComponent("epoch-scores.json"))
    }

    private func loadScores(_ url: URL) throws -> [EpochScore] {
        try JSONDecoder().decode([EpochScore].self, from: Data(contentsOf: url.appendingPathComponent("epoch-scores.json")))
    }

    /// A run's result, when the run finished (or diverged) and was scored earlier with the
    /// same configuration.
    private func loadResult(_ url: URL) throws -> RunResult {
        try StudyRunner.decoder.decode(RunResult.self, from: Data(contentsOf: url.appendingPathComponent("evaluation.json")))
    }

    private func write(_ result: RunResult, to url: URL) throws {
        try AtomicFile.write(StudyRunner.encoder.encode(result), to: url.appendingPathComponent("evaluation.json"))
    }

    /// The plan, saved once; a different plan in the same directory is refused so results
    /// of two studies are never mixed.
    private func savePlan() throws {
        let url = directory.appendingPathComponent("plan.json")
        if let data = try? Data(contentsOf: url) {
            let saved = try? StudyRunner.decoder.decode(StudyPlan.self, from: data)
            guard saved == plan else {
                throw ConfigError("\(url.path) holds a different study plan; use another --out or the same options")
            }
            return
        }
        try AtomicFile.write(StudyRunner.encoder.encode(plan), to: url)
    }

    /// JSON with sorted keys; non-finite numbers (a diverged run's losses) as strings.
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }()

    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }()
}

extension EnvironmentRecord {
    /// This process's machine, versions and timing.
    static func current(started: Date, command: String) -> EnvironmentRecord {
        var uts = utsname()
        uname(&uts)
        let machine = withUnsafeBytes(of: &uts.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? machine
        #if compiler(>=6.3)
        let swift = "Swift 6.3+"
        #else
        let swift = "Swift 6"
        #endif
        return EnvironmentRecord(
            tool: "dcgan-lab \(DCGANLabVersion.current)", swiftVersion: swift, machine: "\(cpu) (\(machine))",
            cores: ProcessInfo.processInfo.activeProcessorCount, threads: Engine.threads,
            convolutions: ConvolutionKernels.algorithm.rawValue,
            started: ISO8601DateFormatter().string(from: started),
            wallSeconds: Date().timeIntervalSince(started), command: command)
    }
}

/// The tool's version, recorded in every study.
public enum DCGANLabVersion {
    public static let current = "0.1.0"
}
