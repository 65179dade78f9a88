import Foundation

/// A dense float32 array in row-major order (NCHW for images) that owns its memory.
///
/// Storage is 64-byte aligned for AVX-512 loads. Values are mutable in place (optimisers
/// update weights without reallocating); the shape is fixed for the tensor's life.
public final class Tensor: @unchecked Sendable {
    public let shape: [Int]
    public let count: Int
    public let data: UnsafeMutablePointer<Float>

    /// A tensor of the given shape filled with `value`.
    public init(shape: [Int], value: Float = 0) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in \(shape)")
        self.shape = shape
        self.count = shape.reduce(1, *)
        self.data = Tensor.allocate(count)
        data.initialize(repeating: value, count: count)
    }

    /// A tensor of the given shape with uninitialised contents (to be written at once).
    public init(uninitialized shape: [Int]) {
        self.shape = shape
        self.count = shape.reduce(1, *)
        self.data = Tensor.allocate(count)
    }

    /// A tensor holding `values` (whose count must match the shape).
    public convenience init(shape: [Int], values: [Float]) {
        self.init(uninitialized: shape)
        precondition(values.count == count, "Tensor: \(values.count) values for shape \(shape)")
        values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: count) }
    }

    deinit { BufferPool.release(UnsafeMutableRawPointer(data), bytes: max(count, 1) * MemoryLayout<Float>.stride) }

    private static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        let bytes = max(count, 1) * MemoryLayout<Float>.stride
        return BufferPool.allocate(bytes: bytes).bindMemory(to: Float.self, capacity: max(count, 1))
    }

    /// The values as an array (copies).
    public var values: [Float] { Array(buffer) }

    /// The storage as a buffer pointer.
    public var buffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: data, count: count)
    }

    /// A copy with its own storage.
    public func copy() -> Tensor {
        let t = Tensor(uninitialized: shape)
        t.data.update(from: data, count: count)
        return t
    }

    /// The same values under another shape of equal element count (copies).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        precondition(newShape.reduce(1, *) == count, "reshape \(shape) -> \(newShape)")
        let t = Tensor(uninitialized: newShape)
        t.data.update(from: data, count: count)
        return t
    }

    /// Overwrites the values with those of `other` (same element count).
    public func assign(_ other: Tensor) {
        precondition(other.count == count, "assign: \(other.shape) into \(shape)")
        data.update(from: other.data, count: count)
    }

    /// Sets every value.
    public func fill(_ value: Float) {
        data.update(repeating: value, count: count)
    }

    /// Size of dimension `axis` (negative counts from the end).
    public func dim(_ axis: Int) -> Int { shape[axis < 0 ? shape.count + axis : axis] }

    /// True when every value is finite.
    public var isFinite: Bool {
        for i in 0..<count where !data[i].isFinite { return false }
        return true
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let head = values.prefix(8).map { String(format: "%.4g", $0) }.joined(separator: ", ")
        return "Tensor\(shape)[\(head)\(count > 8 ? ", ..." : "")]"
    }
}

