@testable import Tensor
import XCTest

/// C = beta·C + A·Bᵀ by row dot products, against double precision, on shapes with partial
/// 4 × 4 blocks and inner sizes with and without a tail past the last 16.
final class DotProductGEMMTests: XCTestCase {
    func testMatchesDoublePrecision() {
        var generator = SplitMix(seed: 12)
        for (m, n, k) in [(32, 16, 1024), (5, 7, 37), (4, 4, 16), (1, 1, 3), (9, 3, 100), (6, 13, 15)] {
            let a = (0..<(m * k)).map { _ in generator.nextFloat() }
            let b = (0..<(n * k)).map { _ in generator.nextFloat() }
            let old = (0..<(m * n)).map { _ in generator.nextFloat() }
            for accumulate in [false, true] {
                // Without accumulation C starts as NaN: it must not be read.
                var c = accumulate ? old : [Float](repeating: .nan, count: m * n)
                DotProductGEMM.multiplyTransposed(a, b, into: &c, m: m, n: n, k: k, accumulate: accumulate)
                for i in 0..<m {
                    for j in 0..<n {
                        var exact = accumulate ? Double(old[i * n + j]) : 0
                        for p in 0..<k { exact += Double(a[i * k + p]) * Double(b[j * k + p]) }
                        XCTAssertEqual(Double(c[i * n + j]), exact, accuracy: 1e-6 * Double(k),
                                       "m \(m) n \(n) k \(k) (\(i), \(j)) accumulate \(accumulate)")
                    }
                }
            }
        }
    }
}
