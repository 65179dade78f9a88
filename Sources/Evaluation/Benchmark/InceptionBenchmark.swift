import Foundation
import Tensor

/// Throughput of the FID feature extractor (Inception-v3 pool3 at 299x299) on random weights
/// and random images: the speed, not the values, is what is measured.
public enum InceptionBenchmark {
    /// Median images per second over `repetitions` timings of `images` images each, fed in
    /// batches of `batchSize`, after one warm-up batch.
    public static func imagesPerSecond(batchSize: Int, images: Int, repetitions: Int) -> Double {
        var random = RandomStream(seed: 7, purpose: "inception-bench")
        let network = InceptionV3()
        for (_, entry) in network.namedState() {
            if case .parameter(let p) = entry {
                random.fillUniform(p.value.buffer, low: -0.05, high: 0.05)
            }
        }
        let extractor = InceptionFeatureExtractor(network: network, batchSize: batchSize)
        let side = 299
        var pixels = [Float](repeating: 0, count: images * side * side)
        pixels.withUnsafeMutableBufferPointer { random.fillUniform($0, low: -1, high: 1) }

        _ = extractor.features(images: Array(pixels.prefix(batchSize * side * side)),
                               count: min(batchSize, images), side: side)
        var rates: [Double] = []
        for _ in 0..<repetitions {
            let start = DispatchTime.now().uptimeNanoseconds
            let features = extractor.features(images: pixels, count: images, side: side)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            precondition(features.count == images * 2048, "inception benchmark: \(features.count) features")
            rates.append(Double(images) / seconds)
        }
        return rates.sorted()[rates.count / 2]
    }
}
