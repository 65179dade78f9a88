import Foundation

/// PyTorch `.pth` checkpoints, read without Python: the zip format of `torch.save` since
/// PyTorch 1.6 and the older pickle-stream format (the FID Inception weights' format).
public enum PyTorchCheckpoint {
    /// Reads every tensor of a checkpoint; nested dicts give dotted names (`model.fc.weight`).
    /// Values that are not tensors (epoch counters, optimiser settings) are left out.
    public static func read(_ url: URL) throws -> [String: StoredTensor] {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw FileFormatError(
                path: url.path, problem: "cannot be read (\(error.localizedDescription))",
                hint: "Check that the file exists and is readable")
        }
        return try data.withUnsafeBytes { try decode($0, path: url.path) }
    }

    /// Decodes checkpoint bytes; `path` only labels errors.
    public static func decode(_ bytes: [UInt8], path: String) throws -> [String: StoredTensor] {
        try bytes.withUnsafeBytes { try decode($0, path: path) }
    }

    static func decode(
        _ bytes: UnsafeRawBufferPointer, path: String
    ) throws -> [String: StoredTensor] {
        let (object, storages) = try isZip(bytes)
            ? zipContents(bytes, path: path)
            : LegacyCheckpoint.contents(bytes, path: path)

        var tensors: [String: StoredTensor] = [:]
        var visited: Set<ObjectIdentifier> = []
        try collect(object, prefix: "", visited: &visited, into: &tensors) { tensor, name in
            try materialise(tensor, name: name, storages: storages, bytes: bytes, path: path)
        }
        guard !tensors.isEmpty else {
            throw FileFormatError(
                path: path, problem: "holds no tensors (its object is a \(object.kind))",
                hint: "Pass a checkpoint saved from a state_dict")
        }
        return tensors
    }

    private static func isZip(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 4 && bytes[0] == 0x50 && bytes[1] == 0x4b && bytes[2] == 3
            && bytes[3] == 4
    }

    /// `PREFIX/data.pkl` holds the object; `PREFIX/data/KEY` the bytes of storage KEY.
    private static func zipContents(
        _ bytes: UnsafeRawBufferPointer, path: String
    ) throws -> (PickleValue, [String: Range<Int>]) {
        let archive = try StoredZipArchive(bytes, path: path)
        guard let pickleName = archive.entries.keys.first(where: {
            $0 == "data.pkl" || $0.hasSuffix("/data.pkl")
        }) else {
            throw FileFormatError(
                path: path, problem: "is a zip archive without a data.pkl member",
                hint: "It is not a PyTorch checkpoint")
        }
        let pickle = archive.entries[pickleName]!
        let root = String(pickleName.dropLast("data.pkl".count))
        let prefix = root + "data/"
        // Files without a `byteorder` member predate it and are little-endian.
        if let order = archive.entries[root + "byteorder"],
           String(decoding: bytes[order], as: UTF8.self) != "little"
        {
            throw FileFormatError(
                path: path, problem: "was saved on a big-endian machine, which is not supported",
                hint: "Re-save it on a little-endian machine (x86 or ARM)")
        }

        var unpickler = Unpickler(
            UnsafeRawBufferPointer(rebasing: bytes[..<pickle.upperBound]),
            at: pickle.lowerBound, path: path)
        let object = try unpickler.load()
        var storages: [String: Range<Int>] = [:]
        for (name, range) in archive.entries where name.hasPrefix(prefix) {
            storages[String(name.dropFirst(prefix.count))] = range
        }
        return (object, storages)
    }

    /// Walks dicts depth first, handing each tensor with its dotted name to `make`. A dict
    /// is entered once: a pickle can make one contain itself.
    private static func collect(
        _ value: PickleValue, prefix: String, visited: inout Set<ObjectIdentifier>,
        into tensors: inout [String: StoredTensor],
        make: (PickledTensor, String) throws -> StoredTensor
    ) throws {
        guard case .dict(let dict) = value,
              visited.insert(ObjectIdentifier(dict)).inserted
        else { return }
        for (key, item) in dict.entries {
            guard case .string(let name) = key else { continue }
            switch item {
            case .tensor(let tensor):
                tensors[prefix + name] = try make(tensor, prefix + name)
            case .dict:
                try collect(
                    item, prefix: prefix + name + ".", visited: &visited, into: &tensors,
                    make: make)
            default: continue
            }
        }
    }
}
