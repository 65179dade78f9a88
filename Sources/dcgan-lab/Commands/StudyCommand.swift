import Datasets
import Evaluation
import Foundation
import GAN
import Report
import Study
import Tensor

/// `dcgan-lab study`: train every variant for every seed, score, compare, report.
enum StudyCommand: Command {
    static let spec = CommandSpec(
        name: "study",
        summary: "Train every variant for every seed, score them and write the report (the main job).",
        options: [
            OptionSpec(name: "preset", valueName: "NAME",
                       help: "quick (default, ~3–6 min), reference (the reference code's runs) or full (the study as described)"),
            OptionSpec(name: "variants", valueName: "A,B,...", help: "variants to run (default: the preset's)", repeatable: true),
            OptionSpec(name: "seeds", valueName: "K", help: "seeds 1...K per variant (default: the preset's)"),
            OptionSpec(name: "epochs", valueName: "N", help: "epochs per run"),
            OptionSpec(name: "subset", valueName: "N", help: "training images per run"),
            OptionSpec(name: "image-size", valueName: "28|64", help: "image size"),
            OptionSpec(name: "eval-samples", valueName: "N", help: "generated images for the final metrics"),
            OptionSpec(name: "no-batchnorm-decay", valueName: nil,
                       help: "exempt batch-norm scales and shifts from the variants' weight decay"),
            OptionSpec(name: "out", valueName: "DIR", help: "study directory (default study-PRESET)"),
            OptionSpec(name: "resume", valueName: nil, help: "continue an interrupted study in --out"),
            OptionSpec(name: "quiet", valueName: nil, help: "log lines instead of progress bars"),
            PrecisionOption.spec,
            ThreadOption.spec,
        ] + DataOptions.specs)

    static func run(_ arguments: ParsedArguments) throws {
        try ThreadOption.apply(arguments)
        Console.quiet = arguments.flag("quiet")
        let plan = try makePlan(arguments)
        let out = URL(fileURLWithPath: arguments.string("out") ?? "study-\(plan.preset)")
        if FileManager.default.fileExists(atPath: out.appendingPathComponent("plan.json").path) && !arguments.flag("resume") {
            throw UsageError("\(out.path) already holds a study; pass --resume to continue it or choose another --out")
        }
        Console.info("study '\(plan.preset)': \(plan.variants.joined(separator: ", ")) × seeds \(plan.seeds.map(String.init).joined(separator: ", ")); "
                     + "\(plan.base.epochs) epochs on \(plan.base.subset.map(String.init) ?? "all") images at \(plan.base.imageSize)x\(plan.base.imageSize) -> \(out.path)")
        PrecisionOption.announce(plan.base.precision)

        let (_, data) = try DataOptions.load(arguments)
        // Every run of the study trains on the same images, whatever its seed.
        let train = try TrainingImages(data.train, subset: plan.base.subsetSelection(seed: 0), side: plan.base.imageSize)
        let test = try TrainingImages(data.test, subset: .first(min(plan.evaluation.referenceSamples, data.test.count)),
                                      side: plan.base.imageSize)
        let classifier = try FashionClassifier.bundled()
        Console.info("scoring with \(FashionClassifier.fidLabel) against \(test.count) test images")
        let scorer = try Scorer(extractor: classifier, classifier: classifier, plan: plan.evaluation,
                                referenceImages: test, cacheDirectory: out.appendingPathComponent("cache"))
        let runner = StudyRunner(plan: plan, directory: out, scorer: scorer, trainingImages: train)
        let command = (["dcgan-lab"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        let results = try runner.run(command: command, observer(plan))

        try StudyReport.write(results: results, studyDirectory: out)
        Console.info("")
        for v in results.variants {
            let spread = v.fid.std.map { String(format: " ± %.2f", $0) } ?? " (one seed)"
            let fid = v.fid.mean.map { String(format: "%.2f", $0) + spread } ?? "–"
            Console.info(String(format: "  %-26@ %@ %@  (%@)", v.variant, FashionClassifier.fidLabel, fid, v.grade))
        }
        Console.info("best by FID: \(results.bestVariant ?? "–")")
        Console.info("report: \(out.appendingPathComponent("report.html").path)")
    }

    static func makePlan(_ a: ParsedArguments) throws -> StudyPlan {
        let name = try a.choice("preset", StudyPreset.allCases.map(\.rawValue)) ?? "quick"
        var plan = StudyPreset(rawValue: name)!.plan
        if let variants = a.list("variants") {
            for v in variants where Variant.named(v) == nil {
                throw UsageError("unknown variant '\(v)'; choose from \(Variant.all.map(\.name).joined(separator: ", "))")
            }
            plan.variants = variants
        }
        if let k = try a.int("seeds", range: 1...100) { plan.seeds = (1...k).map(UInt64.init) }
        if let n = try a.int("epochs", range: 1...100_000) { plan.base.epochs = n }
        if let n = try a.int("subset", range: 2...60_000) { plan.base.subset = n }
        if let s = try a.choice("image-size", ["28", "64"]) { plan.base.imageSize = Int(s)! }
        if a.flag("no-batchnorm-decay") { plan.base.batchNormWeightDecay = false }
        if let p = try PrecisionOption.value(a) { plan.base.precision = p }
        if let n = try a.int("eval-samples", range: 100...100_000) {
            plan.evaluation.finalSamples = n
            plan.evaluation.manifoldSamples = min(plan.evaluation.manifoldSamples, n)
            plan.evaluation.epochSamples = min(plan.evaluation.epochSamples, n)
        }
        do { try plan.base.validate() } catch let error as ConfigError { throw UsageError(error.description) }
        return plan
    }

    /// Progress: run k of n with its epoch bar; ETA per epoch from the bar.
    static func observer(_ plan: StudyPlan) -> (StudyEvent) -> Void {
        var training: ((TrainingEvent) -> Void)?
        return { event in
            switch event {
            case .runStarted(let index, let total, let variant, let seed):
                Console.info("[run \(index)/\(total)] \(variant) seed \(seed)")
                training = TrainingProgress.observer(epochs: plan.base.epochs, label: "[\(index)/\(total) \(variant)] ")
            case .runSkipped(let index, let total, let variant, let seed):
                Console.info("[run \(index)/\(total)] \(variant) seed \(seed): already done")
            case .training(let e):
                training?(e)
            case .scoring(let what):
                Console.info("  scoring: \(what)")
            case .runFinished(let r):
                let fid = r.final.map { String(format: "%.2f", $0.fid) } ?? "–"
                Console.info("  \(r.variant) seed \(r.seed): \(r.status.rawValue), final \(FashionClassifier.fidLabel) \(fid)")
            }
        }
    }
}
