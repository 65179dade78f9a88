import Datasets
import Foundation
import GAN
import Tensor

/// `dcgan-lab train`: train one DCGAN variant into a run directory.
enum TrainCommand: Command {
    static let spec = CommandSpec(
        name: "train",
        summary: "Train one DCGAN variant on Fashion-MNIST (samples and a checkpoint every epoch).",
        options: TrainingOptions.specs + DataOptions.specs + [
            OptionSpec(name: "out", valueName: "DIR", help: "run directory (default runs/VARIANT-seedS)"),
            OptionSpec(name: "resume", valueName: nil, help: "continue the run in --out from its last checkpoint"),
            OptionSpec(name: "quiet", valueName: nil, help: "log lines instead of a progress bar"),
            ThreadOption.spec,
        ])

    static func run(_ arguments: ParsedArguments) throws {
        try ThreadOption.apply(arguments)
        Console.quiet = arguments.flag("quiet")
        let config = try TrainingOptions.config(arguments)
        let out = URL(fileURLWithPath: arguments.string("out") ?? "runs/\(config.variant)-seed\(config.seed)")
        let images = try TrainingOptions.images(for: config, arguments)
        let trainer = try Trainer(config: config, images: images, directory: out, resume: arguments.flag("resume"))
        Console.info("training \(config.variant) on \(images.count) images (\(config.imageSize)x\(config.imageSize)), "
                     + "\(config.epochs) epochs, seed \(config.seed), \(Engine.threads) threads -> \(out.path)")
        PrecisionOption.announce(config.precision)
        let status = try trainer.run(TrainingProgress.observer(epochs: config.epochs))
        switch status.state {
        case .completed:
            Console.info("done: \(status.iterations) iterations in \(ProgressBar.clock(status.trainingSeconds)); "
                         + "samples in \(trainer.directory.samples.path), generator in \(trainer.directory.finalGenerator.path)")
        case .diverged:
            Console.error("run diverged: \(status.message); its last good checkpoint is kept in \(trainer.directory.checkpoints.path)")
            exit(3)
        case .running:
            break
        }
    }
}

/// Training flags shared by `train` and `study`, turned into a validated configuration.
enum TrainingOptions {
    static let specs = [
        OptionSpec(name: "config", valueName: "FILE", help: "JSON configuration (flags override it)"),
        OptionSpec(name: "variant", valueName: "NAME", help: "one of \(Variant.all.map(\.name).joined(separator: ", "))"),
        OptionSpec(name: "epochs", valueName: "N", help: "training epochs (default 5)"),
        OptionSpec(name: "subset", valueName: "N", help: "train on N images (default: all)"),
        OptionSpec(name: "subset-mode", valueName: "MODE", help: "first (as the reference code) or stratified"),
        OptionSpec(name: "image-size", valueName: "28|64", help: "native 28x28 or resized 64x64 (default 64)"),
        OptionSpec(name: "batch-size", valueName: "N", help: "images per batch (default 64)"),
        OptionSpec(name: "seed", valueName: "S", help: "seed for every random draw (default 1)"),
        OptionSpec(name: "lr", valueName: "X", help: "Adam learning rate (default 0.0002)"),
        OptionSpec(name: "nz", valueName: "N", help: "latent size (default 100)"),
        OptionSpec(name: "ngf", valueName: "N", help: "generator width (default 32)"),
        OptionSpec(name: "ndf", valueName: "N", help: "discriminator width (default 32)"),
        OptionSpec(name: "drop-last", valueName: nil, help: "drop the last partial batch of each epoch"),
        OptionSpec(name: "keep-checkpoints", valueName: "K", help: "keep only the newest K checkpoints (0 = all)"),
        OptionSpec(name: "no-batchnorm-decay", valueName: nil,
                   help: "exempt batch-norm scales and shifts from the variant's weight decay"),
        PrecisionOption.spec,
    ]

    static func config(_ a: ParsedArguments, base: TrainingConfig = TrainingConfig()) throws -> TrainingConfig {
        var c = base
        if let file = a.string("config") { c = try TrainingConfig.load(URL(fileURLWithPath: file)) }
        if let v = try a.choice("variant", Variant.all.map(\.name)) { c.variant = v }
        if let v = try a.int("epochs", range: 1...100_000) { c.epochs = v }
        if let v = try a.int("subset", range: 2...70_000) { c.subset = v }
        if let v = try a.choice("subset-mode", ["first", "stratified"]) { c.subsetMode = .init(rawValue: v)! }
        if let v = try a.choice("image-size", ["28", "64"]) { c.imageSize = Int(v)! }
        if let v = try a.int("batch-size", range: 2...8192) { c.batchSize = v }
        if let v = try a.int("seed", range: 0...Int.max) { c.seed = UInt64(v) }
        if let v = try a.double("lr", range: 1e-9...1) { c.learningRate = v }
        if let v = try a.int("nz", range: 1...4096) { c.nz = v }
        if let v = try a.int("ngf", range: 1...1024) { c.ngf = v }
        if let v = try a.int("ndf", range: 1...1024) { c.ndf = v }
        if a.flag("drop-last") { c.dropLast = true }
        if let v = try a.int("keep-checkpoints", range: 0...100_000) { c.keepCheckpoints = v }
        if a.flag("no-batchnorm-decay") { c.batchNormWeightDecay = false }
        if let p = try PrecisionOption.value(a) { c.precision = p }
        do { try c.validate() } catch let error as ConfigError { throw UsageError(error.description) }
        return c
    }

    /// Loads the split the config names and prepares its images (subset, resize).
    static func images(for config: TrainingConfig, _ arguments: ParsedArguments) throws -> TrainingImages {
        let (_, data) = try DataOptions.load(arguments)
        let split: FashionMNIST.Split = config.split == "test" ? .test : .train
        return try TrainingImages(data[split], subset: config.subsetSelection(seed: config.seed),
                                  side: config.imageSize)
    }
}

/// `--threads N`: threads for our kernels and BLAS (default: every core).
enum ThreadOption {
    static let spec = OptionSpec(name: "threads", valueName: "N",
                                 help: "threads (default: all cores; results are reproducible per count)")

    static func apply(_ arguments: ParsedArguments) throws {
        Engine.setThreads(try arguments.int("threads", range: 1...256) ?? ProcessInfo.processInfo.activeProcessorCount)
    }
}

/// `--precision float32|bfloat16`: the arithmetic of the training step's matrix products.
enum PrecisionOption {
    static let spec = OptionSpec(
        name: "precision", valueName: "P",
        help: "float32 (default) or bfloat16: the training step's matrix products with operands rounded to bfloat16 (faster on CPUs with AMX or AVX-512 BF16; emulated, and slower, on CPUs without either)")

    /// Says which units the bfloat16 mode runs on, and warns when it is only emulated.
    static func announce(_ precision: Precision) {
        guard precision == .bfloat16 else { return }
        if BFloat16.units == .emulated {
            Console.warning("this CPU has neither AMX nor AVX-512 BF16: bfloat16 products are emulated, "
                            + "slower than float32 (use --precision float32 for speed)")
        } else {
            Console.info("bfloat16 products on \(BFloat16.units.name)")
        }
    }

    static func value(_ arguments: ParsedArguments) throws -> Precision? {
        try arguments.choice("precision", Precision.allCases.map(\.rawValue)).map { Precision(rawValue: $0)! }
    }
}

/// Renders training events as a progress bar per epoch.
enum TrainingProgress {
    static func observer(epochs: Int, label: String = "") -> (TrainingEvent) -> Void {
        var bar: ProgressBar?
        return { event in
            switch event {
            case .resumed(let epoch, let iteration):
                Console.info("\(label)resuming after epoch \(epoch) (iteration \(iteration))")
            case .epochStarted(let epoch, let batches):
                bar = ProgressBar("\(label)epoch \(epoch)/\(epochs)", total: batches)
            case .iteration(_, let batch, _, let record):
                bar?.update(batch, status: String(format: "loss D %.3f  loss G %.3f  D(x) %.2f  D(G(z)) %.2f",
                                                  record.lossD, record.lossG, record.dOfX, record.dOfGzBefore))
            case .epochFinished:
                bar = nil
            }
        }
    }
}
