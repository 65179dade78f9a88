import Foundation
import Formats
import TestSupport
import XCTest

@testable import Evaluation

final class FrechetDistanceTests: XCTestCase {
    private let directory = SharedData.reference("fid")

    private func manifestCases() throws -> [String: [String: Any]] {
        let data = try Data(contentsOf: directory.appendingPathComponent("manifest.json"))
        let manifest = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return try XCTUnwrap(manifest?["frechet_cases"] as? [String: [String: Any]])
    }

    /// Relative tolerance per case, from the README: full-rank cases agree with
    /// pytorch-fid's `sqrtm` to ~1e-13; when `sqrtm` turns complex (n < d) to ~1e-7.
    private func tolerance(_ spec: [String: Any]) -> Double {
        (spec["sqrtm_is_complex"] as? Bool) == true ? 1e-7 : 1e-12
    }

    /// Every case with stored feature sets: statistics as numpy computes them, and the
    /// distance as pytorch-fid reports it.
    func testManifestCasesWithFeatureSets() throws {
        let (tensors, _) = try SafeTensors.read(
            directory.appendingPathComponent("frechet_cases.safetensors"))
        var checked = 0
        for (name, spec) in try manifestCases() {
            guard let f1 = tensors["\(name)/f1"], let f2 = tensors["\(name)/f2"] else { continue }
            let s1 = try FeatureStatistics(features: f1.doubles(), dimension: f1.shape[1])
            let s2 = try FeatureStatistics(features: f2.doubles(), dimension: f2.shape[1])
            for (key, observed) in [
                ("mu1", s1.mean), ("sigma1", s1.covariance),
                ("mu2", s2.mean), ("sigma2", s2.covariance),
            ] {
                let expected = try XCTUnwrap(tensors["\(name)/\(key)"]).doubles()
                let worst = zip(expected, observed).map { abs($0 - $1) }.max() ?? .infinity
                // Same float64 sums in another order: differences of a few ulps.
                XCTAssertLessThan(worst, 1e-13, "\(name) \(key): worst abs difference")
            }

            let expected = try XCTUnwrap(spec["fd_pytorch_fid"] as? Double)
            let observed = try frechetDistance(s1, s2)
            let relative = abs(observed - expected) / expected
            XCTAssertLessThan(
                relative, tolerance(spec),
                "\(name): expected \(expected), observed \(observed)")
            checked += 1
        }
        XCTAssertGreaterThanOrEqual(checked, 4, "cases with feature sets")
    }

    /// Cases described from the network features (set2 = set1 * 1.1 + 0.01): rank 3 in
    /// 2048 dimensions, where implementations agree to ~1e-4 (README).
    func testManifestCasesFromNetworkFeatures() throws {
        let (io, _) = try SafeTensors.read(
            directory.appendingPathComponent("fid_reference_io.safetensors"))
        let features = try XCTUnwrap(io["features2048"])
        let set1 = features.floats().map(Double.init)
        let set2 = set1.map { $0 * 1.1 + 0.01 }
        let cases = try manifestCases().filter {
            ($0.value["desc"] as? String)?.contains("set1*1.1+0.01") == true
        }
        XCTAssertFalse(cases.isEmpty)
        for (name, spec) in cases {
            let s1 = try FeatureStatistics(features: set1, dimension: 2048)
            let s2 = try FeatureStatistics(features: set2, dimension: 2048)
            let expected = try XCTUnwrap(spec["fd_pytorch_fid"] as? Double)
            let observed = try frechetDistance(s1, s2)
            XCTAssertEqual(observed, expected, accuracy: 1e-4 * expected, name)
        }
    }

    /// A distribution is at distance 0 from itself, whatever its covariance's rank.
    func testIdenticalStatisticsAreAtZero() throws {
        let features: [Double] = (0..<60).map { sin(Double($0) * 0.7) + Double($0 % 5) }
        let stats = try FeatureStatistics(features: features, dimension: 6)
        XCTAssertEqual(try frechetDistance(stats, stats), 0, accuracy: 1e-12)
    }

    /// Mismatched widths and single samples are typed errors.
    func testInvalidInputsThrow() throws {
        let a = try FeatureStatistics(features: [Double](repeating: 1, count: 8), dimension: 4)
        let b = try FeatureStatistics(features: [Double](repeating: 1, count: 6), dimension: 3)
        XCTAssertThrowsError(try frechetDistance(a, b)) {
            let expected = MetricError.dimensionMismatch(expected: 4, found: 3, what: "FID")
            XCTAssertEqual($0 as? MetricError, expected)
        }
        XCTAssertThrowsError(try FeatureStatistics(features: [1.0, 2.0], dimension: 2))
    }

    /// The cache round-trips exactly, metadata included.
    func testStatisticsCacheRoundTrips() throws {
        let stats = try FeatureStatistics(
            features: (0..<40).map { Float($0).squareRoot() }, dimension: 4)
        let url = SharedData.temporaryDirectory("fidcache").appendingPathComponent("s.safetensors")
        try stats.save(to: url, metadata: ["extractor": "fmnist-cnn"])
        let (loaded, metadata) = try FeatureStatistics.load(from: url)
        XCTAssertEqual(loaded, stats)
        XCTAssertEqual(metadata["extractor"], "fmnist-cnn")
    }
}
