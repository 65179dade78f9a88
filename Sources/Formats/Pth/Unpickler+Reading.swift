/// Bounds-checked reads of opcode arguments.
extension Unpickler {
    mutating func readByte() throws -> UInt8 {
        guard position < bytes.count else {
            throw failure("ends at byte \(position) in the middle of a pickle (truncated?)")
        }
        defer { position += 1 }
        return bytes[position]
    }

    /// An unsigned little-endian integer of `width` bytes (1, 2, 4 or 8).
    mutating func readInteger(_ width: Int) throws -> Int {
        try require(width)
        var value: UInt64 = 0
        for i in 0..<width {
            value |= UInt64(bytes[position + i]) << (8 * UInt64(i))
        }
        position += width
        guard value <= UInt64(Int.max) else {
            throw failure("holds a length \(value) that no file can hold at byte \(position)")
        }
        return Int(value)
    }

    /// LONG1 / LONG4 payload: two's complement, little-endian, any width.
    mutating func readLong(_ width: Int) throws -> PickleValue {
        let raw = try readBytes(width)
        guard width <= 8 else { return .largeInt(raw) }
        guard width > 0 else { return .int(0) }
        var value: UInt64 = raw.last! >= 0x80 ? ~0 : 0
        for (i, byte) in raw.enumerated() {
            value &= ~(UInt64(0xff) << (8 * UInt64(i)))
            value |= UInt64(byte) << (8 * UInt64(i))
        }
        return .int(Int(Int64(bitPattern: value)))
    }

    mutating func readBigEndianDouble() throws -> Double {
        try require(8)
        var bits: UInt64 = 0
        for i in 0..<8 { bits = bits << 8 | UInt64(bytes[position + i]) }
        position += 8
        return Double(bitPattern: bits)
    }

    mutating func readBytes(_ count: Int) throws -> [UInt8] {
        try require(count)
        defer { position += count }
        return Array(bytes[position..<(position + count)])
    }

    mutating func readString(_ count: Int) throws -> String {
        try require(count)
        defer { position += count }
        return String(decoding: bytes[position..<(position + count)], as: UTF8.self)
    }

    /// A GLOBAL argument: text up to a newline.
    mutating func readLine() throws -> String {
        let start = position
        while position < bytes.count, bytes[position] != 0x0a { position += 1 }
        guard position < bytes.count else {
            throw failure("ends inside a GLOBAL name at byte \(start) (truncated?)")
        }
        defer { position += 1 }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private func require(_ count: Int) throws {
        guard count <= bytes.count - position else {
            throw failure(
                "needs \(count) bytes at byte \(position) but the file ends at \(bytes.count)"
                    + " (truncated?)")
        }
    }
}
