import Formats
import Foundation
import GAN
import NeuralNet
import Tensor

/// `dcgan-lab sample`: images from a trained generator.
enum SampleCommand: Command {
    static let spec = CommandSpec(
        name: "sample",
        summary: "Generate images from a checkpoint or generator file: PNGs, a grid, raw outputs.",
        options: generatorFileSpecs + [
            OptionSpec(name: "count", valueName: "N", help: "images to generate (default 64)"),
            OptionSpec(name: "seed", valueName: "S", help: "seed of the latent noise (default 1)"),
            OptionSpec(name: "noise", valueName: "FILE", help: "latent vectors: safetensors tensor 'noise' [N, nz, 1, 1]"),
            OptionSpec(name: "raw", valueName: "FILE", help: "also write the raw outputs as safetensors tensor 'images'"),
            OptionSpec(name: "interpolate", valueName: nil, help: "also write a latent interpolation strip"),
            OptionSpec(name: "out", valueName: "DIR", help: "output directory (default samples-out)"),
            ThreadOption.spec,
        ])

    static func run(_ arguments: ParsedArguments) throws {
        try ThreadOption.apply(arguments)
        guard let file = arguments.string("checkpoint") else { throw UsageError("'sample' needs --checkpoint FILE") }
        let checkpoint = URL(fileURLWithPath: file)
        let config = try runConfig(arguments, checkpoint: checkpoint)
        let generator = Generator(config.modelSpec, dropoutSource: RandomSource(RandomStream(seed: 0)))
        try Checkpoint.loadGenerator(checkpoint, into: generator)
        let out = URL(fileURLWithPath: arguments.string("out") ?? "samples-out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)

        let noise = try latentNoise(arguments, nz: config.nz)
        let images = Sampler.generate(generator, noise: noise)
        let n = images.shape[0], side = images.shape[2]
        for i in 0..<n {
            let one = Tensor(uninitialized: [1, 1, side, side])
            one.data.update(from: images.data + i * side * side, count: side * side)
            // Single images are mapped from [-1, 1] to bytes, not min-max stretched.
            let image = ImageGrid.make(one.values, count: 1, channels: 1, height: side, width: side, valueRange: -1...1)
            try PNGEncoder.write(image, to: out.appendingPathComponent(String(format: "sample-%04d.png", i)))
        }
        try Sampler.writeGrid(images, to: out.appendingPathComponent("grid.png"))
        if let raw = arguments.string("raw") {
            try SafeTensors.write(["images": StoredTensor(shape: images.shape, floats: images.values)], to: URL(fileURLWithPath: raw))
        }
        if arguments.flag("interpolate") {
            try writeInterpolation(generator, nz: config.nz, seed: UInt64(try arguments.int("seed", range: 0...Int.max) ?? 1),
                                   to: out.appendingPathComponent("interpolation.png"))
        }
        Console.info("wrote \(n) images and grid.png to \(out.path)")
    }

    /// The options naming a trained generator, shared with `evaluate`.
    static let generatorFileSpecs = [
        OptionSpec(name: "checkpoint", valueName: "FILE", help: "checkpoint or generator.safetensors (required)"),
        OptionSpec(name: "config", valueName: "FILE", help: "the run's config.json (default: found beside the file)"),
    ]

    static func runConfig(_ arguments: ParsedArguments, checkpoint: URL) throws -> TrainingConfig {
        let candidates = [arguments.string("config").map { URL(fileURLWithPath: $0) },
                          checkpoint.deletingLastPathComponent().appendingPathComponent("config.json"),
                          checkpoint.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("config.json")]
        for case let url? in candidates where FileManager.default.fileExists(atPath: url.path) {
            return try TrainingConfig.load(url)
        }
        throw UsageError("no config.json beside \(checkpoint.path); pass --config with the run's config.json")
    }

    static func latentNoise(_ arguments: ParsedArguments, nz: Int) throws -> Tensor {
        if let file = arguments.string("noise") {
            let url = URL(fileURLWithPath: file)
            guard let t = try SafeTensors.read(url).tensors["noise"] else {
                throw FileFormatError(path: file, problem: "has no tensor named 'noise'", hint: "Store latents as 'noise' [N, nz, 1, 1]")
            }
            guard t.shape.count == 4, t.shape[1] == nz, t.shape[2] == 1, t.shape[3] == 1 else {
                throw FileFormatError(path: file, problem: "'noise' has shape \(t.shape), expected [N, \(nz), 1, 1]")
            }
            return Tensor(shape: t.shape, values: t.floats())
        }
        var stream = RandomStream(seed: UInt64(try arguments.int("seed", range: 0...Int.max) ?? 1), purpose: "sample")
        return Sampler.noise(count: try arguments.int("count", range: 1...100_000) ?? 64, nz: nz, stream: &stream)
    }

    /// Eight rows, each a straight line between two random latents in ten steps.
    static func writeInterpolation(_ generator: Generator, nz: Int, seed: UInt64, to url: URL) throws {
        var stream = RandomStream(seed: seed, purpose: "interpolation")
        let ends = Sampler.noise(count: 16, nz: nz, stream: &stream)
        let steps = 10
        let z = Tensor(uninitialized: [8 * steps, nz, 1, 1])
        for row in 0..<8 {
            for s in 0..<steps {
                let t = Float(s) / Float(steps - 1)
                for k in 0..<nz {
                    let a = ends.data[(2 * row) * nz + k], b = ends.data[(2 * row + 1) * nz + k]
                    z.data[(row * steps + s) * nz + k] = (1 - t) * a + t * b
                }
            }
        }
        try Sampler.writeGrid(Sampler.generate(generator, noise: z), to: url, columns: steps)
    }
}
