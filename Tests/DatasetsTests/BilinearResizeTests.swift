import Formats
import TestSupport
import XCTest

@testable import Datasets

final class BilinearResizeTests: XCTestCase {
    /// Parity with Pillow (case `resize_fashion_to_64`): four Fashion-MNIST images resized
    /// 28 -> 64 must match `pil_bilinear_u8` within 1 level (the manifest's tolerance; in fact
    /// every byte is equal), and the normalised floats within 1e-5.
    func testMatchesPillowBilinearAndNormalisation() throws {
        let url = SharedData.pytorchReferenceDirectory.appendingPathComponent("cases.safetensors")
        let tensors = try SafeTensors.read(url).tensors
        let input = try XCTUnwrap(tensors["resize_fashion_to_64/input_u8"])
        let expected = try XCTUnwrap(tensors["resize_fashion_to_64/pil_bilinear_u8"])
        let normalized = try XCTUnwrap(tensors["resize_fashion_to_64/normalized"])
        let count = input.shape[0]

        let labelled = LabelledImages(
            split: .test, pixels: input.bytes, labels: [UInt8](repeating: 0, count: count),
            imagesSHA256: "", labelsSHA256: "")
        let images = try TrainingImages(labelled, side: 64)
        let worst = zip(images.pixels, expected.bytes).map { abs(Int($0) - Int($1)) }.max()!
        XCTAssertLessThanOrEqual(worst, 1, "worst difference \(worst) u8, tolerance 1")

        let floats = images.normalizedPixels()
        XCTAssertNil(
            mismatch(
                "normalized", expected: normalized.floats(), observed: floats, abs: 1e-5, rel: 0))
    }

    func testIdentityAndConstantImages() {
        let resize = BilinearResize(from: 4, to: 4)
        let source: [UInt8] = Array(0..<16).map { UInt8($0 * 16) }
        var target = [UInt8](repeating: 0, count: 16)
        var scratch = [UInt8](repeating: 0, count: 16)
        resize.resize(source, into: &target, scratch: &scratch)
        XCTAssertEqual(target, source)

        let up = BilinearResize(from: 3, to: 7)
        var big = [UInt8](repeating: 0, count: 49)
        var mid = [UInt8](repeating: 0, count: 21)
        up.resize([UInt8](repeating: 200, count: 9), into: &big, scratch: &mid)
        XCTAssertEqual(Set(big), [200])
    }
}
