/// Training images, already resized and normalised to [−1, 1], that the trainer copies
/// into its batch buffer by index.
public protocol ImageSource {
    /// Number of images.
    var count: Int { get }
    /// Side of the square images.
    var imageSize: Int { get }
    /// Copies images `indices` one after another into `buffer` ([k, 1, S, S]).
    func copyImages(_ indices: ArraySlice<Int>, into buffer: UnsafeMutablePointer<Float>)
}

/// The batches of one epoch: a seeded shuffle cut into runs of `batchSize`, the last
/// partial batch kept unless `dropLast` (PyTorch's DataLoader default keeps it).
public func epochBatches(count: Int, batchSize: Int, dropLast: Bool, order: [Int]) -> [ArraySlice<Int>] {
    stride(from: 0, to: count, by: batchSize).compactMap { start in
        let end = min(start + batchSize, count)
        if dropLast && end - start < batchSize { return nil }
        return order[start..<end]
    }
}
