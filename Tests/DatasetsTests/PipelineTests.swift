import Tensor
import XCTest

@testable import Datasets

final class PipelineTests: XCTestCase {
    /// 50 tiny images: image i has every pixel = i, label i % 10.
    private func sample() -> LabelledImages {
        let n = 50
        let size = LabelledImages.imageBytes
        var pixels = [UInt8](repeating: 0, count: n * size)
        for i in 0..<n { for p in 0..<size { pixels[i * size + p] = UInt8(i) } }
        return LabelledImages(
            split: .train, pixels: pixels, labels: (0..<n).map { UInt8($0 % 10) },
            imagesSHA256: "", labelsSHA256: "")
    }

    func testFirstNAndNormalisationAndBatchCopy() throws {
        let images = try TrainingImages(sample(), subset: .first(5), side: 28)
        XCTAssertEqual(images.count, 5)
        XCTAssertEqual(images.sourceIndices, [0, 1, 2, 3, 4])
        var buffer = [Float](repeating: 9, count: 2 * 784)
        buffer.withUnsafeMutableBufferPointer { images.copyBatch([4, 0], into: $0.baseAddress!) }
        XCTAssertEqual(buffer[0], (4 / 255 - 0.5) / 0.5)
        XCTAssertEqual(buffer[784], -1)
        XCTAssertEqual(TrainingImages.levels[255], 1)
        XCTAssertThrowsError(try TrainingImages(sample(), subset: .first(51)))
    }

    func testStratifiedSubsetIsBalancedSeededAndSorted() throws {
        let a = try TrainingImages(sample(), subset: .stratified(23, seed: 7), side: 28)
        let b = try TrainingImages(sample(), subset: .stratified(23, seed: 7), side: 28)
        let c = try TrainingImages(sample(), subset: .stratified(23, seed: 8), side: 28)
        XCTAssertEqual(a.sourceIndices, b.sourceIndices)
        XCTAssertNotEqual(a.sourceIndices, c.sourceIndices)
        XCTAssertEqual(a.sourceIndices, a.sourceIndices.sorted())
        let perClass = (0..<10).map { k in a.labels.filter { $0 == k }.count }
        XCTAssertEqual(perClass, [3, 3, 3, 2, 2, 2, 2, 2, 2, 2])
        XCTAssertThrowsError(try TrainingImages(sample(), subset: .stratified(70, seed: 1)))
    }

    func testSamplerKeepsOrDropsLastPartialBatch() {
        var stream = RandomStream(seed: 1, purpose: "data-order")
        let keep = BatchSampler(count: 10, batchSize: 4)
        let batches = keep.epoch(using: &stream)
        XCTAssertEqual(batches.map(\.count), [4, 4, 2])
        XCTAssertEqual(batches.flatMap { $0 }.sorted(), Array(0..<10))
        let drop = BatchSampler(count: 10, batchSize: 4, dropLast: true)
        XCTAssertEqual(drop.epoch(using: &stream).map(\.count), [4, 4])
        XCTAssertEqual(drop.batchesPerEpoch, 2)
    }

    /// The order depends only on the stream's state: a restored stream replays it.
    func testEpochOrderReplaysFromSavedStreamState() {
        var stream = RandomStream(seed: 3, purpose: "data-order")
        let sampler = BatchSampler(count: 100, batchSize: 16)
        _ = sampler.epoch(using: &stream)
        var restored = RandomStream(state: stream.stateWords)
        let next = sampler.epoch(using: &stream).map(Array.init)
        XCTAssertEqual(sampler.epoch(using: &restored).map(Array.init), next)
        XCTAssertNotEqual(next.flatMap { $0 }, Array(0..<100))
    }
}
