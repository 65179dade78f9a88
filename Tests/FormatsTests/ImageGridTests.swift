import TestSupport
import XCTest

@testable import Formats

final class ImageGridTests: XCTestCase {
    /// Parity with torchvision make_grid(nrow=4, padding=2, normalize=True) + save_image
    /// (case `image_grid`): 10 gray 8x8 images into a 3x32x42 grid of equal channels, within
    /// the manifest's 1 level (with torchvision's float32 steps every byte matches). The
    /// comparison is the parity suite's own checker for the case.
    func testMatchesTorchvisionReference() throws {
        let result = ParityRunner.run(try SharedData.pytorchReferenceCase("image_grid"))
        XCTAssertEqual(result.status, .passed, result.detail)
    }

    /// Layout and scaling by hand: two 1x2 images, one row, padding 1, range [-1, 1].
    func testLayoutAndValueRange() {
        let grid = ImageGrid.make(
            [-1, 1, 0, 3], count: 2, channels: 1, height: 1, width: 2, nrow: 2, padding: 1,
            valueRange: -1...1)
        XCTAssertEqual(grid.width, 7)
        XCTAssertEqual(grid.height, 3)
        XCTAssertEqual(grid.pixels[7..<14], [0, 0, 255, 0, 128, 255, 0])
        XCTAssertEqual(grid.pixels[0..<7], [0, 0, 0, 0, 0, 0, 0])
    }

    func testRGBImagesStayRGBAndSingleImageHasNoPadding() {
        let rgb = ImageGrid.make(
            [0, 1, 0.5], count: 1, channels: 3, height: 1, width: 1, normalize: false)
        XCTAssertEqual(rgb.channels, 3)
        XCTAssertEqual(rgb.pixels, [0, 255, 128])
        let nan = ImageGrid.make(
            [.nan, 0.5], count: 2, channels: 1, height: 1, width: 1, normalize: false)
        XCTAssertEqual(nan.width, 8)  // 2 cells of 1 + 2 padding, plus the closing padding
        XCTAssertEqual(nan[2, 2, 0], 0, "NaN is drawn black")
        XCTAssertEqual(nan[5, 2, 0], 128)
    }
}
