/// PyTorch's pickle-stream format (`_use_new_zipfile_serialization=False`): five pickles
/// in a row (magic number, protocol version, system info, the object, the storage keys),
/// then each storage in key order as an 8-byte little-endian element count and raw bytes.
enum LegacyCheckpoint {
    /// 0x1950a86a20f9469cfc6c as pickled by LONG1: little-endian two's complement.
    private static let magic: [UInt8] = [
        0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19,
    ]

    /// The pickled object and the byte range of each storage, by key.
    static func contents(
        _ bytes: UnsafeRawBufferPointer, path: String
    ) throws -> (PickleValue, [String: Range<Int>]) {
        func fail(_ problem: String) -> FileFormatError {
            FileFormatError(
                path: path, problem: problem,
                hint: "Pass a file written by torch.save (zip or legacy format)")
        }
        guard bytes.count >= 2, bytes[0] == 0x80 else {
            throw fail("is neither a zip archive nor a pickle stream")
        }
        var unpickler = Unpickler(bytes, at: 0, path: path)
        guard case .largeInt(magic) = try unpickler.load() else {
            throw fail("is a pickle without PyTorch's magic number; it is not a checkpoint")
        }
        guard case .int(1001) = try unpickler.load() else {
            throw fail("has a legacy protocol version other than 1001")
        }
        if case .dict(let info) = try unpickler.load(),
           info.entries.contains(where: {
               if case .string("little_endian") = $0.key, case .bool(false) = $0.value {
                   return true
               }
               return false
           })
        {
            throw fail("was saved on a big-endian machine, which is not supported")
        }
        let object = try unpickler.load()
        guard case .list(let keyList) = try unpickler.load() else {
            throw fail("lacks the list of storage keys after its object")
        }

        let sizes = elementSizes(object)
        var storages: [String: Range<Int>] = [:]
        var cursor = unpickler.position
        for item in keyList.items {
            guard case .string(let key) = item, let size = sizes[key] else {
                throw fail("lists a storage key that no tensor uses")
            }
            guard cursor + 8 <= bytes.count else {
                throw fail("ends before storage '\(key)' at byte \(cursor) (truncated?)")
            }
            var count = 0
            for i in 0..<8 { count |= Int(bytes[cursor + i]) << (8 * i) }
            let start = cursor + 8
            guard count >= 0, count <= (bytes.count - start) / size else {
                throw fail(
                    "storage '\(key)' declares \(count) elements but the file ends at byte "
                        + "\(bytes.count) (truncated?)")
            }
            storages[key] = start..<(start + count * size)
            cursor = start + count * size
        }
        return (object, storages)
    }

    /// The element size of each stored (root) storage, which the stream does not repeat.
    private static func elementSizes(_ value: PickleValue) -> [String: Int] {
        var sizes: [String: Int] = [:]
        var pending = [value]
        // Lists and dicts can contain themselves: visit each container once.
        var visited: Set<ObjectIdentifier> = []
        while let next = pending.popLast() {
            switch next {
            case .tensor(let tensor):
                let storage = tensor.storage
                sizes[storage.root?.key ?? storage.key] = storage.dtype.size
            case .dict(let dict) where visited.insert(ObjectIdentifier(dict)).inserted:
                pending += dict.entries.map(\.value)
            case .list(let list) where visited.insert(ObjectIdentifier(list)).inserted:
                pending += list.items
            case .tuple(let items): pending += items
            default: continue
            }
        }
        return sizes
    }
}
