import Dispatch
import Tensor
import XCTest

/// `Engine.parallelFor` covers every index exactly once, for any thread count, when loops
/// nest, and when two threads start loops at the same time.
final class ParallelTests: XCTestCase {
    private var savedThreads = 1

    override func setUp() { savedThreads = Engine.threads }
    override func tearDown() { Engine.setThreads(savedThreads) }

    private func visits(_ count: Int, nested: Bool = false) -> [Int] {
        let marks = UnsafeMutablePointer<Int>.allocate(capacity: count)
        marks.initialize(repeating: 0, count: count)
        defer { marks.deallocate() }
        Engine.parallelFor(count) { range in
            for i in range {
                if nested {
                    // A loop inside a loop runs on its caller; it must still finish.
                    var inner = 0
                    Engine.parallelFor(8) { r in inner += r.count }
                    marks[i] += inner / 8
                } else {
                    marks[i] += 1
                }
            }
        }
        return Array(UnsafeBufferPointer(start: marks, count: count))
    }

    func testEveryIndexOnceForEveryThreadCount() {
        for threads in [2, 3, 1, 2, 4] {
            Engine.setThreads(threads)
            for count in [1, 2, 7, 1000, 100_003] {
                XCTAssertEqual(visits(count), Array(repeating: 1, count: count), "\(count) on \(threads) threads")
            }
        }
    }

    func testNestedLoopsFinish() {
        Engine.setThreads(2)
        XCTAssertEqual(visits(300, nested: true), Array(repeating: 1, count: 300))
    }

    func testLoopsFromTwoThreadsAtOnce() {
        Engine.setThreads(2)
        let results = UnsafeMutablePointer<Bool>.allocate(capacity: 2)
        defer { results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: 2) { t in
            var ok = true
            for _ in 0..<50 { ok = ok && visits(5000) == Array(repeating: 1, count: 5000) }
            results[t] = ok
        }
        XCTAssertTrue(results[0] && results[1])
    }
}
