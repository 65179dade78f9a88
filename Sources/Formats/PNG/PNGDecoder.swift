import Foundation

/// Reads 8-bit, non-interlaced PNG files (gray, gray+alpha, RGB, RGBA) with any of the five
/// row filters. Other bit depths, palettes and interlacing are refused with a clear error.
public enum PNGDecoder {
    /// Reads a PNG file.
    public static func read(_ url: URL) throws -> PixelImage {
        let data = try FileFormatError.contents(of: url)
        return try decode([UInt8](data), path: url.path)
    }

    /// Decodes PNG bytes; `path` only labels errors. Checks every chunk's CRC.
    public static func decode(_ bytes: [UInt8], path: String) throws -> PixelImage {
        func fail(_ problem: String, _ hint: String = "The file is damaged; recreate it")
            -> FileFormatError
        {
            FileFormatError(path: path, problem: problem, hint: hint)
        }
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard bytes.count >= 8, Array(bytes[0..<8]) == signature else {
            throw fail("is not a PNG file (missing PNG signature)", "")
        }

        var header: (width: Int, height: Int, channels: Int)?
        var compressed: [UInt8] = []
        var offset = 8
        var sawEnd = false
        while !sawEnd {
            guard offset + 12 <= bytes.count else {
                throw fail("ends before its IEND chunk (truncated?)")
            }
            let length = Int(readBigEndian(bytes, offset))
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            guard length <= bytes.count - offset - 12 else {
                throw fail("chunk \(type) at byte \(offset) runs past the end (truncated?)")
            }
            let body = bytes[(offset + 8)..<(offset + 8 + length)]
            let storedCRC = readBigEndian(bytes, offset + 8 + length)
            let crc = bytes[(offset + 4)..<(offset + 8 + length)].withUnsafeBytes {
                Zlib.crc32($0)
            }
            guard crc == storedCRC else {
                throw fail("chunk \(type) at byte \(offset) fails its CRC")
            }

            switch type {
            case "IHDR": header = try parseHeader(Array(body), fail: fail)
            case "IDAT": compressed += body
            case "IEND": sawEnd = true
            default: break  // ancillary chunks (text, gamma, ...) carry nothing we need
            }
            offset += 12 + length
        }
        guard let header else { throw fail("has no IHDR chunk") }
        return try unfilter(compressed, header: header, fail: fail)
    }

    private static func parseHeader(_ body: [UInt8], fail: (String, String) -> FileFormatError)
        throws -> (width: Int, height: Int, channels: Int)
    {
        let unsupported = "Save it as 8-bit gray, RGB or RGBA without interlacing"
        guard body.count == 13 else {
            throw fail("has a \(body.count)-byte IHDR (13 expected)", "")
        }
        let width = Int(readBigEndian(body, 0))
        let height = Int(readBigEndian(body, 4))
        guard width > 0, height > 0 else { throw fail("declares size \(width)x\(height)", "") }
        guard body[8] == 8 else {
            throw fail("has bit depth \(body[8]); only 8 is read", unsupported)
        }
        guard let channels = [0: 1, 4: 2, 2: 3, 6: 4][body[9]] else {
            throw fail("has colour type \(body[9]) (palette or unknown)", unsupported)
        }
        guard body[12] == 0 else { throw fail("is interlaced", unsupported) }
        return (width, height, channels)
    }

    private static func unfilter(
        _ compressed: [UInt8], header: (width: Int, height: Int, channels: Int),
        fail: (String, String) -> FileFormatError
    ) throws -> PixelImage {
        let stride = header.width * header.channels
        let expected = (stride + 1) * header.height
        let raw: [UInt8]
        do {
            raw = try compressed.withUnsafeBytes {
                try Zlib.inflate($0, wrapper: .zlib, sizeHint: expected)
            }
        } catch let failure as Zlib.Failure {
            throw fail("image data: \(failure.description)", "The file is damaged; recreate it")
        }
        guard raw.count == expected else {
            throw fail("holds \(raw.count) bytes of image data, \(expected) expected", "")
        }

        var pixels = [UInt8](repeating: 0, count: stride * header.height)
        for y in 0..<header.height {
            guard let filter = PNGFilter(rawValue: raw[y * (stride + 1)]) else {
                throw fail("row \(y) has unknown filter type \(raw[y * (stride + 1)])", "")
            }
            let source = y * (stride + 1) + 1
            pixels.replaceSubrange(
                (y * stride)..<((y + 1) * stride), with: raw[source..<(source + stride)])
            filter.undo(
                &pixels, start: y * stride, length: stride, bpp: header.channels,
                hasPrevious: y > 0, stride: stride)
        }
        return PixelImage(
            width: header.width, height: header.height, channels: header.channels, pixels: pixels)
    }

    private static func readBigEndian(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | UInt32($1) }
    }
}
