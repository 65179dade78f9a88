import CZlib

/// zlib's deflate and inflate behind Swift calls; C status codes become `Zlib.Failure`.
public enum Zlib {
    /// Why a stream could not be inflated, in words for an error message.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Which wrapper the compressed stream carries.
    public enum Wrapper {
        /// zlib header and Adler-32 trailer (PNG's IDAT data).
        case zlib
        /// gzip header and CRC-32 trailer (`.gz` files).
        case gzip
    }

    /// Inflates a whole stream; `sizeHint` (the expected output size, if known) avoids
    /// regrowing the output. Fails on corrupt data and on a stream that ends early.
    /// The hint is capped at deflate's best ratio (~1032:1), so a damaged header cannot
    /// make it reserve gigabytes.
    public static func inflate(
        _ input: UnsafeRawBufferPointer, wrapper: Wrapper, sizeHint: Int = 0
    ) throws -> [UInt8] {
        var stream = z_stream()
        // windowBits 15 for zlib; +16 asks zlib to parse the gzip header and trailer.
        let windowBits: Int32 = wrapper == .gzip ? 16 + MAX_WBITS : MAX_WBITS
        guard
            inflateInit2_(&stream, windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
                == Z_OK
        else { throw Failure(description: "zlib could not start inflating") }
        defer { inflateEnd(&stream) }

        let capacity = min(sizeHint, input.count * 1032)
        var output = [UInt8](repeating: 0, count: max(capacity, 1024))
        var produced = 0
        stream.next_in = UnsafeMutablePointer(
            mutating: input.bindMemory(to: Bytef.self).baseAddress)
        stream.avail_in = uInt(input.count)
        while true {
            if produced == output.count {
                output.append(contentsOf: repeatElement(0, count: output.count))
            }
            let status = output.withUnsafeMutableBytes { raw -> Int32 in
                stream.next_out = raw.bindMemory(to: Bytef.self).baseAddress! + produced
                stream.avail_out = uInt(raw.count - produced)
                let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                produced = raw.count - Int(stream.avail_out)
                return status
            }
            switch status {
            case Z_STREAM_END:
                output.removeSubrange(produced...)
                return output
            case Z_OK:
                continue
            case Z_BUF_ERROR where stream.avail_in == 0:
                throw Failure(description: "compressed data ends early (truncated file?)")
            case Z_BUF_ERROR:
                continue
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "status \(status)"
                throw Failure(description: "compressed data is corrupt (\(message))")
            }
        }
    }

    /// Deflates bytes into a zlib stream (`level` 0...9, 6 is zlib's default).
    public static func deflate(_ input: [UInt8], level: Int32 = 6) -> [UInt8] {
        var length = compressBound(uLong(input.count))
        var output = [UInt8](repeating: 0, count: Int(length))
        let status = output.withUnsafeMutableBufferPointer { out in
            input.withUnsafeBufferPointer { inp in
                compress2(out.baseAddress!, &length, inp.baseAddress!, uLong(inp.count), level)
            }
        }
        // compressBound guarantees room, so only a broken zlib could fail here.
        precondition(status == Z_OK, "zlib compress2 failed with status \(status)")
        output.removeSubrange(Int(length)...)
        return output
    }

    /// CRC-32 as PNG and gzip define it, continuing from `crc` (0 to start).
    public static func crc32(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32
    {
        let ptr = bytes.bindMemory(to: Bytef.self).baseAddress
        return UInt32(CZlib.crc32(uLong(crc), ptr, uInt(bytes.count)))
    }
}
