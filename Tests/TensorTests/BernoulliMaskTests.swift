import Tensor
import XCTest

/// Dropout masks: the drop rate, independence between neighbours and between keys, and the
/// same mask for every thread count.
final class BernoulliMaskTests: XCTestCase {
    private var savedThreads = 1
    override func setUp() { savedThreads = Engine.threads }
    override func tearDown() { Engine.setThreads(savedThreads) }

    private func mask(count: Int, key: UInt64, drop: Float, keep: Float = 2) -> [Float] {
        var values = [Float](repeating: .nan, count: count)
        values.withUnsafeMutableBufferPointer {
            BernoulliMask.fill($0.baseAddress!, count: count, key: key, drop: drop, keep: keep)
        }
        return values
    }

    func testDropRateAndValues() {
        let n = 1 << 20
        for drop: Float in [0.1, 0.3, 0.5, 0.9] {
            let keep = 1 / (1 - drop)
            let values = mask(count: n, key: 0xDEC0DE, drop: drop, keep: keep)
            XCTAssertTrue(values.allSatisfy { $0 == 0 || $0 == keep }, "only 0 and 1/(1 − p)")
            let dropped = Double(values.filter { $0 == 0 }.count) / Double(n)
            // Five standard deviations of a binomial proportion: 0.0023 at p = 0.5.
            let sigma = (Double(drop) * (1 - Double(drop)) / Double(n)).squareRoot()
            XCTAssertEqual(dropped, Double(drop), accuracy: 5 * sigma, "drop rate at p = \(drop)")
        }
        XCTAssertFalse(mask(count: 4096, key: 1, drop: 0).contains(0), "p = 0 drops nothing")
    }

    func testNeighboursAndKeysAreIndependent() {
        let n = 1 << 20, p = 0.3
        let a = mask(count: n, key: 42, drop: Float(p)).map { $0 == 0 }
        let b = mask(count: n, key: 43, drop: Float(p)).map { $0 == 0 }
        let sigma = (p * p * (1 - p * p) / Double(n)).squareRoot()
        // Adjacent elements (lane neighbours and across vectors of 16) and elements 16 apart.
        for lag in [1, 15, 16, 17] {
            let both = Double((0..<(n - lag)).filter { a[$0] && a[$0 + lag] }.count) / Double(n - lag)
            XCTAssertEqual(both, p * p, accuracy: 5 * sigma, "lag \(lag)")
        }
        // Consecutive keys (as consecutive layers draw them) give unrelated masks.
        let together = Double((0..<n).filter { a[$0] && b[$0] }.count) / Double(n)
        XCTAssertEqual(together, p * p, accuracy: 5 * sigma, "keys 42 and 43")
    }

    func testSameMaskForEveryThreadCountAndLength() {
        Engine.setThreads(1)
        let reference = mask(count: 100_003, key: 7, drop: 0.25)
        for threads in [2, 3] {
            Engine.setThreads(threads)
            XCTAssertEqual(mask(count: 100_003, key: 7, drop: 0.25), reference, "\(threads) threads")
        }
        // A prefix of a longer mask: the vector body and the scalar tail agree.
        XCTAssertEqual(mask(count: 37, key: 7, drop: 0.25), Array(reference.prefix(37)))
    }
}
