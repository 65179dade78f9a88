import Foundation
import Synchronization

/// The engine's own worker threads for `Engine.parallelFor`.
///
/// Between parallel loops a worker keeps checking for the next one for a short while
/// (`spinLimit`) before it sleeps. A training step runs a few hundred loops a few hundred
/// microseconds apart; with Dispatch, each woke a parked thread, and on a virtual machine whose
/// host also runs other guests an idle virtual CPU can lose its physical core and take
/// milliseconds to come back, so loops waited on a late worker. A spinning worker keeps its CPU.
///
/// Handing out work: each loop is a generation; the caller publishes (generation, body, piece
/// count) under a lock, then pieces are claimed by compare-and-swap on a ticket that carries
/// the generation, so a worker that wakes late can never run a piece of a loop that has ended.
/// The caller runs pieces too and returns when every piece has finished.
@available(macOS 15, *)
final class WorkerPool: @unchecked Sendable {
    /// Checks of the generation before a worker sleeps (about 0.2–0.5 ms on this machine).
    private static let spinLimit = 200_000

    private let lock = NSCondition()
    /// Guarded by `lock`.
    private var generation = 0
    private var body: ((Int) -> Void)?
    private var pieces = 0
    private var sleepers = 0
    /// Workers 0..<helpers take part in the current loop (the engine's thread count − 1).
    private var helpers = 0

    /// The latest generation, readable without the lock while spinning.
    private let published = Atomic<Int>(0)
    /// generation << 32 | next piece.
    private let ticket = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)
    /// Workers holding a reference to the current body; the caller waits for none before it
    /// returns, since the body must not outlive the call.
    private let holders = Atomic<Int>(0)

    /// Set while a loop runs: a loop started inside another (a nested parallel loop) or from a
    /// second thread at the same time runs on its caller alone.
    private let busy = Atomic<Bool>(false)

    private(set) var workerCount = 0

    /// Starts workers until there are `count` (called only by the thread that sets the
    /// engine's thread count, before loops run).
    func ensureWorkers(_ count: Int) {
        while workerCount < count {
            let index = workerCount
            let thread = Thread { [unowned self] in self.work(index: index) }
            thread.stackSize = 8 << 20
            thread.start()
            workerCount += 1
        }
    }

    /// Runs `body(p)` for every p in 0..<pieces on the caller and the workers.
    func run(pieces count: Int, helpers: Int, _ body: (Int) -> Void) {
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            for p in 0..<count { body(p) }
            return
        }
        defer { busy.store(false, ordering: .releasing) }
        withoutActuallyEscaping(body) { body in
            lock.lock()
            generation += 1
            let current = generation
            self.body = body
            pieces = count
            self.helpers = helpers
            finished.store(0, ordering: .relaxed)
            ticket.store(current << 32, ordering: .releasing)
            published.store(current, ordering: .releasing)
            if sleepers > 0 { lock.broadcast() }
            lock.unlock()

            var done = 0
            while let p = claim(generation: current, pieces: count) {
                body(p)
                done += 1
            }
            finished.add(done, ordering: .acquiringAndReleasing)
            while finished.load(ordering: .acquiring) < count {}

            lock.lock()
            self.body = nil
            lock.unlock()
            while holders.load(ordering: .acquiring) > 0 {}
        }
    }

    /// The next piece of loop `generation`, or nil when it has none left (or has ended).
    @inline(__always)
    private func claim(generation: Int, pieces: Int) -> Int? {
        var t = ticket.load(ordering: .acquiring)
        while t >> 32 == generation && t & 0xFFFF_FFFF < pieces {
            let (exchanged, original) = ticket.compareExchange(
                expected: t, desired: t + 1, ordering: .acquiringAndReleasing)
            if exchanged { return t & 0xFFFF_FFFF }
            t = original
        }
        return nil
    }

    private func work(index: Int) {
        var seen = 0
        while true {
            var spins = 0
            while published.load(ordering: .acquiring) == seen {
                spins += 1
                if spins < Self.spinLimit { continue }
                lock.lock()
                while generation == seen {
                    sleepers += 1
                    lock.wait()
                    sleepers -= 1
                }
                lock.unlock()
                break
            }
            if joinLoop(index: index, seen: &seen) {
                holders.subtract(1, ordering: .acquiringAndReleasing)
            }
        }
    }

    /// Takes part in the newest loop if this worker is among its helpers. Every reference to
    /// the loop's body ends with this function, before the caller gives up its holder count.
    private func joinLoop(index: Int, seen: inout Int) -> Bool {
        lock.lock()
        seen = generation
        guard index < helpers, let body = self.body else {
            lock.unlock()
            return false
        }
        let count = pieces, current = seen
        holders.add(1, ordering: .acquiringAndReleasing)
        lock.unlock()
        var done = 0
        while let p = claim(generation: current, pieces: count) {
            body(p)
            done += 1
        }
        if done > 0 { finished.add(done, ordering: .acquiringAndReleasing) }
        return true
    }
}
