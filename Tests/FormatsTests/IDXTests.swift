import TestSupport
import XCTest

@testable import Formats

final class IDXTests: XCTestCase {
    /// A 3x2x2 uint8 IDX file with elements 0, 1, 2, ...
    private func sample(count: Int = 3) -> [UInt8] {
        [0, 0, 0x08, 3, 0, 0, 0, UInt8(count), 0, 0, 0, 2, 0, 0, 0, 2]
            + (0..<(count * 4)).map { UInt8($0) }
    }

    private func write(_ bytes: [UInt8], name: String) throws -> URL {
        let url = SharedData.temporaryDirectory("idx").appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    private func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        // A minimal gzip member: header, raw deflate, CRC-32 and size trailer.
        let zlibStream = Zlib.deflate(bytes)
        let deflate = Array(zlibStream[2..<(zlibStream.count - 4)])
        let crc = bytes.withUnsafeBytes { Zlib.crc32($0) }
        var out: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255] + deflate
        for v in [crc, UInt32(bytes.count)] {
            for shift in [0, 8, 16, 24] {
                out.append(UInt8(truncatingIfNeeded: v >> UInt32(shift)))
            }
        }
        return out
    }

    func testReadsRawFile() throws {
        let array = try IDXReader.read(write(sample(), name: "x-idx3-ubyte"))
        XCTAssertEqual(array.elementType, .uint8)
        XCTAssertEqual(array.shape, [3, 2, 2])
        XCTAssertEqual(array.bytes, (0..<12).map { UInt8($0) })
        XCTAssertEqual(array.content, sample())
    }

    func testReadsGzipFileAndKeepsUncompressedContent() throws {
        let array = try IDXReader.read(write(gzip(sample()), name: "x-idx3-ubyte.gz"))
        XCTAssertEqual(array.shape, [3, 2, 2])
        XCTAssertEqual(array.bytes, (0..<12).map { UInt8($0) })
        XCTAssertEqual(SHA256.hexDigest(array.content), SHA256.hexDigest(sample()))
    }

    func testTruncatedRawFileNamesFileAndSizes() throws {
        let url = try write(Array(sample().dropLast(5)), name: "short-idx3-ubyte")
        XCTAssertThrowsError(try IDXReader.read(url)) { error in
            let e = error as! FileFormatError
            XCTAssertEqual(e.path, url.path)
            XCTAssertTrue(e.problem.contains("holds 23 bytes"), e.problem)
            XCTAssertTrue(e.problem.contains("truncated"), e.problem)
        }
    }

    func testTruncatedGzipFileIsAnErrorNotACrash() throws {
        let compressed = try gzip(sample())
        let url = try write(Array(compressed.prefix(compressed.count / 2)), name: "cut.gz")
        XCTAssertThrowsError(try IDXReader.read(url)) { error in
            let e = error as! FileFormatError
            XCTAssertTrue(e.problem.contains("gzip"), e.problem)
        }
    }

    func testCorruptGzipDataIsReported() throws {
        var compressed = try gzip(sample())
        for i in 10..<min(20, compressed.count - 8) { compressed[i] ^= 0xA5 }
        let url = try write(compressed, name: "corrupt.gz")
        XCTAssertThrowsError(try IDXReader.read(url)) { error in
            XCTAssertTrue((error as! FileFormatError).problem.contains("gzip"))
        }
    }

    func testWrongMagicIsRejected() throws {
        var bytes = sample()
        bytes[0] = 0x50  // e.g. an HTML error page saved under the IDX name
        XCTAssertThrowsError(try IDXReader.read(write(bytes, name: "page.html"))) { error in
            XCTAssertTrue((error as! FileFormatError).problem.contains("magic"))
        }
        bytes = sample()
        bytes[2] = 0x07
        XCTAssertThrowsError(try IDXReader.decode(bytes, path: "t")) { error in
            XCTAssertTrue((error as! FileFormatError).problem.contains("element type 0x07"))
        }
    }

    /// A header that declares more items than the file holds (or fewer) is caught.
    func testWrongCountIsRejected() throws {
        var bytes = sample()
        bytes[7] = 4
        XCTAssertThrowsError(try IDXReader.decode(bytes, path: "four")) { error in
            XCTAssertTrue((error as! FileFormatError).problem.contains("4x2x2"))
        }
        bytes[7] = 2
        XCTAssertThrowsError(try IDXReader.decode(bytes, path: "two")) { error in
            XCTAssertTrue((error as! FileFormatError).problem.contains("extra bytes"))
        }
    }

    func testMissingFileAndTinyFile() throws {
        XCTAssertThrowsError(try IDXReader.read(URL(fileURLWithPath: "/nonexistent/x.gz")))
        XCTAssertThrowsError(try IDXReader.decode([0, 0], path: "tiny"))
        XCTAssertThrowsError(try IDXReader.decode([0, 0, 8, 3, 0], path: "header"))
    }
}
