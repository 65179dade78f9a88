extension PyTorchCheckpoint {
    /// Copies a tensor's elements out of its storage into row-major order, following its
    /// offset and strides (a transpose or slice is a view of a larger, shared storage).
    static func materialise(
        _ tensor: PickledTensor, name: String, storages: [String: Range<Int>],
        bytes: UnsafeRawBufferPointer, path: String
    ) throws -> StoredTensor {
        func fail(_ problem: String) -> FileFormatError {
            FileFormatError(
                path: path, problem: "tensor '\(name)' \(problem)",
                hint: "The checkpoint is damaged or truncated; re-download or re-save it")
        }
        let storage = tensor.storage
        let key = storage.root?.key ?? storage.key
        guard let range = storages[key] else {
            throw fail("refers to storage '\(key)', which the file does not hold")
        }
        let size = storage.dtype.size
        let available = range.count / size
        let offset = tensor.offset + (storage.root?.offset ?? 0)
        guard tensor.shape.allSatisfy({ $0 >= 0 }), tensor.strides.allSatisfy({ $0 >= 0 }) else {
            throw fail("has a negative size or stride (\(tensor.shape), \(tensor.strides))")
        }
        let count = tensor.shape.reduce(1, *)
        guard count > 0 else {
            return StoredTensor(dtype: storage.dtype, shape: tensor.shape, bytes: [])
        }
        let last = zip(tensor.shape, tensor.strides).reduce(offset) { $0 + ($1.0 - 1) * $1.1 }
        guard offset >= 0, last < available else {
            throw fail(
                "reaches element \(last) of storage '\(key)', which holds \(available)")
        }

        let base = range.lowerBound + offset * size
        if isContiguous(shape: tensor.shape, strides: tensor.strides) {
            return StoredTensor(
                dtype: storage.dtype, shape: tensor.shape,
                bytes: Array(bytes[base..<(base + count * size)]))
        }
        var out = [UInt8](repeating: 0, count: count * size)
        out.withUnsafeMutableBytes { target in
            var index = [Int](repeating: 0, count: tensor.shape.count)
            var source = base
            for element in 0..<count {
                let destination = target.baseAddress! + element * size
                destination.copyMemory(from: bytes.baseAddress! + source, byteCount: size)
                // Odometer over the index, innermost dimension fastest.
                var dim = tensor.shape.count - 1
                while dim >= 0 {
                    index[dim] += 1
                    source += tensor.strides[dim] * size
                    if index[dim] < tensor.shape[dim] { break }
                    source -= tensor.strides[dim] * size * index[dim]
                    index[dim] = 0
                    dim -= 1
                }
            }
        }
        return StoredTensor(dtype: storage.dtype, shape: tensor.shape, bytes: out)
    }

    /// Row-major strides, ignoring dimensions of size 1 whose stride PyTorch leaves free.
    private static func isContiguous(shape: [Int], strides: [Int]) -> Bool {
        var expected = 1
        for dim in shape.indices.reversed() where shape[dim] != 1 {
            if strides[dim] != expected { return false }
            expected *= shape[dim]
        }
        return true
    }
}
