import TestSupport
import XCTest

@testable import Formats

final class PNGTests: XCTestCase {
    /// A textured image so every filter type gets chosen for some row.
    private func image(channels: Int, width: Int = 37, height: Int = 23) -> PixelImage {
        var pixels: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<channels {
                    let value = y % 4 == 0 ? (x * 7 + c * 50) : (x * x + y * 3 + c * 11) ^ (y * 13)
                    pixels.append(UInt8(truncatingIfNeeded: value))
                }
            }
        }
        return PixelImage(width: width, height: height, channels: channels, pixels: pixels)
    }

    func testRoundTripForEveryChannelCount() throws {
        for channels in 1...4 {
            let original = image(channels: channels)
            let decoded = try PNGDecoder.decode(PNGEncoder.encode(original), path: "mem")
            XCTAssertEqual(decoded, original, "channels \(channels)")
        }
    }

    func testWriteAndReadFile() throws {
        let url = SharedData.temporaryDirectory("png").appendingPathComponent("a.png")
        let original = image(channels: 3, width: 64, height: 64)
        try PNGEncoder.write(original, to: url)
        XCTAssertEqual(try PNGDecoder.read(url), original)
    }

    /// Every row filter decodes to the same pixels: rows encoded by hand with each type.
    func testDecodesAllFiveFilterTypes() throws {
        let source = image(channels: 3, width: 9, height: 5)
        let stride = 27
        var filtered: [UInt8] = []
        var row = [UInt8](repeating: 0, count: stride)
        for y in 0..<5 {
            let filter = PNGFilter(rawValue: UInt8(y))!
            let previous = y > 0 ? source.pixels[((y - 1) * stride)..<(y * stride)] : nil
            filter.apply(
                row: source.pixels[(y * stride)..<((y + 1) * stride)],
                previous: previous, bpp: 3, into: &row)
            filtered += [UInt8(y)] + row
        }
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        bytes += chunk("IHDR", [0, 0, 0, 9, 0, 0, 0, 5, 8, 2, 0, 0, 0])
        bytes += chunk("IDAT", Zlib.deflate(filtered)) + chunk("IEND", [])
        XCTAssertEqual(try PNGDecoder.decode(bytes, path: "filters"), source)
    }

    func testDamagedFilesGiveErrors() throws {
        let bytes = PNGEncoder.encode(image(channels: 1))
        XCTAssertThrowsError(try PNGDecoder.decode(Array(bytes.prefix(40)), path: "cut"))
        var flipped = bytes
        flipped[40] ^= 0xff
        XCTAssertThrowsError(try PNGDecoder.decode(flipped, path: "crc")) { error in
            XCTAssertTrue((error as! FileFormatError).problem.contains("CRC"))
        }
        XCTAssertThrowsError(try PNGDecoder.decode(Array("GIF89a..".utf8), path: "gif"))
    }

    private func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        let crc = body.withUnsafeBytes { Zlib.crc32($0) }
        return bigEndian(UInt32(data.count)) + body + bigEndian(crc)
    }

    private func bigEndian(_ v: UInt32) -> [UInt8] {
        [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: v >> UInt32($0)) }
    }
}
