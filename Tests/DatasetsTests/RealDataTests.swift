import Foundation
import XCTest

@testable import Datasets

/// Checks on the real Fashion-MNIST, run when it is installed (CI installs Debian's package).
final class RealDataTests: XCTestCase {
    func testCountsChecksumsAndTrainMean() throws {
        guard let location = DataLocator.look(in: DataLocator.systemDirectory, source: .system)
        else {
            throw XCTSkip("Fashion-MNIST is not installed in \(DataLocator.systemDirectory.path)")
        }
        let start = Date()
        let data = try FashionMNISTData.load(from: location, checksums: .require)
        let seconds = Date().timeIntervalSince(start)
        print("loaded and verified 70,000 images in \(String(format: "%.3f", seconds)) s")

        XCTAssertEqual(data.train.count, 60_000)
        XCTAssertEqual(data.test.count, 10_000)
        XCTAssertTrue(data.checksumMismatches.isEmpty)
        let mean =
            Double(data.train.pixels.reduce(0) { $0 + Int($1) }) / Double(data.train.pixels.count)
        XCTAssertEqual(mean, 72.94, accuracy: 0.005, "train pixel mean on the 0..255 scale")

        let resizeStart = Date()
        let images = try TrainingImages(data.train, side: 64)
        print(
            "resized 60,000 images to 64x64 in "
                + String(format: "%.3f s", Date().timeIntervalSince(resizeStart)))
        XCTAssertEqual(images.pixels.count, 60_000 * 64 * 64)
    }
}
