import Dispatch
#if canImport(Accelerate)
import Accelerate
#else
import CBLAS
#endif

/// The engine's threading: how many threads our own loops and BLAS may use.
///
/// Work is split into chunks by index alone (never by timing), so results are bit-identical
/// for a given thread count. Layers never start threads themselves.
public enum Engine {
    nonisolated(unsafe) public private(set) static var threads = 1

    /// Sets the number of threads for our loops and for BLAS (at least 1).
    public static func setThreads(_ n: Int) {
        threads = max(1, n)
        #if !canImport(Accelerate)
        openblas_set_num_threads(Int32(threads))
        #endif
    }

    /// Runs `body(range)` over `0..<count` split into at most `threads` contiguous chunks.
    /// `grain` is the smallest chunk worth a thread (below ~0.1 ms of work, threading loses).
    @inline(__always)
    public static func parallelFor(_ count: Int, grain: Int = 1, _ body: (Range<Int>) -> Void) {
        let chunks = min(threads, max(1, count / max(grain, 1)))
        if chunks <= 1 {
            body(0..<count)
            return
        }
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let lo = count * c / chunks
            let hi = count * (c + 1) / chunks
            body(lo..<hi)
        }
    }
}
