import Foundation
import Tensor
import XCTest

@testable import Evaluation

/// KID, precision/recall/density/coverage and class coverage on small cases with known
/// answers (closed forms, a brute-force oracle, or values from a numpy reference).
final class SampleMetricsTests: XCTestCase {
    /// Deterministic features: sin(0.37 i + offset) · 1.5 + cos(0.11 k i) over the flat index.
    private func waves(rows: Int, dimension: Int, offset: Double, k: Double) -> [Float] {
        (0..<(rows * dimension)).map { (i: Int) -> Float in
            let t = Double(i)
            return Float(sin(t * 0.37 + offset) * 1.5 + cos(t * 0.11 * k))
        }
    }

    private func gaussian(rows: Int, dimension: Int, shift: Float, seed: UInt64) -> [Float] {
        var random = RandomStream(seed: seed, purpose: "test-features")
        return (0..<(rows * dimension)).map { _ in random.nextNormal() + shift }
    }

    /// Straight from the definition, in float64, for the whole sets.
    private func bruteForceMMD(_ x: [Float], _ y: [Float], dimension d: Int) -> Double {
        func k(_ a: [Float], _ i: Int, _ b: [Float], _ j: Int) -> Double {
            var dot = 0.0
            for c in 0..<d { dot += Double(a[i * d + c]) * Double(b[j * d + c]) }
            return pow(dot / Double(d) + 1, 3)
        }
        let m = x.count / d, n = y.count / d
        var xx = 0.0, yy = 0.0, xy = 0.0
        for i in 0..<m { for j in 0..<m where i != j { xx += k(x, i, x, j) } }
        for i in 0..<n { for j in 0..<n where i != j { yy += k(y, i, y, j) } }
        for i in 0..<m { for j in 0..<n { xy += k(x, i, y, j) } }
        return xx / Double(m * (m - 1)) + yy / Double(n * (n - 1)) - 2 * xy / Double(m * n)
    }

    func testKIDOfWholeSetsEqualsTheUnbiasedMMD() throws {
        let x = gaussian(rows: 30, dimension: 5, shift: 0, seed: 1)
        let y = gaussian(rows: 30, dimension: 5, shift: 0.5, seed: 2)
        // A subset as large as the sets is the whole set: every subset gives the same value.
        let kid = try KernelInceptionDistance(real: x, generated: y, dimension: 5, subsets: 3)
        let expected = bruteForceMMD(x, y, dimension: 5)
        XCTAssertEqual(kid.subsetSize, 30)
        // Float32 inner products: relative error ~1e-6 of the kernel sums.
        XCTAssertEqual(kid.mean, expected, accuracy: 1e-5 * abs(expected) + 1e-6)
        XCTAssertEqual(kid.standardDeviation, 0, accuracy: 1e-12)
    }

    func testKIDIsNearZeroForOneDistributionAndSeeded() throws {
        let x = gaussian(rows: 400, dimension: 8, shift: 0, seed: 3)
        let y = gaussian(rows: 400, dimension: 8, shift: 0, seed: 4)
        let z = gaussian(rows: 400, dimension: 8, shift: 1, seed: 5)
        let same = try KernelInceptionDistance(
            real: x, generated: y, dimension: 8, subsets: 20, subsetSize: 100, seed: 7)
        let shifted = try KernelInceptionDistance(
            real: x, generated: z, dimension: 8, subsets: 20, subsetSize: 100, seed: 7)
        // Unbiased: the mean over subsets sits within a few of its standard errors of 0.
        XCTAssertLessThan(abs(same.mean), 4 * same.standardDeviation / sqrt(20) + 1e-3)
        XCTAssertGreaterThan(shifted.mean, 20 * abs(same.mean))
        let again = try KernelInceptionDistance(
            real: x, generated: y, dimension: 8, subsets: 20, subsetSize: 100, seed: 7)
        XCTAssertEqual(again, same, "same seed, same result")
        XCTAssertThrowsError(try KernelInceptionDistance(real: [1], generated: [1], dimension: 1))
    }

    func testManifoldMetricsOfIdenticalAndDisjointSets() throws {
        let x = gaussian(rows: 50, dimension: 4, shift: 0, seed: 6)
        let same = try ManifoldMetrics(real: x, generated: x, dimension: 4)
        XCTAssertEqual(same.precision, 1)
        XCTAssertEqual(same.recall, 1)
        XCTAssertEqual(same.coverage, 1)

        let far = try ManifoldMetrics(
            real: x, generated: gaussian(rows: 40, dimension: 4, shift: 100, seed: 7),
            dimension: 4)
        XCTAssertEqual([far.precision, far.recall, far.density, far.coverage], [0, 0, 0, 0])
        XCTAssertThrowsError(try ManifoldMetrics(real: x, generated: [1, 2, 3, 4], dimension: 4))
    }

    func testManifoldMetricsMatchNumpyReference() throws {
        // numpy float64 brute force on the same features gave 0.7, 1.0, 0.76, 0.95; every
        // distance is at least 2e-3 from a ball's radius, far above float32 rounding.
        let real = waves(rows: 40, dimension: 6, offset: 0, k: 1)
        let generated = waves(rows: 30, dimension: 6, offset: 0.5, k: 2).map { $0 * 1.3 + 0.6 }
        let metrics = try ManifoldMetrics(real: real, generated: generated, dimension: 6)
        XCTAssertEqual(metrics.precision, 0.7, accuracy: 1e-12)
        XCTAssertEqual(metrics.recall, 1.0, accuracy: 1e-12)
        XCTAssertEqual(metrics.density, 0.76, accuracy: 1e-12)
        XCTAssertEqual(metrics.coverage, 0.95, accuracy: 1e-12)
    }

    func testClassCoverageFromPredictions() {
        let collapsed = ClassCoverage(predictions: [Int](repeating: 3, count: 99) + [4])
        XCTAssertEqual(collapsed.counts[3], 99)
        XCTAssertEqual(collapsed.classesCovered, 2, "class 4 holds exactly 1%")
        let uniform = ClassCoverage(predictions: (0..<1000).map { $0 % 10 })
        XCTAssertEqual(uniform.entropy, log(10), accuracy: 1e-12)
        XCTAssertEqual(uniform.klFromUniform, 0, accuracy: 1e-12)
        XCTAssertEqual(uniform.classesCovered, 10)
        XCTAssertNil(uniform.inceptionScore)
    }

    func testInceptionScoreClosedForms() {
        // Confident and uniform over 10 classes: IS = 10; confident, one class: IS = 1;
        // every prediction uniform (no information): IS = 1.
        let oneHot = (0..<50).flatMap { row in (0..<10).map { $0 == row % 10 ? 1.0 : 0.0 } }
        XCTAssertEqual(ClassCoverage(probabilities: oneHot).inceptionScore!, 10, accuracy: 1e-12)
        let single = (0..<50).flatMap { _ in (0..<10).map { $0 == 2 ? 1.0 : 0.0 } }
        let collapsed = ClassCoverage(probabilities: single)
        XCTAssertEqual(collapsed.inceptionScore!, 1, accuracy: 1e-12)
        XCTAssertEqual(collapsed.classesCovered, 1)
        XCTAssertEqual(collapsed.entropy, 0, accuracy: 1e-12)
        XCTAssertEqual(collapsed.klFromUniform, log(10), accuracy: 1e-12)
        let flat = [Float](repeating: 0.1, count: 200)
        XCTAssertEqual(ClassCoverage(probabilities: flat).inceptionScore!, 1, accuracy: 1e-6)
    }
}
