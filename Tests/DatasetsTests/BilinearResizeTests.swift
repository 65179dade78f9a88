import TestSupport
import XCTest

@testable import Datasets

final class BilinearResizeTests: XCTestCase {
    /// Parity with Pillow (case `resize_fashion_to_64`): four Fashion-MNIST images resized
    /// 28 -> 64 must match `pil_bilinear_u8` within 1 level (the manifest's tolerance; in fact
    /// every byte is equal), and the normalised floats within 1e-5. The comparison is the
    /// parity suite's own checker for the case.
    func testMatchesPillowBilinearAndNormalisation() throws {
        let result = ParityRunner.run(try SharedData.pytorchReferenceCase("resize_fashion_to_64"))
        XCTAssertEqual(result.status, .passed, result.detail)
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
