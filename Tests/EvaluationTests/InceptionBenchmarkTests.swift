import Evaluation
import Foundation
import Tensor
import TestSupport
import XCTest

/// Throughput of the Inception feature extractor at 299x299 on random weights. Runs only
/// with DCGANLAB_BENCH=1 (it takes about a minute); prints images per second.
final class InceptionBenchmarkTests: XCTestCase {
    func testImagesPerSecond() throws {
        let environment = ProcessInfo.processInfo.environment
        guard environment["DCGANLAB_BENCH"] == "1" else { throw XCTSkip("set DCGANLAB_BENCH=1") }
        let threads = Int(environment["DCGANLAB_THREADS"] ?? "") ?? 2
        let batchSize = Int(environment["DCGANLAB_BATCH"] ?? "") ?? 16
        let count = Int(environment["DCGANLAB_IMAGES"] ?? "") ?? 64
        Engine.setThreads(threads)

        var random = RandomStream(seed: 7, purpose: "inception-bench")
        let network = InceptionV3()
        for (_, entry) in network.namedState() {
            if case .parameter(let p) = entry {
                random.fillUniform(p.value.buffer, low: -0.05, high: 0.05)
            }
        }
        let extractor = InceptionFeatureExtractor(network: network, batchSize: batchSize)
        var pixels = [Float](repeating: 0, count: count * 299 * 299)
        pixels.withUnsafeMutableBufferPointer { random.fillUniform($0, low: -1, high: 1) }

        _ = extractor.features(images: Array(pixels.prefix(299 * 299)), count: 1, side: 299)
        let start = Date()
        let features = extractor.features(images: pixels, count: count, side: 299)
        let seconds = Date().timeIntervalSince(start)

        XCTAssertEqual(features.count, count * 2048)
        XCTAssertTrue(features.allSatisfy(\.isFinite), "non-finite features")
        print(
            String(
                format: "inception-pool3: %d images in %.2f s, %.2f img/s (threads %d, batch %d)",
                count, seconds, Double(count) / seconds, threads, batchSize),
            "GEMM: \(GEMM.backend.rawValue), BLAS kernels: \(BLASBackend.coreName)")
    }
}
