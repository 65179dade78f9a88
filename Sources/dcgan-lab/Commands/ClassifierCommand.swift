import Datasets
import Evaluation
import Formats
import Foundation
import Tensor

/// `dcgan-lab classifier train|evaluate`: the Fashion-MNIST CNN behind "FID (FMNIST-CNN)".
enum ClassifierCommand: Command {
    static let spec = CommandSpec(
        name: "classifier",
        summary: "Train the Fashion-MNIST CNN whose features score generators, or evaluate it.",
        positionals: [("ACTION", "train (writes weights and a JSON report) or evaluate")],
        minimumPositionals: 1,
        options: DataOptions.specs + [
            OptionSpec(name: "epochs", valueName: "N", help: "train: epochs (default 5)"),
            OptionSpec(name: "seed", valueName: "S", help: "train: seed (default 1)"),
            OptionSpec(
                name: "lr", valueName: "X", help: "train: peak learning rate (default 0.05)"),
            OptionSpec(
                name: "init", valueName: "FILE",
                help: "train: start from these weights (a warm restart) instead of the seed's"),
            OptionSpec(
                name: "out", valueName: "FILE",
                help: "train: weights file (default fmnist-cnn.safetensors; report beside it)"),
            OptionSpec(
                name: "weights", valueName: "FILE",
                help: "evaluate: weights file (default: the ones shipped with dcgan-lab)"),
            OptionSpec(name: "quiet", valueName: nil, help: "log lines instead of a progress bar"),
            ThreadOption.spec,
        ])

    static func run(_ arguments: ParsedArguments) throws {
        try ThreadOption.apply(arguments)
        Console.quiet = arguments.flag("quiet")
        switch arguments.positionals[0] {
        case "train": try train(arguments)
        case "evaluate": try evaluate(arguments)
        case let other:
            throw UsageError("unknown action '\(other)'; use 'train' or 'evaluate'")
        }
    }

    private static func train(_ arguments: ParsedArguments) throws {
        var config = ClassifierTrainingConfig()
        if let v = try arguments.int("epochs", range: 1...1000) { config.epochs = v }
        if let v = try arguments.int("seed", range: 0...Int.max) { config.seed = UInt64(v) }
        if let v = try arguments.double("lr", range: 1e-6...1) { config.learningRate = Float(v) }
        config.initialWeights = arguments.string("init")
        let out = URL(fileURLWithPath: arguments.string("out") ?? "fmnist-cnn.safetensors")
        let (_, data) = try DataOptions.load(arguments)
        let trainer = try ClassifierTrainer(config: config, train: data.train, test: data.test)
        Console.info(
            "training fmnist-cnn on \(data.train.count) images, \(config.epochs) epochs, "
                + "seed \(config.seed), \(Engine.threads) threads -> \(out.path)")

        let report = try trainer.run(observer(epochs: config.epochs))
        let metadata = [
            "network": report.network, "seed": "\(config.seed)",
            "test_accuracy": String(format: "%.4f", report.testAccuracy),
        ]
        try SafeTensors.write(trainer.network.stateDict(), metadata: metadata, to: out)
        let reportURL = out.deletingPathExtension().appendingPathExtension("json")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(encoder.encode(report), to: reportURL)
        Console.info(
            String(format: "test accuracy %.2f%% after %@; weights %@, report %@",
                   report.testAccuracy * 100, ProgressBar.clock(report.trainingSeconds),
                   out.path, reportURL.path))
    }

    private static func evaluate(_ arguments: ParsedArguments) throws {
        let classifier = try arguments.string("weights").map {
            try FashionClassifier(weights: URL(fileURLWithPath: $0))
        } ?? FashionClassifier.bundled()
        let (_, data) = try DataOptions.load(arguments)
        let start = Date()
        let accuracy = try classifier.accuracy(on: data.test)
        var lines = [String(
            format: "test accuracy %.2f%% (%d images, %.1f s)", accuracy.overall * 100,
            data.test.count, Date().timeIntervalSince(start))]
        for (name, value) in zip(FashionMNIST.classNames, accuracy.perClass) {
            let label = name.padding(toLength: 12, withPad: " ", startingAt: 0)
            lines.append(String(format: "  %@ %6.2f%%", label, value * 100))
        }
        Console.info(lines.joined(separator: "\n"))
    }

    /// A progress bar per epoch and a line with the test accuracy after each.
    private static func observer(epochs: Int) -> (ClassifierTrainingEvent) -> Void {
        var bar: ProgressBar?
        var recentLoss: Float = 0
        return { event in
            switch event {
            case .epochStarted(let epoch, let batches):
                bar = ProgressBar("epoch \(epoch)/\(epochs)", total: batches, unit: "batch")
            case .iteration(_, let batch, let loss, let rate):
                // An exponential average: single batches are too noisy to read.
                recentLoss = batch == 1 ? loss : 0.95 * recentLoss + 0.05 * loss
                bar?.update(batch, status: String(format: "loss %.3f  lr %.4f", recentLoss, rate))
            case .epochFinished(let epoch, let accuracy, let seconds):
                bar = nil
                Console.info(String(
                    format: "epoch %d: test accuracy %.2f%% (%@)", epoch, accuracy * 100,
                    ProgressBar.clock(seconds)))
            }
        }
    }
}
