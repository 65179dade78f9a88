import Foundation
@testable import Tensor
import XCTest

/// The vectorised tanh against tanh in double precision.
final class VectorTanhTests: XCTestCase {
    /// Distance in float32 ulps between a result and the exactly rounded value.
    private func ulps(_ value: Float, _ exact: Double) -> Int {
        let rounded = Float(exact)
        if value == rounded { return 0 }
        return abs(Int(value.bitPattern) - Int(rounded.bitPattern))
    }

    private func apply(_ xs: [Float]) -> [Float] {
        var out = [Float](repeating: .nan, count: xs.count)
        xs.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                VectorTanh.apply(src.baseAddress!, dst.baseAddress!, count: xs.count)
            }
        }
        return out
    }

    func testWithinTwoUlpsAcrossTheRange() {
        // Every 397th float bit pattern from 0 up to 12 (about 2.7 million values) and their
        // negatives, which covers both formulas, the switch at 0.625, subnormals and the
        // saturation near 9.
        var xs: [Float] = []
        var bits: UInt32 = 0
        while Float(bitPattern: bits) < 12 {
            xs.append(Float(bitPattern: bits))
            xs.append(-Float(bitPattern: bits))
            bits += 397
        }
        let switchPoint: Float = 0.625, saturation: Float = 9
        let edges: [Float] = [switchPoint, switchPoint.nextDown, switchPoint.nextUp, saturation,
                              saturation.nextDown, saturation.nextUp, 1e-30, -1e-30]
        xs += edges
        let ys = apply(xs)
        var worst = 0, worstX: Float = 0
        for (x, y) in zip(xs, ys) {
            let e = ulps(y, Foundation.tanh(Double(x)))
            if e > worst { (worst, worstX) = (e, x) }
        }
        XCTAssertLessThanOrEqual(worst, 2, "worst at x = \(worstX)")
    }

    func testSpecialValuesAndOddSymmetry() {
        let xs: [Float] = [0, -0.0, .infinity, -.infinity, .nan, 100, -100, Float.leastNonzeroMagnitude,
                           3, -3, 0.3, -0.3, 1e-8]
        let ys = apply(xs)
        XCTAssertEqual(ys[0].bitPattern, Float(0).bitPattern)
        XCTAssertEqual(ys[1].bitPattern, Float(-0.0).bitPattern, "tanh(-0) is -0")
        XCTAssertEqual(ys[2], 1)
        XCTAssertEqual(ys[3], -1)
        XCTAssertTrue(ys[4].isNaN)
        XCTAssertEqual(ys[5], 1)
        XCTAssertEqual(ys[6], -1)
        XCTAssertEqual(ys[7], Float.leastNonzeroMagnitude)
        XCTAssertEqual(ys[8], -ys[9])
        XCTAssertEqual(ys[10], -ys[11])
        XCTAssertEqual(ys[12], 1e-8)
    }

    func testTailMatchesTheVectorBody() {
        // 37 values: two full vectors and a padded tail; the same value gives the same result
        // wherever it sits.
        let xs = (0..<37).map { Float($0 % 5) * 0.4 - 0.8 }
        let ys = apply(xs)
        for i in 0..<37 { XCTAssertEqual(ys[i].bitPattern, ys[i % 5].bitPattern) }
    }
}
