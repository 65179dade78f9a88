import Foundation
import NeuralNet
import Tensor

/// Times training iterations and generator inference on random data, for `dcgan-lab bench`.
public enum StepBenchmark {
    /// One timed case: the median and the fastest iteration over the repetitions. On a
    /// machine shared with other guests the fastest is the one least disturbed by them.
    public struct Result: Sendable {
        public var name: String
        public var batch: Int
        public var medianMilliseconds: Double
        public var bestMilliseconds: Double
        public var imagesPerSecond: Double { Double(batch) * 1000 / medianMilliseconds }
        public var bestImagesPerSecond: Double { Double(batch) * 1000 / bestMilliseconds }
    }

    /// The reference iteration of `variant` at `imageSize` (nz = 100). The widths are those of
    /// the PyTorch peer's models: ngf = ndf = 32 at 64×64; at 28×28 its generator has 256 and
    /// 128 channels (ngf = 64 here) and its discriminator 64 and 128 (ndf = 32).
    public static func training(variant: String, imageSize: Int, batch: Int, repetitions: Int) -> Result {
        var config = TrainingConfig()
        config.variant = variant
        config.imageSize = imageSize
        config.ngf = imageSize == 28 ? 64 : 32
        config.ndf = 32
        let v = config.variantPreset
        let pair = AdversarialPair(spec: config.modelSpec, procedure: v.procedure, learningRate: 2e-4,
                                   betas: (0.5, 0.999), dropoutStream: RandomStream(seed: 3, purpose: "dropout"))
        var stream = RandomStream(seed: 3)
        pair.initialize(stream: &stream)
        let real = Tensor(uninitialized: [batch, 1, imageSize, imageSize])
        stream.fillUniform(real.buffer, low: -1, high: 1)
        let noise = Sampler.noise(count: batch, nz: config.nz, stream: &stream)
        let ms = time(repetitions) { _ = pair.step(real: real, noise: noise) }
        return Result(name: "train \(variant) \(imageSize)x\(imageSize)", batch: batch,
                      medianMilliseconds: ms.median, bestMilliseconds: ms.best)
    }

    /// Generator forward passes in evaluation mode.
    public static func inference(imageSize: Int, batch: Int, repetitions: Int) -> Result {
        var config = TrainingConfig()
        config.variant = "batchnorm"
        config.imageSize = imageSize
        let generator = Generator(config.modelSpec, dropoutSource: RandomSource(RandomStream(seed: 1)))
        var stream = RandomStream(seed: 4)
        config.modelSpec.initialization.apply(to: generator, stream: &stream)
        let noise = Sampler.noise(count: batch, nz: config.nz, stream: &stream)
        let ms = time(repetitions) { _ = Sampler.generate(generator, noise: noise, batchSize: batch) }
        return Result(name: "generate \(imageSize)x\(imageSize)", batch: batch,
                      medianMilliseconds: ms.median, bestMilliseconds: ms.best)
    }

    /// Median and shortest wall time of `body` in milliseconds, after one warm-up call.
    static func time(_ repetitions: Int, _ body: () -> Void) -> (median: Double, best: Double) {
        body()
        var samples: [Double] = []
        for _ in 0..<max(repetitions, 1) {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        let sorted = samples.sorted()
        return (sorted[sorted.count / 2], sorted[0])
    }

    /// Peak resident memory of this process so far, in MiB (Linux `VmHWM`).
    public static func peakMemoryMiB() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return nil }
        let kb = line.split(separator: " ").compactMap { Double($0) }.first
        return kb.map { $0 / 1024 }
    }
}
