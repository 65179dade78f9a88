import Foundation
import GAN
import Tensor

/// `dcgan-lab bench`: images per second and GFLOP/s of training and generation.
enum BenchCommand: Command {
    /// Forward + backward FLOPs of one 64x64 reference training image (ngf = ndf = 32).
    static let flopsPerImage64 = 616e6

    static let spec = CommandSpec(
        name: "bench",
        summary: "Time the reference training step and generator inference on random data.",
        options: [
            OptionSpec(name: "case", valueName: "NAME",
                       help: "train64 (default), train28, dropout, nobn-d, generate, all, or gemm (GFLOP/s of sgemm on the conv shapes)"),
            OptionSpec(name: "batch", valueName: "N", help: "batch size (default 64; 256 for generate)"),
            OptionSpec(name: "repetitions", valueName: "N", help: "timed repetitions, median reported (default 5)"),
            OptionSpec(name: "json", valueName: nil, help: "also print one JSON line per case"),
            ThreadOption.spec,
        ])

    static func run(_ arguments: ParsedArguments) throws {
        try ThreadOption.apply(arguments)
        let name = try arguments.choice("case", ["train64", "train28", "dropout", "nobn-d", "generate", "all", "gemm"]) ?? "train64"
        let reps = try arguments.int("repetitions", range: 1...1000) ?? 5
        if name == "gemm" { return benchGEMM(repetitions: reps, json: arguments.flag("json")) }
        let batch = try arguments.int("batch", range: 2...4096)
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
            let gflops = n == "train64" ? String(format: "  %.1f GFLOP/s", result.imagesPerSecond * flopsPerImage64 / 1e9) : ""
            let memory = StepBenchmark.peakMemoryMiB().map { String(format: "  peak %.0f MiB", $0) } ?? ""
            Console.info(String(format: "%-28@ batch %4d  %8.1f ms/iter  %.0f img/s", result.name, result.batch,
                                result.medianMilliseconds, result.imagesPerSecond) + gflops + memory)
            if arguments.flag("json") {
                Console.info(String(format: "JSON {\"case\": \"%@\", \"ms\": %.3f, \"img_per_s\": %.2f}", n,
                                    result.medianMilliseconds, result.imagesPerSecond))
            }
        }
    }

    /// One line per GEMM shape: GFLOP/s of the backend chosen by DCGANLAB_GEMM.
    private static func benchGEMM(repetitions: Int, json: Bool) {
        for shape in GEMMBenchmark.shapes {
            let rate = GEMMBenchmark.gflops(shape, repetitions: repetitions)
            let ops = (shape.transposeA ? "T" : "N") + (shape.transposeB ? "T" : "N")
            let size = "\(shape.m)x\(shape.n)x\(shape.k)"
            Console.info(String(format: "gemm %-6@ %-16@ %@  %@  %d threads  %7.1f GFLOP/s", shape.name, size,
                                ops, GEMM.backend.rawValue, Engine.threads, rate))
            if json {
                Console.info(String(format: "JSON {\"case\": \"gemm\", \"shape\": \"%@ %@\", \"backend\": \"%@\", "
                                    + "\"threads\": %d, \"gflops\": %.2f}", size, ops, GEMM.backend.rawValue,
                                    Engine.threads, rate))
            }
        }
    }
}
