import Foundation
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
        if #available(macOS 15, *), useWorkerPool {
            (sharedPool as! WorkerPool).ensureWorkers(threads - 1)
        }
    }

    /// Pieces per thread in `parallelFor`: on a shared machine one core can be slowed or
    /// descheduled mid-loop, and with exactly one piece per thread the other then idles until
    /// it finishes; with several, the faster thread takes more of them.
    static let piecesPerThread = 4

    /// Runs `body(range)` over `0..<count` split into contiguous pieces, which at most
    /// `threads` threads take in turn. `grain` is the smallest piece worth a thread (below
    /// ~0.1 ms of work, threading loses). The pieces depend only on `count`, `grain` and the
    /// thread count, never on timing, so a body that computes each index on its own gives the
    /// same results whichever thread runs which piece.
    @inline(__always)
    public static func parallelFor(_ count: Int, grain: Int = 1, _ body: (Range<Int>) -> Void) {
        parallelFor(count, pieces: min(threads * piecesPerThread, max(1, count / max(grain, 1))), body)
    }

    /// `parallelFor` cut into `pieces` (at most `count`) instead of a few per thread: for loops
    /// of large, even items (convolution chunks), where one item per piece lets the thread
    /// that finishes first take over more of the remainder. `pieces` must not depend on timing.
    @inline(__always)
    public static func parallelFor(_ count: Int, pieces requested: Int, _ body: (Range<Int>) -> Void) {
        let pieces = max(1, min(requested, count))
        if threads <= 1 || pieces <= 1 {
            body(0..<count)
            return
        }
        if #available(macOS 15, *), useWorkerPool, (sharedPool as! WorkerPool).workerCount >= threads - 1 {
            let pool = sharedPool as! WorkerPool
            pool.run(pieces: pieces, helpers: threads - 1) { p in body((count * p / pieces)..<(count * (p + 1) / pieces)) }
            return
        }
        let next = PieceCounter()
        DispatchQueue.concurrentPerform(iterations: min(threads, pieces)) { _ in
            while let p = next.take(below: pieces) {
                body((count * p / pieces)..<(count * (p + 1) / pieces))
            }
        }
    }

    /// `DCGANLAB_POOL=dispatch` hands loops to Dispatch instead of the engine's spinning
    /// workers (for comparison, and where the Synchronization module is missing).
    static let useWorkerPool = ProcessInfo.processInfo.environment["DCGANLAB_POOL"] != "dispatch"

    /// The `WorkerPool` (typed `Any` so older macOS versions can link this file).
    nonisolated(unsafe) static let sharedPool: Any? = {
        if #available(macOS 15, *) { return WorkerPool() }
        return nil
    }()
}

/// Hands out piece numbers 0, 1, 2, ... to whichever thread asks next.
final class PieceCounter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()

    func take(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}
