import Datasets
import Evaluation
import Formats
import Foundation
import GAN
import NeuralNet
import Study
import Tensor

/// Chooses and loads the feature extractor named by `--features`.
enum FeatureOptions {
    static let specs = [
        OptionSpec(name: "features", valueName: "NAME", help: "fmnist-cnn (default, offline) or inception"),
        OptionSpec(name: "inception-weights", valueName: "FILE",
                   help: "FID Inception weights (.pth or .safetensors; see 'dcgan-lab weights inception')"),
    ]

    static func extractor(_ a: ParsedArguments) throws -> (FeatureExtractor, label: String) {
        switch try a.choice("features", ["fmnist-cnn", "inception"]) ?? "fmnist-cnn" {
        case "inception":
            guard let file = a.string("inception-weights") else {
                throw UsageError("--features inception needs --inception-weights FILE "
                                 + "(pt_inception-2015-12-05-6726825d.pth; 'dcgan-lab weights inception' downloads it)")
            }
            return (InceptionFeatureExtractor(network: try InceptionWeights.load(URL(fileURLWithPath: file))), "FID (Inception)")
        default:
            return (try FashionClassifier.bundled(), FashionClassifier.fidLabel)
        }
    }
}

/// `dcgan-lab evaluate`: every metric for one generator.
enum EvaluateCommand: Command {
    static let spec = CommandSpec(
        name: "evaluate",
        summary: "Score one generator: FID, KID, precision/recall, density/coverage, class coverage.",
        options: SampleCommand.generatorFileSpecs + [
            OptionSpec(name: "samples", valueName: "N", help: "generated images (default 10000)"),
            OptionSpec(name: "reference", valueName: "N", help: "test images to compare with (default 10000)"),
            OptionSpec(name: "seed", valueName: "S", help: "seed of the generated samples (default 1)"),
            OptionSpec(name: "metrics", valueName: "A,B,...",
                       help: "fid, kid, manifold (precision/recall/density/coverage), classes (default: all)",
                       repeatable: true),
            OptionSpec(name: "json", valueName: "FILE", help: "also write the metrics as JSON"),
            ThreadOption.spec,
        ] + FeatureOptions.specs + DataOptions.specs)

    static func run(_ arguments: ParsedArguments) throws {
        try ThreadOption.apply(arguments)
        guard let file = arguments.string("checkpoint") else { throw UsageError("'evaluate' needs --checkpoint FILE") }
        let checkpoint = URL(fileURLWithPath: file)
        let config = try SampleCommand.runConfig(arguments, checkpoint: checkpoint)
        let generator = Generator(config.modelSpec, dropoutSource: RandomSource(RandomStream(seed: 0)))
        try Checkpoint.loadGenerator(checkpoint, into: generator)

        var plan = EvaluationPlan()
        plan.finalSamples = try arguments.int("samples", range: 100...200_000) ?? 10_000
        plan.referenceSamples = try arguments.int("reference", range: 100...10_000) ?? 10_000
        plan.manifoldSamples = min(plan.manifoldSamples, plan.finalSamples)
        let (extractor, label) = try FeatureOptions.extractor(arguments)
        let (_, data) = try DataOptions.load(arguments)
        let test = try TrainingImages(data.test, subset: .first(plan.referenceSamples), side: config.imageSize)
        let cache = DataLocator.cacheDirectory(environment: ProcessInfo.processInfo.environment).deletingLastPathComponent()
            .appendingPathComponent("features")
        let scorer = try Scorer(extractor: extractor, classifier: try FashionClassifier.bundled(), plan: plan,
                                referenceImages: test, cacheDirectory: cache)
        Console.info("scoring \(plan.finalSamples) generated vs \(scorer.referenceCount) test images with \(extractor.name) ...")
        let seed = UInt64(try arguments.int("seed", range: 0...Int.max) ?? 1)
        var families = Set(Scorer.Family.allCases)
        if let names = arguments.list("metrics") {
            families = try Set(names.map { name in
                guard let family = Scorer.Family(rawValue: name) else {
                    throw UsageError("unknown metric '\(name)'; choose from \(Scorer.Family.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return family
            })
        }
        let m = try scorer.fullMetrics(generator, seed: seed, epoch: 0, families: families)
        let rows: [(String, String)] = [
            (label, String(format: "%.3f  (n = %d generated vs %d real)", m.fid, m.samples, m.referenceSamples)),
            ("KID", String(format: "%.5f ± %.5f", m.kid, m.kidStd)),
            ("precision / recall", String(format: "%.3f / %.3f", m.precision, m.recall)),
            ("density / coverage", String(format: "%.3f / %.3f", m.density, m.coverage)),
            ("classes covered (≥1%)", "\(m.classesCovered) of 10"),
            ("class entropy / KL from uniform", String(format: "%.3f / %.3f nats", m.classEntropy, m.klFromUniform)),
            ("Inception Score (FMNIST-CNN)", String(format: "%.3f", m.inceptionScore)),
            ("samples per class", m.classCounts.map(String.init).joined(separator: " ")),
        ]
        // Rows of metrics that were not asked for print as "–".
        for (k, v) in rows {
            let shown = v.contains("nan") || v.isEmpty ? "–" : v
            Console.info("  \(k.padding(toLength: 32, withPad: " ", startingAt: 0)) \(shown)")
        }
        if let json = arguments.string("json") {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            try AtomicFile.write(try encoder.encode(m), to: URL(fileURLWithPath: json))
        }
    }
}

/// `dcgan-lab fid DIR_A DIR_B`: FID between two folders of PNG images.
enum FIDCommand: Command {
    static let spec = CommandSpec(
        name: "fid",
        summary: "FID between two folders of PNG images (grayscale or RGB, all of one size per folder).",
        positionals: [("DIR_A", "first folder of PNGs"), ("DIR_B", "second folder of PNGs")],
        minimumPositionals: 2,
        options: FeatureOptions.specs + [ThreadOption.spec])

    static func run(_ arguments: ParsedArguments) throws {
        try ThreadOption.apply(arguments)
        // Both folders are read before the network loads, so a bad folder fails fast.
        let folders = try arguments.positionals.map { try PNGFolder.read(URL(fileURLWithPath: $0)) }
        let (extractor, label) = try FeatureOptions.extractor(arguments)
        var statistics: [FeatureStatistics] = []
        for (path, (images, count, side)) in zip(arguments.positionals, folders) {
            let features = extractor.features(images: images, count: count, side: side)
            statistics.append(try FeatureStatistics(features: features, dimension: extractor.dimension))
            Console.info("\(path): \(count) images of \(side)x\(side)")
        }
        let fid = try frechetDistance(statistics[0], statistics[1])
        Console.info(String(format: "%@: %.4f  (n = %d vs %d)", label, fid, statistics[0].count, statistics[1].count))
    }
}

/// PNG folders as grayscale [-1, 1] images.
enum PNGFolder {
    static func read(_ directory: URL) throws -> (images: [Float], count: Int, side: Int) {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.lowercased().hasSuffix(".png") }.sorted()
        guard !names.isEmpty else {
            throw FileFormatError(path: directory.path, problem: "holds no .png images", hint: "Point at a folder of PNG files")
        }
        guard names.count >= 2 else {
            throw FileFormatError(path: directory.path, problem: "holds only one image; FID needs at least two")
        }
        var images: [Float] = []
        var side = 0
        for name in names {
            let url = directory.appendingPathComponent(name)
            let image = try PNGDecoder.read(url)
            guard image.width == image.height else {
                throw FileFormatError(path: url.path, problem: "is \(image.width)x\(image.height); images must be square")
            }
            if side == 0 { side = image.width }
            guard image.width == side else {
                throw FileFormatError(path: url.path, problem: "is \(image.width)x\(image.height), the folder's first image is \(side)x\(side)",
                                      hint: "All images of a folder must have one size")
            }
            // Gray from the first channel of gray images, luminance (ITU-R 601) of colour ones.
            for p in 0..<(side * side) {
                let o = p * image.channels
                let gray: Float = image.channels >= 3
                    ? 0.299 * Float(image.pixels[o]) + 0.587 * Float(image.pixels[o + 1]) + 0.114 * Float(image.pixels[o + 2])
                    : Float(image.pixels[o])
                images.append(gray / 127.5 - 1)
            }
        }
        return (images, names.count, side)
    }
}

/// `dcgan-lab weights inception`: download the FID Inception weights and check them.
enum WeightsCommand: Command {
    static let fileName = "pt_inception-2015-12-05-6726825d.pth"
    static let address = "https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/" + fileName
    /// As torch.hub names files, the suffix is the start of the file's SHA-256.
    static let sha256Prefix = "6726825d"

    static let spec = CommandSpec(
        name: "weights",
        summary: "Download the FID Inception weights (pytorch-fid's release) and verify their SHA-256.",
        positionals: [("inception", "which weights (only 'inception')")],
        minimumPositionals: 1,
        options: [OptionSpec(name: "out", valueName: "FILE", help: "where to save (default: the user cache)")])

    static func run(_ arguments: ParsedArguments) throws {
        guard arguments.positionals.first == "inception" else {
            throw UsageError("'weights' knows only 'inception', got '\(arguments.positionals.first ?? "")'")
        }
        let cache = DataLocator.cacheDirectory(environment: ProcessInfo.processInfo.environment).deletingLastPathComponent()
        let target = arguments.string("out").map { URL(fileURLWithPath: $0) } ?? cache.appendingPathComponent(fileName)
        if FileManager.default.fileExists(atPath: target.path) {
            try verify(try Data(contentsOf: target), at: target)
            Console.info("\(target.path): present, SHA-256 verified")
            return
        }
        var bar: ProgressBar?
        let data = try Downloader.fetch(address, label: fileName) { _, received, total in
            if bar == nil { bar = ProgressBar("download \(fileName)", total: Int(total ?? 0), unit: "B") }
            bar?.update(Int(received))
        }
        try verify(data, at: target)
        try AtomicFile.write(data, to: target)
        Console.info("saved \(target.path) (SHA-256 verified); use it with --features inception --inception-weights \(target.path)")
    }

    static func verify(_ data: Data, at url: URL) throws {
        let digest = SHA256.hexDigest([UInt8](data))
        guard digest.hasPrefix(sha256Prefix) else {
            throw FileFormatError(path: url.path, problem: "SHA-256 \(digest) does not begin with \(sha256Prefix)",
                                  hint: "The download is corrupt or another file; delete it and download again")
        }
    }
}
