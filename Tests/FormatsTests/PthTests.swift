import Foundation
import TestSupport
import XCTest

@testable import Formats

final class PthTests: XCTestCase {
    private let directory = SharedData.reference("pth")

    /// Every tensor of each `.pth` equals the expected safetensors copy bit for bit.
    func testCheckpointsMatchExpectedTensors() throws {
        let pairs = [
            ("state_dict_zip.pth", "state_dict_expected.safetensors"),
            ("state_dict_legacy.pth", "state_dict_expected.safetensors"),
            ("views_zip.pth", "views_expected.safetensors"),
            ("views_legacy.pth", "views_expected.safetensors"),
        ]
        for (file, expectedFile) in pairs {
            let tensors = try PyTorchCheckpoint.read(directory.appendingPathComponent(file))
            let expected = try SafeTensors.read(directory.appendingPathComponent(expectedFile))
            XCTAssertEqual(tensors.keys.sorted(), expected.tensors.keys.sorted(), file)
            for (name, want) in expected.tensors {
                let got = tensors[name]
                XCTAssertEqual(got?.dtype, want.dtype, "\(file) \(name) dtype")
                XCTAssertEqual(got?.shape, want.shape, "\(file) \(name) shape")
                // Exact: the reader only copies bytes, it never converts them.
                XCTAssertEqual(got?.bytes, want.bytes, "\(file) \(name) bytes")
            }
        }
    }

    /// `num_batches_tracked` stays int64, as PyTorch stores it.
    func testIntegerBuffersKeepTheirType() throws {
        let tensors = try PyTorchCheckpoint.read(
            directory.appendingPathComponent("state_dict_legacy.pth"))
        let counters = tensors.filter { $0.key.hasSuffix("num_batches_tracked") }
        XCTAssertFalse(counters.isEmpty)
        XCTAssertTrue(counters.values.allSatisfy { $0.dtype == .i64 && $0.shape == [] })
    }

    /// Every prefix of a valid file is rejected with a `FileFormatError`, never a crash.
    func testTruncatedFilesGiveFileFormatErrors() throws {
        for file in ["state_dict_zip.pth", "state_dict_legacy.pth", "views_legacy.pth"] {
            let bytes = [UInt8](try Data(contentsOf: directory.appendingPathComponent(file)))
            for length in stride(from: 0, to: bytes.count, by: 7) {
                XCTAssertThrowsError(
                    try PyTorchCheckpoint.decode(Array(bytes[..<length]), path: file),
                    "\(file) cut at \(length) bytes"
                ) { error in
                    XCTAssertTrue(error is FileFormatError, "\(file) cut at \(length): \(error)")
                }
            }
        }
    }

    /// Files that are not checkpoints say so.
    func testForeignFilesAreRejected() throws {
        let cases: [[UInt8]] = [Array("hello, world".utf8), [0x80, 0x02, 0x4b, 0x01, 0x2e], []]
        for bytes in cases {
            XCTAssertThrowsError(try PyTorchCheckpoint.decode(bytes, path: "x.pth")) { error in
                XCTAssertEqual((error as? FileFormatError)?.path, "x.pth")
            }
        }
    }

    /// A missing file names itself.
    func testMissingFileIsReported() {
        let url = URL(fileURLWithPath: "/nonexistent/weights.pth")
        XCTAssertThrowsError(try PyTorchCheckpoint.read(url)) { error in
            XCTAssertEqual((error as? FileFormatError)?.path, url.path)
        }
    }
}

extension PthTests {
    /// Seeded single-byte corruptions anywhere in the files: each read either succeeds (a
    /// changed data byte) or throws a `FileFormatError`; none may crash.
    func testCorruptedBytesNeverCrash() throws {
        var state: UInt64 = 0x5eed
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        for file in ["state_dict_zip.pth", "state_dict_legacy.pth", "views_zip.pth"] {
            let original = [UInt8](try Data(contentsOf: directory.appendingPathComponent(file)))
            for _ in 0..<300 {
                var bytes = original
                bytes[next() % bytes.count] = UInt8(next() % 256)
                do {
                    _ = try PyTorchCheckpoint.decode(bytes, path: file)
                } catch {
                    XCTAssertTrue(error is FileFormatError, "\(file): \(error)")
                }
            }
        }
    }
}
