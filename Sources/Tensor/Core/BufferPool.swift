import Foundation

/// Recycles large tensor buffers. A training step allocates the same working buffers every
/// iteration; returning them to the C heap lets glibc hand large blocks back to the kernel,
/// so each step would page-fault and zero its memory afresh (measured ~8% of a step). Here
/// freed buffers wait in size classes (eight per octave, so at most 12.5% is wasted) for
/// the next request of that class.
enum BufferPool {
    /// Buffers below this many bytes go straight to malloc: the heap recycles them well.
    static let smallest = 1 << 16
    /// Buffers kept per size class; beyond that they are freed.
    static let keepPerClass = 16

    nonisolated(unsafe) private static var free: [Int: [UnsafeMutableRawPointer]] = [:]
    nonisolated(unsafe) private static var lock = pthread_mutex_t()
    nonisolated(unsafe) private static var lockReady: Void = { pthread_mutex_init(&lock, nil) }()

    /// A 64-byte-aligned block of at least `bytes` bytes.
    static func allocate(bytes: Int) -> UnsafeMutableRawPointer {
        let size = classSize(bytes)
        if size >= smallest, let reused = withLock({ free[size]?.popLast() }) { return reused }
        guard let raw = AlignedMemory.allocate(bytes: size) else {
            fatalError("Tensor: out of memory allocating \(size) bytes")
        }
        return raw
    }

    /// Returns a block obtained from `allocate(bytes:)` with the same byte count.
    static func release(_ pointer: UnsafeMutableRawPointer, bytes: Int) {
        let size = classSize(bytes)
        if size >= smallest {
            let kept = withLock { () -> Bool in
                guard free[size, default: []].count < keepPerClass else { return false }
                free[size, default: []].append(pointer)
                return true
            }
            if kept { return }
        }
        Foundation.free(pointer)
    }

    /// The byte count rounded up to its size class.
    static func classSize(_ bytes: Int) -> Int {
        let b = max(bytes, 64)
        guard b >= smallest else { return (b + 63) & ~63 }
        let octave = Int.bitWidth - 1 - (b - 1).leadingZeroBitCount  // 2^octave < b ≤ 2^(octave+1)
        let step = 1 << max(octave - 3, 6)
        return (b + step - 1) / step * step
    }

    private static func withLock<T>(_ body: () -> T) -> T {
        _ = lockReady
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        return body()
    }
}
