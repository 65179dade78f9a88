import Formats
import TestSupport
import XCTest

@testable import Datasets

final class LocatorAndChecksumTests: XCTestCase {
    /// Writes a fake but well-formed set of the four files (raw IDX) with `n` test images.
    private func fakeDataset(in directory: URL, corruptLabel: Bool = false) throws {
        func idx(_ shape: [Int], fill: UInt8) -> [UInt8] {
            var bytes: [UInt8] = [0, 0, 8, UInt8(shape.count)]
            for d in shape { bytes += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: d >> $0) } }
            return bytes + [UInt8](repeating: fill, count: shape.reduce(1, *))
        }
        for file in FashionMNIST.DataFile.allCases {
            let fill: UInt8 = file.expectedShape.count == 1 ? (corruptLabel ? 12 : 3) : 0
            try Data(idx(file.expectedShape, fill: fill))
                .write(to: directory.appendingPathComponent(file.rawValue))
        }
    }

    func testSearchOrderPrefersOptionThenEnvironment() throws {
        let option = SharedData.temporaryDirectory("opt")
        let env = SharedData.temporaryDirectory("env")
        try fakeDataset(in: option)
        try fakeDataset(in: env)
        let environment = ["FASHION_MNIST_DIR": env.path, "XDG_CACHE_HOME": "/tmp/x"]
        XCTAssertEqual(
            DataLocator.find(dataDirectory: option.path, environment: environment)?.source, .option
        )
        let fromEnv = DataLocator.find(dataDirectory: "/nonexistent", environment: environment)
        XCTAssertEqual(fromEnv?.source, .environment)
        XCTAssertEqual(fromEnv?.files[.trainImages]?.lastPathComponent, "train-images-idx3-ubyte")
        let order = DataLocator.candidates(dataDirectory: "/a", environment: environment).map(\.1)
        XCTAssertEqual(order, [.option, .environment, .system, .cache])
        XCTAssertEqual(
            DataLocator.cacheDirectory(environment: environment).path,
            "/tmp/x/dcgan-lab/fashion-mnist")
    }

    /// Files that read but fail their checksum are an error unless the mismatch is allowed.
    func testChecksumMismatchIsAnErrorUnlessAllowed() throws {
        let dir = SharedData.temporaryDirectory("sum")
        try fakeDataset(in: dir)
        let location = try XCTUnwrap(DataLocator.look(in: dir, source: .option))
        XCTAssertThrowsError(try LabelledImages.load(.test, from: location, checksums: .require)) {
            error in
            guard case DatasetError.checksumMismatch(let path, let expected, _) = error else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertTrue(path.hasSuffix("t10k-images-idx3-ubyte"))
            XCTAssertEqual(expected, FashionMNIST.DataFile.testImages.sha256)
        }
        let data = try FashionMNISTData.load(from: location, checksums: .allowMismatch)
        XCTAssertEqual(data.test.count, 10_000)
        XCTAssertEqual(data.checksumMismatches.count, 4)
    }

    func testLabelOutOfRangeIsReported() throws {
        let dir = SharedData.temporaryDirectory("label")
        try fakeDataset(in: dir, corruptLabel: true)
        let location = try XCTUnwrap(DataLocator.look(in: dir, source: .option))
        XCTAssertThrowsError(
            try LabelledImages.load(.test, from: location, checksums: .allowMismatch)
        ) {
            XCTAssertTrue("\($0)".contains("label 12"), "\($0)")
        }
    }

    /// Without network the download fails with a message naming the URL, not a crash.
    func testDownloadFailureIsClear() {
        XCTAssertThrowsError(
            try Downloader.fetch("http://127.0.0.1:9/x.gz", label: "x") { _, _, _ in }
        ) {
            XCTAssertTrue("\($0)".contains("127.0.0.1:9/x.gz"), "\($0)")
        }
    }
}
