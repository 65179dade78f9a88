import Foundation

/// Writes 8-bit PNG files (gray, gray+alpha, RGB or RGBA, non-interlaced).
public enum PNGEncoder {
    /// The PNG bytes of an image. Each row takes the filter with the smallest sum of
    /// absolute (signed) residuals, the heuristic the PNG spec recommends.
    public static func encode(_ image: PixelImage) -> [UInt8] {
        var out = signature
        appendChunk("IHDR", header(image), to: &out)
        appendChunk("IDAT", Zlib.deflate(filteredScanlines(image), level: 9), to: &out)
        appendChunk("IEND", [], to: &out)
        return out
    }

    /// The image's rows, each led by its filter type byte: the data IDAT compresses.
    static func filteredScanlines(_ image: PixelImage) -> [UInt8] {
        let stride = image.width * image.channels
        var filtered: [UInt8] = []
        filtered.reserveCapacity((stride + 1) * image.height)
        var candidate = [UInt8](repeating: 0, count: stride)
        var best = [UInt8](repeating: 0, count: stride)
        for y in 0..<image.height {
            let row = image.pixels[(y * stride)..<((y + 1) * stride)]
            let previous = y > 0 ? image.pixels[((y - 1) * stride)..<(y * stride)] : nil
            var bestFilter = PNGFilter.none
            var bestCost = Int.max
            for filter in PNGFilter.allCases {
                filter.apply(row: row, previous: previous, bpp: image.channels, into: &candidate)
                let cost = candidate.reduce(0) { $0 + abs(Int(Int8(bitPattern: $1))) }
                if cost < bestCost {
                    bestCost = cost
                    bestFilter = filter
                    swap(&best, &candidate)
                }
            }
            filtered.append(bestFilter.rawValue)
            filtered.append(contentsOf: best)
        }
        return filtered
    }

    /// The 8-byte PNG file signature.
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// IHDR's body: size, 8-bit depth, colour type, no interlacing.
    static func header(_ image: PixelImage) -> [UInt8] {
        var header: [UInt8] = []
        appendBigEndian(UInt32(image.width), to: &header)
        appendBigEndian(UInt32(image.height), to: &header)
        header += [8, colorType(channels: image.channels), 0, 0, 0]
        return header
    }

    /// Writes an image as a PNG file atomically.
    public static func write(_ image: PixelImage, to url: URL) throws {
        try AtomicFile.write(Data(encode(image)), to: url)
    }

    /// PNG colour types: 0 gray, 4 gray+alpha, 2 RGB, 6 RGBA.
    static func colorType(channels: Int) -> UInt8 {
        [1: 0, 2: 4, 3: 2, 4: 6][channels]!
    }

    /// Appends a chunk: length, type, data and the CRC of type and data.
    static func appendChunk(_ type: String, _ data: [UInt8], to out: inout [UInt8]) {
        appendBigEndian(UInt32(data.count), to: &out)
        let typeAndData = Array(type.utf8) + data
        out += typeAndData
        appendBigEndian(typeAndData.withUnsafeBytes { Zlib.crc32($0) }, to: &out)
    }

    static func appendBigEndian(_ value: UInt32, to out: inout [UInt8]) {
        for shift in [24, 16, 8, 0] {
            out.append(UInt8(truncatingIfNeeded: value >> UInt32(shift)))
        }
    }
}
