extension PyTorchCheckpoint {
    static let largestTensorBytes = 1 << 34

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
        let (offset, overflow) = tensor.offset.addingReportingOverflow(storage.root?.offset ?? 0)
        guard !overflow else { throw fail("has an offset too large to address") }
        guard tensor.shape.allSatisfy({ $0 >= 0 }), tensor.strides.allSatisfy({ $0 >= 0 }) else {
            throw fail("has a negative size or stride (\(tensor.shape), \(tensor.strides))")
        }
        // Sizes and strides come from the file: overflow must be an error, not a wrap.
        guard let count = checkedProduct(tensor.shape), let last = lastElement(tensor, offset)
        else { throw fail("has a size, stride or offset too large to address") }
        guard count > 0 else {
            return StoredTensor(dtype: storage.dtype, shape: tensor.shape, bytes: [])
        }
        guard offset >= 0, last < available else {
            throw fail(
                "reaches element \(last) of storage '\(key)', which holds \(available)")
        }
        // Zero or overlapping strides let a tiny storage claim a huge tensor.
        guard count <= Self.largestTensorBytes / size else {
            throw fail("would expand to \(count) elements, more than 16 GiB")
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

    private static func checkedProduct(_ values: [Int]) -> Int? {
        var product = 1
        for v in values {
            let (next, overflow) = product.multipliedReportingOverflow(by: v)
            if overflow { return nil }
            product = next
        }
        return product
    }

    /// offset + Σ (size − 1) · stride: the last storage element a non-empty view touches.
    private static func lastElement(_ tensor: PickledTensor, _ offset: Int) -> Int? {
        var last = offset
        for (size, stride) in zip(tensor.shape, tensor.strides) where size > 0 {
            let (step, overflow) = (size - 1).multipliedReportingOverflow(by: stride)
            let (next, overflow2) = last.addingReportingOverflow(step)
            if overflow || overflow2 { return nil }
            last = next
        }
        return last
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
