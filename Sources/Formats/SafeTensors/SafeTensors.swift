import Foundation

/// The safetensors format: an 8-byte little-endian header length, a JSON header mapping each
/// name to `dtype`, `shape` and `data_offsets` (relative to the end of the header), then the
/// raw bytes. `__metadata__` holds free-form string pairs.
public enum SafeTensors {
    /// Reads every tensor of a file; errors name the file and what is wrong.
    public static func read(_ url: URL) throws -> (tensors: [String: StoredTensor], metadata: [String: String]) {
        let data = try FileFormatError.contents(of: url)
        return try decode([UInt8](data), path: url.path)
    }

    /// Decodes safetensors bytes; `path` only labels errors.
    public static func decode(_ bytes: [UInt8], path: String) throws -> (tensors: [String: StoredTensor], metadata: [String: String]) {
        func fail(_ problem: String) -> FileFormatError {
            FileFormatError(path: path, problem: problem, hint: "The file is not a complete safetensors file; recreate or re-download it")
        }
        guard bytes.count >= 8 else { throw fail("is \(bytes.count) bytes long, shorter than the 8-byte header length") }
        var headerLength: UInt64 = 0
        for i in 0..<8 { headerLength |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw fail("declares a \(headerLength)-byte header but holds only \(bytes.count - 8) bytes after the length")
        }
        let dataStart = 8 + Int(headerLength)
        let json = try? JSONSerialization.jsonObject(with: Data(bytes[8..<dataStart]))
        guard let header = json as? [String: Any] else { throw fail("has a header that is not a JSON object") }

        var tensors: [String: StoredTensor] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in header {
            if name == "__metadata__" {
                for (k, v) in (value as? [String: Any]) ?? [:] { metadata[k] = "\(v)" }
                continue
            }
            guard let entry = value as? [String: Any],
                  let dtypeName = entry["dtype"] as? String,
                  let shape = (entry["shape"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                  let offsets = (entry["data_offsets"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                  offsets.count == 2
            else { throw fail("has a malformed header entry for tensor '\(name)'") }
            guard let dtype = StoredDType(rawValue: dtypeName) else {
                throw fail("stores tensor '\(name)' as unsupported dtype \(dtypeName)")
            }
            guard shape.allSatisfy({ $0 >= 0 }), offsets[0] >= 0, offsets[0] <= offsets[1],
                  dataStart + offsets[1] <= bytes.count
            else { throw fail("tensor '\(name)' points past the end of the file (truncated?)") }
            let expected = shape.reduce(1, *) * dtype.size
            guard offsets[1] - offsets[0] == expected else {
                throw fail("tensor '\(name)' holds \(offsets[1] - offsets[0]) bytes, its shape \(shape) of \(dtypeName) needs \(expected)")
            }
            let slice = Array(bytes[(dataStart + offsets[0])..<(dataStart + offsets[1])])
            tensors[name] = StoredTensor(dtype: dtype, shape: shape, bytes: slice)
        }
        return (tensors, metadata)
    }

    /// Encodes tensors in name order (so equal content gives equal bytes).
    public static func encode(_ tensors: [String: StoredTensor], metadata: [String: String] = [:]) -> [UInt8] {
        let names = tensors.keys.sorted()
        var offset = 0
        var entries: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
            entries.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        for name in names {
            let t = tensors[name]!
            let shape = t.shape.map(String.init).joined(separator: ",")
            entries.append("\(jsonString(name)):{\"dtype\":\"\(t.dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + t.bytes.count)]}")
            offset += t.bytes.count
        }
        var header = Array("{\(entries.joined(separator: ","))}".utf8)
        // Pad so the data starts 8-byte aligned, as the reference implementation does.
        while (header.count % 8) != 0 { header.append(0x20) }

        var out: [UInt8] = []
        out.reserveCapacity(8 + header.count + offset)
        let length = UInt64(header.count)
        for i in 0..<8 { out.append(UInt8((length >> (8 * UInt64(i))) & 0xff)) }
        out += header
        for name in names { out += tensors[name]!.bytes }
        return out
    }

    /// Writes a file atomically: a crash mid-write leaves the old file, never a torn one.
    public static func write(_ tensors: [String: StoredTensor], metadata: [String: String] = [:], to url: URL) throws {
        try AtomicFile.write(Data(encode(tensors, metadata: metadata)), to: url)
    }

    private static func jsonString(_ s: String) -> String {
        let data = try! JSONSerialization.data(withJSONObject: [s], options: [])
        let text = String(decoding: data, as: UTF8.self)
        return String(text.dropFirst().dropLast())
    }
}
