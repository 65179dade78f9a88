import Foundation

/// Which images of a split to train on.
public enum SubsetSelection: Sendable, Equatable {
    /// Every image.
    case all
    /// The first N images in file order (what the reference code does).
    case first(Int)
    /// N images with the classes as equal as possible (N/10 each, the remainder going to the
    /// lowest labels), drawn with a seeded stream and kept in file order.
    case stratified(Int, seed: UInt64)
}

/// A split ready for training: images resized to `side` x `side` (28 native, or 64 via
/// Pillow-exact bilinear), mapped to [-1, 1] as `ToTensor` then `Normalize(0.5, 0.5)` do.
///
/// A trainer loads once, then each epoch draws the order from a stream it owns:
///
///     let location = try DataAccess.locate(dataDirectory: dir) { _, _, _ in }
///     let split = try LabelledImages.load(.train, from: location, checksums: .require)
///     let images = try TrainingImages(split, subset: .first(20_000), side: 64)
///     let sampler = BatchSampler(count: images.count, batchSize: 128)
///     for batch in sampler.epoch(using: &dataOrderStream) {
///         images.copyBatch(batch, into: input)  // input: [B, 1, 64, 64] floats
///     }
///
/// Pixels stay uint8 (a quarter of the memory of floats: 246 MB instead of 983 MB for the
/// 64x64 training split); `copyBatch` converts through a 256-entry table, giving exactly the
/// floats `(u / 255 - 0.5) / 0.5` that PyTorch computes.
public struct TrainingImages: Sendable {
    /// Side of each (square, one-channel) image.
    public let side: Int
    /// `count * side * side` bytes, image after image.
    public let pixels: [UInt8]
    /// Labels 0...9.
    public let labels: [UInt8]
    /// Position of each image in its split's file.
    public let sourceIndices: [Int]

    /// Number of images.
    public var count: Int { labels.count }

    /// Floats per image (`1 * side * side`).
    public var valuesPerImage: Int { side * side }

    /// The [-1, 1] value of each uint8 level, in PyTorch's float32 arithmetic.
    public static let levels: [Float] = (0..<256).map { (Float($0) / 255 - 0.5) / 0.5 }

    /// Selects, resizes and keeps the images of `images`; `side` is 28 or any other size.
    public init(_ images: LabelledImages, subset: SubsetSelection = .all, side: Int = 64) throws {
        let indices = try TrainingImages.select(subset, labels: images.labels)
        let inSide = FashionMNIST.imageSide
        let outBytes = side * side
        var pixels = [UInt8](repeating: 0, count: indices.count * outBytes)
        if side == inSide {
            for (k, i) in indices.enumerated() {
                pixels[(k * outBytes)..<((k + 1) * outBytes)] =
                    images.pixels[(i * outBytes)..<((i + 1) * outBytes)]
            }
        } else {
            let resize = BilinearResize(from: inSide, to: side)
            let workers = 2
            images.pixels.withUnsafeBufferPointer { source in
                pixels.withUnsafeMutableBufferPointer { target in
                    // Two workers (the machines we run on have two cores); each its own scratch.
                    nonisolated(unsafe) let target = target
                    DispatchQueue.concurrentPerform(iterations: workers) { w in
                        let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: inSide * side)
                        defer { scratch.deallocate() }
                        for k in stride(from: w, to: indices.count, by: workers) {
                            resize.resize(
                                source.baseAddress! + indices[k] * inSide * inSide,
                                into: target.baseAddress! + k * outBytes, scratch: scratch)
                        }
                    }
                }
            }
        }
        self.side = side
        self.pixels = pixels
        self.labels = indices.map { images.labels[$0] }
        self.sourceIndices = indices
    }

    /// Writes the images at `indices` as floats in [-1, 1], [B, 1, side, side] contiguous,
    /// into `buffer` (which must hold `indices.count * valuesPerImage` floats).
    public func copyBatch<C: Collection>(_ indices: C, into buffer: UnsafeMutablePointer<Float>)
    where C.Element == Int {
        let n = valuesPerImage
        TrainingImages.levels.withUnsafeBufferPointer { table in
            pixels.withUnsafeBufferPointer { source in
                for (k, i) in indices.enumerated() {
                    let from = source.baseAddress! + i * n
                    let to = buffer + k * n
                    for p in 0..<n { to[p] = table[Int(from[p])] }
                }
            }
        }
    }

    /// All images as one contiguous [count, 1, side, side] float array in [-1, 1].
    public func normalizedPixels() -> [Float] {
        [Float](unsafeUninitializedCapacity: pixels.count) { buffer, initialized in
            copyBatch(0..<count, into: buffer.baseAddress!)
            initialized = pixels.count
        }
    }

    /// Indices of the chosen images, ascending.
    static func select(_ subset: SubsetSelection, labels: [UInt8]) throws -> [Int] {
        switch subset {
        case .all:
            return Array(labels.indices)
        case .first(let n):
            guard (1...labels.count).contains(n) else {
                throw DatasetError.invalidSelection(
                    "asked for the first \(n) images of a split holding \(labels.count)")
            }
            return Array(0..<n)
        case .stratified(let n, let seed):
            return try StratifiedSubset.indices(n, labels: labels, seed: seed)
        }
    }
}
