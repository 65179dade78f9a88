import Foundation
import Evaluation
import GAN
import Tensor

/// `dcgan-lab bench`: images per second and GFLOP/s of training and generation.
enum BenchCommand: Command {
    /// FLOPs per image of each case at the bench's sizes (the peer's models, see
    /// `StepBenchmark.training`), as the
    /// PyTorch peer counts them (`pytorch_dcgan_bench.py --flops`: 2 × multiply-adds of every
    /// convolution, padding included; a training step is G forward + backward and D forward +
    /// backward three times). Dropout and batch norm add no convolution work.
    static let flopsPerImage: [String: Double] = [
        "train64": 616.2e6, "dropout": 616.2e6, "nobn-d": 616.2e6,
        "train28": 280.1e6,
        "generate": 2 * 26_099_712,
    ]

    static let spec = CommandSpec(
        name: "bench",
        summary: "Time the reference training step and generator inference on random data.",
        options: [
            OptionSpec(name: "case", valueName: "NAME",
                       help: "train64 (default), train28, dropout, nobn-d, generate, all, gemm (GFLOP/s of the convolutions' products), sgemm (the 1024x1024x1024 product alone, the yardstick of a training step's GFLOP/s), layers (time of each convolution kernel per layer) or inception (FID feature extraction at 299x299)"),
            OptionSpec(name: "batch", valueName: "N", help: "batch size (default 64; 256 for generate)"),
            OptionSpec(name: "repetitions", valueName: "N", help: "timed repetitions, median reported (default 5)"),
            OptionSpec(name: "json", valueName: nil, help: "also print one JSON line per case"),
            ThreadOption.spec,
            PrecisionOption.spec,
        ])

    static func run(_ arguments: ParsedArguments) throws {
        try ThreadOption.apply(arguments)
        let precision = try PrecisionOption.value(arguments) ?? .float32
        PrecisionOption.announce(precision)
        if ConvolutionKernels.algorithm == .unfold {
            Console.info("convolutions: unfolded everywhere (DCGANLAB_CONVOLUTION=unfold)")
        }
        try GEMM.withPrecision(precision) { try measure(arguments) }
    }

    private static func measure(_ arguments: ParsedArguments) throws {
        let name = try arguments.choice("case", ["train64", "train28", "dropout", "nobn-d", "generate", "all", "gemm", "sgemm", "layers", "inception"]) ?? "train64"
        let reps = try arguments.int("repetitions", range: 1...1000) ?? 5
        if name == "gemm" || name == "sgemm" {
            let shapes = name == "gemm" ? GEMMBenchmark.shapes : GEMMBenchmark.shapes.filter { !$0.perThread }
            return benchGEMM(shapes, repetitions: reps, json: arguments.flag("json"))
        }
        let batch = try arguments.int("batch", range: 2...4096)
        if name == "layers" { return benchLayers(batch: batch ?? 64, repetitions: reps) }
        if name == "inception" {
            return benchInception(batch: batch ?? 16, repetitions: reps, json: arguments.flag("json"))
        }
        let names = name == "all" ? ["train64", "train28", "dropout", "nobn-d", "generate"] : [name]
        for n in names {
            let result: StepBenchmark.Result
            switch n {
            case "train28": result = StepBenchmark.training(variant: "reference-baseline", imageSize: 28, batch: batch ?? 64, repetitions: reps)
            case "dropout": result = StepBenchmark.training(variant: "reference-dropout", imageSize: 64, batch: batch ?? 64, repetitions: reps)
            case "nobn-d": result = StepBenchmark.training(variant: "reference-no-batchnorm-d", imageSize: 64, batch: batch ?? 64, repetitions: reps)
            case "generate": result = StepBenchmark.inference(imageSize: 64, batch: batch ?? 256, repetitions: reps)
            default: result = StepBenchmark.training(variant: "reference-baseline", imageSize: 64, batch: batch ?? 64, repetitions: reps)
            }
            let gflops = flopsPerImage[n].map { result.imagesPerSecond * $0 / 1e9 }
            let memory = StepBenchmark.peakMemoryMiB().map { String(format: "  process peak %.0f MiB", $0) } ?? ""
            Console.info(String(format: "%-28@ batch %4d  %8.1f ms/iter  %.0f img/s (best %.0f)", result.name,
                                result.batch, result.medianMilliseconds, result.imagesPerSecond,
                                result.bestImagesPerSecond)
                         + (gflops.map { String(format: "  %.1f GFLOP/s", $0) } ?? "") + memory)
            if arguments.flag("json") {
                let gflopsField = gflops.map { String(format: ", \"gflops\": %.2f", $0) } ?? ""
                Console.info(String(format: "JSON {\"case\": \"%@\", \"ms\": %.3f, \"img_per_s\": %.2f, \"best_ms\": %.3f",
                                    n, result.medianMilliseconds, result.imagesPerSecond, result.bestMilliseconds)
                             + gflopsField + "}")
            }
        }
    }

    /// Images per second of Inception-v3 pool3 features at 299x299 (64 images per timing).
    private static func benchInception(batch: Int, repetitions: Int, json: Bool) {
        let rate = InceptionBenchmark.imagesPerSecond(batchSize: batch, images: 64, repetitions: repetitions)
        let memory = StepBenchmark.peakMemoryMiB().map { String(format: "  process peak %.0f MiB", $0) } ?? ""
        Console.info(String(format: "inception-pool3 299x299      batch %4d  %.2f img/s  %d threads", batch,
                            rate, Engine.threads) + memory)
        if json {
            Console.info(String(format: "JSON {\"case\": \"inception\", \"img_per_s\": %.3f}", rate))
        }
    }

    /// One line per convolution layer: milliseconds and GFLOP/s of each kernel.
    private static func benchLayers(batch: Int, repetitions: Int) {
        Console.info(String(format: "%-16@ %22@ %22@ %22@", "layer (batch \(batch))", "forward",
                            "input gradient", "weight gradient"))
        for layer in ConvolutionBenchmark.layers(batch: batch) {
            let times = ConvolutionBenchmark.milliseconds(layer, repetitions: repetitions)
            let flops = 2 * Double(layer.geometry.multiplyAdds)
            let cells = times.map { String(format: "%7.2f ms %6.1f GF/s", $0, flops / $0 / 1e6) }
            Console.info(String(format: "%-16@ ", layer.name) + cells.joined(separator: " "))
        }
    }

    /// One line per GEMM shape: median and best GFLOP/s of the backend chosen by DCGANLAB_GEMM.
    private static func benchGEMM(_ shapes: [GEMMBenchmark.Shape], repetitions: Int, json: Bool) {
        for shape in shapes {
            let rate = GEMMBenchmark.gflops(shape, repetitions: repetitions)
            let ops = (shape.transposeA ? "T" : "N") + (shape.transposeB ? "T" : "N")
            let size = "\(shape.m)x\(shape.n)x\(shape.k)"
            Console.info(String(format: "gemm %-6@ %-16@ %@  %@  %d threads  %7.1f GFLOP/s (best %.1f)",
                                shape.name, size, ops, GEMM.backend.rawValue, Engine.threads,
                                rate.median, rate.best))
            if json {
                Console.info(String(format: "JSON {\"case\": \"gemm\", \"shape\": \"%@ %@\", \"backend\": \"%@\", "
                                    + "\"threads\": %d, \"gflops\": %.2f, \"best_gflops\": %.2f}", size, ops,
                                    GEMM.backend.rawValue, Engine.threads, rate.median, rate.best))
            }
        }
    }
}
