import Tensor

/// Splits an epoch into minibatches of indices, as PyTorch's `DataLoader(shuffle=True)`:
/// a fresh random permutation each epoch, the last partial batch kept unless `dropLast`.
///
/// The sampler holds no random state: the trainer passes the `RandomStream` it owns (and
/// checkpoints), so a resumed run draws the same orders.
public struct BatchSampler: Sendable {
    /// Number of items to sample from.
    public let count: Int
    /// Items per batch.
    public let batchSize: Int
    /// Whether a final batch smaller than `batchSize` is dropped.
    public let dropLast: Bool

    /// A sampler over `count` items.
    public init(count: Int, batchSize: Int, dropLast: Bool = false) {
        precondition(count > 0 && batchSize > 0, "BatchSampler needs count > 0 and batchSize > 0")
        self.count = count
        self.batchSize = batchSize
        self.dropLast = dropLast
    }

    /// Batches per epoch.
    public var batchesPerEpoch: Int {
        dropLast ? count / batchSize : (count + batchSize - 1) / batchSize
    }

    /// One epoch's batches: a permutation drawn from `stream`, cut into batches.
    public func epoch(using stream: inout RandomStream) -> [ArraySlice<Int>] {
        batches(of: stream.permutation(count))
    }

    /// Cuts a given order into batches (in order, without shuffling).
    public func batches(of order: [Int]) -> [ArraySlice<Int>] {
        precondition(
            order.count == count, "BatchSampler: order has \(order.count) items, not \(count)")
        return (0..<batchesPerEpoch).map { b in
            order[(b * batchSize)..<min((b + 1) * batchSize, count)]
        }
    }
}
