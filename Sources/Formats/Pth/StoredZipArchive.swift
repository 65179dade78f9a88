/// The entries of a zip archive whose members are stored uncompressed, as `torch.save`
/// writes them: found through the central directory, so padding and data descriptors
/// between local entries do not matter.
struct StoredZipArchive {
    /// Byte ranges of each member's data within the archive.
    private(set) var entries: [String: Range<Int>] = [:]

    /// Reads the central directory of `bytes`; `path` labels errors.
    init(_ bytes: UnsafeRawBufferPointer, path: String) throws {
        func fail(_ problem: String) -> FileFormatError {
            FileFormatError(
                path: path, problem: problem,
                hint: "The zip archive is damaged or truncated; re-download or re-save it")
        }
        func integer(_ offset: Int, _ width: Int) throws -> Int {
            guard offset >= 0, offset + width <= bytes.count else {
                throw fail("points to byte \(offset + width), past its end at \(bytes.count)")
            }
            var value = 0
            for i in 0..<width { value |= Int(bytes[offset + i]) << (8 * i) }
            return value
        }

        // The end-of-central-directory record sits in the last 22 + 65,535 (comment) bytes.
        let lowest = max(0, bytes.count - 22 - 65_535)
        var end = bytes.count - 22
        while end >= lowest, try integer(end, 4) != 0x0605_4b50 { end -= 1 }
        guard end >= lowest else {
            throw fail("has no zip end-of-central-directory record (truncated?)")
        }
        let count = try integer(end + 10, 2)
        var cursor = try integer(end + 16, 4)
        guard count != 0xffff, cursor != 0xffff_ffff else {
            throw fail("is a ZIP64 archive (over 4 GB), which is not supported")
        }

        for _ in 0..<count {
            guard try integer(cursor, 4) == 0x0201_4b50 else {
                throw fail("has a damaged central directory entry at byte \(cursor)")
            }
            let method = try integer(cursor + 10, 2)
            let size = try integer(cursor + 20, 4)
            let nameLength = try integer(cursor + 28, 2)
            let extraLength = try integer(cursor + 30, 2)
            let commentLength = try integer(cursor + 32, 2)
            let local = try integer(cursor + 42, 4)
            guard cursor + 46 + nameLength <= bytes.count else {
                throw fail("has a member name past the end of the file (truncated?)")
            }
            let name = String(
                decoding: bytes[(cursor + 46)..<(cursor + 46 + nameLength)], as: UTF8.self)
            guard method == 0 else {
                throw fail("compresses member '\(name)' (method \(method)); torch.save stores")
            }

            guard try integer(local, 4) == 0x0403_4b50 else {
                throw fail("has a damaged local header for member '\(name)' at byte \(local)")
            }
            let start = try local + 30 + integer(local + 26, 2) + integer(local + 28, 2)
            guard start + size <= bytes.count else {
                throw fail("member '\(name)' runs past the end of the file (truncated?)")
            }
            entries[name] = start..<(start + size)
            cursor += 46 + nameLength + extraLength + commentLength
        }
    }
}
