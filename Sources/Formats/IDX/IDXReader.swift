import Foundation

/// Reads IDX files, raw or gzip-compressed (detected from the gzip magic bytes).
public enum IDXReader {
    /// Reads and checks a file: magic, element type, dimensions and that the length matches
    /// them exactly. Every failure is a `FileFormatError` naming the file.
    public static func read(_ url: URL) throws -> IDXArray {
        let data = try FileFormatError.contents(of: url)
        let content = try data.withUnsafeBytes { raw -> [UInt8] in
            guard raw.count >= 2, raw[0] == 0x1f, raw[1] == 0x8b else { return Array(raw) }
            do {
                return try Zlib.inflate(raw, wrapper: .gzip, sizeHint: gzipSizeHint(raw))
            } catch let failure as Zlib.Failure {
                throw FileFormatError(
                    path: url.path, problem: "is gzip but \(failure.description)",
                    hint: "Delete the file and download it again")
            }
        }
        return try decode(content, path: url.path)
    }

    /// Checks and wraps uncompressed IDX bytes; `path` only labels errors.
    public static func decode(_ content: [UInt8], path: String) throws -> IDXArray {
        func fail(_ problem: String) -> FileFormatError {
            FileFormatError(
                path: path, problem: problem,
                hint: "The file is not a complete IDX file; delete it and download it again")
        }
        guard content.count >= 4 else {
            throw fail("is \(content.count) bytes long, too short for the 4-byte IDX magic")
        }
        guard content[0] == 0, content[1] == 0 else {
            let found = content[0..<4].map { String(format: "%02x", $0) }.joined(separator: " ")
            throw fail("does not start with the IDX magic 00 00 (found \(found))")
        }
        guard let elementType = IDXElementType(rawValue: content[2]) else {
            throw fail(String(format: "has unknown IDX element type 0x%02x", content[2]))
        }
        let rank = Int(content[3])
        guard rank >= 1 else { throw fail("declares 0 dimensions") }
        guard content.count >= 4 + 4 * rank else {
            throw fail("ends inside its header (\(rank) dimensions need \(4 + 4 * rank) bytes)")
        }

        var shape: [Int] = []
        for d in 0..<rank {
            let o = 4 + 4 * d
            let size = content[o..<(o + 4)].reduce(0) { $0 << 8 | Int($1) }
            shape.append(size)
        }
        let expected = shape.reduce(elementType.size, *) + 4 + 4 * rank
        guard content.count == expected else {
            let shapeText = shape.map(String.init).joined(separator: "x")
            let verdict = content.count < expected ? "truncated?" : "extra bytes at the end"
            throw fail(
                "declares shape \(shapeText) of \(elementType) (\(expected) bytes) "
                    + "but holds \(content.count) bytes (\(verdict))")
        }
        return IDXArray(elementType: elementType, shape: shape, content: content)
    }

    /// gzip stores the uncompressed size modulo 2^32 in its last four bytes (little-endian).
    private static func gzipSizeHint(_ raw: UnsafeRawBufferPointer) -> Int {
        guard raw.count >= 18 else { return 0 }
        let size = raw.loadUnaligned(fromByteOffset: raw.count - 4, as: UInt32.self)
        return Int(UInt32(littleEndian: size))
    }
}
