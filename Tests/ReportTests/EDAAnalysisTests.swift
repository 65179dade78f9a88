import Datasets
import Foundation
import TestSupport
import XCTest

@testable import Report

final class EDAAnalysisTests: XCTestCase {
    /// Train: 4 images (values 0, 100, 200 flat; the last a copy of the 100 image but labelled
    /// 1); test: the 200 image (label 2) and a near copy of it (one pixel off by 28).
    private func splits() -> [LabelledImages] {
        func flat(_ v: UInt8) -> [UInt8] { [UInt8](repeating: v, count: 784) }
        var near = flat(200)
        near[0] = 228
        let train = LabelledImages(
            split: .train, pixels: flat(0) + flat(100) + flat(200) + flat(100),
            labels: [0, 1, 2, 3], imagesSHA256: "", labelsSHA256: "")
        let test = LabelledImages(
            split: .test, pixels: flat(200) + near, labels: [2, 2],
            imagesSHA256: "", labelsSHA256: "")
        return [train, test]
    }

    func testStatisticsHaveTheKnownValues() {
        let analysis = EDAAnalysis(splits: splits(), nearDuplicateThreshold: 1)
        let s = analysis.summary(dataDirectory: "/x", verified: true, figures: [], seconds: 0)
        // Train pixels: 0, 100, 200, 100 in equal numbers: mean 100, std sqrt(5000).
        let train = s.splits[0].statistics
        XCTAssertEqual(train.mean, 100, accuracy: 1e-9)
        XCTAssertEqual(train.std, 5000.0.squareRoot(), accuracy: 1e-9)
        XCTAssertEqual([train.min, train.max], [0, 200])
        XCTAssertEqual(train.backgroundShare, 0.25, accuracy: 1e-12)
        XCTAssertEqual(s.splits[0].classCounts, [1, 1, 1, 1, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(s.overall.images, 6)
        let overallMean: Double = (0 + 100 + 200 + 100 + 200 + 200) / 6 + 28.0 / 784 / 6
        XCTAssertEqual(s.overall.mean, overallMean, accuracy: 1e-9)
        XCTAssertEqual(s.classes[2].statistics.images, 3)
        XCTAssertEqual(s.classes[0].statistics.backgroundShare, 1)
        XCTAssertEqual(s.cleaning.blankImages, 1)
        XCTAssertEqual(analysis.classAccumulators[2].meanImage[1], 200)
        // Class 2, pixel 0: values 200, 200, 228 -> std = 28 * sqrt(2) / 3.
        let expectedStd: Double = 28 * 2.0.squareRoot() / 3
        XCTAssertEqual(analysis.classAccumulators[2].stdImage[0], expectedStd, accuracy: 1e-9)
    }

    func testExactAndNearDuplicates() {
        let analysis = EDAAnalysis(splits: splits(), nearDuplicateThreshold: 1.0)
        let c = analysis.summary(dataDirectory: "", verified: true, figures: [], seconds: 0)
            .cleaning
        // Groups: {train 1, train 3} (labels 1, 3: conflicting), {train 2, test 0} (across).
        XCTAssertEqual(c.exactDuplicates.groups, 2)
        XCTAssertEqual(c.exactDuplicates.redundantCopies, 2)
        XCTAssertEqual(c.exactDuplicates.withinTrain, 1)
        XCTAssertEqual(c.exactDuplicates.acrossSplits, 1)
        XCTAssertEqual(c.exactDuplicates.conflictingLabels, 1)
        // The near copy is 28 / sqrt(784) = 1.0 RMS from both 200 images: 2 pairs at <= 1.0.
        XCTAssertEqual(c.nearDuplicates.pairs, 2)
        XCTAssertEqual(c.nearDuplicates.acrossSplits, 1)
        XCTAssertEqual(c.nearDuplicates.withinTest, 1)
        XCTAssertEqual(c.nearDuplicates.examples.first?.last, "1.00")
        let tighter = EDAAnalysis(splits: splits(), nearDuplicateThreshold: 0.99)
        XCTAssertEqual(tighter.nearPairs.count, 0)
    }

    /// The sorted sweep finds exactly the pairs brute force finds, on random images.
    func testNearDuplicateSweepMatchesBruteForce() {
        var rng = SystemRandomNumberGenerator()
        let base = (0..<784).map { _ in UInt8.random(in: 0...255, using: &rng) }
        var pixels: [UInt8] = []
        for _ in 0..<60 {
            pixels += base.map { v in
                UInt8(clamping: Int(v) + Int.random(in: -30...30, using: &rng))
            }
        }
        let finder = DuplicateFinder(pixels: pixels, pixelsPerImage: 784)
        let threshold = 24.5
        var expected: [[Int]] = []
        for i in 0..<60 {
            for j in (i + 1)..<60 {
                let d = (0..<784).reduce(0) { t, p in
                    let e = Int(pixels[i * 784 + p]) - Int(pixels[j * 784 + p])
                    return t + e * e
                }
                if d > 0 && Double(d) / 784 <= threshold * threshold { expected.append([i, j]) }
            }
        }
        XCTAssertFalse(expected.isEmpty)
        XCTAssertEqual(finder.nearPairs(threshold: threshold).map { [$0.i, $0.j] }, expected)
    }

    func testReportFilesAreWritten() throws {
        let dir = SharedData.temporaryDirectory("eda")
        let analysis = EDAAnalysis(splits: splits(), nearDuplicateThreshold: 1)
        let figures = analysis.figures()
        XCTAssertTrue(figures.contains { $0.file == "near_duplicates.png" })
        let summary = analysis.summary(
            dataDirectory: dir.path, verified: false, figures: figures.map(\.file), seconds: 0)
        let html = EDAPage.html(summary, figures: figures)
        XCTAssertTrue(html.contains("<svg"))
        XCTAssertTrue(html.contains("data:image/png;base64,"))
        XCTAssertTrue(html.contains("did not match"))
        let json = try JSONEncoder().encode(summary)
        let decoded = try JSONDecoder().decode(EDASummary.self, from: json)
        XCTAssertEqual(decoded.cleaning.exactDuplicates.groups, 2)
    }
}
