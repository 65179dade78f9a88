import Formats
import Foundation
import GAN
import TestSupport
import XCTest

@testable import Report
@testable import Study

/// The study report on tiny synthetic studies written into a temporary directory.
final class StudyReportTests: XCTestCase {
    /// Every report file is written; the page names each variant, the metric, the sample
    /// counts and the best variant; and every local file the page links to exists.
    func testReportFilesAndContent() throws {
        let directory = try Fixture.study(seeds: [1, 2])
        let results = Fixture.results(seeds: [1, 2])
        try Fixture.writeJSON(results, to: directory)
        try StudyReport.write(results: results, studyDirectory: directory)

        for name in ["report.html", "report.md", "results.csv", "figures/fid-over-epochs.svg",
                     "figures/samples-baseline.png", "figures/class-distribution.svg"] {
            XCTAssertTrue(exists(directory, name), "\(name) was not written")
        }
        let html = try String(contentsOf: directory.appendingPathComponent("report.html"))
        let markdown = try String(contentsOf: directory.appendingPathComponent("report.md"))
        for text in ["<b>baseline</b>", "<b>dropout</b>", "FID (FMNIST-CNN)",
                     "n = 500 vs 1,000", "best by FID", "1 diverged",
                     "best variant is the baseline itself", "winograd (DCGANLAB_CONVOLUTION)"] {
            XCTAssertTrue(html.contains(text), "report.html lacks \"\(text)\"")
        }
        XCTAssertTrue(markdown.contains("| **dropout**"), "report.md lacks the dropout row")
        XCTAssertTrue(markdown.contains("FID (FMNIST-CNN)"))

        let links = Fixture.localLinks(html)
        XCTAssertGreaterThan(links.count, 10, "expected figures and sample grids: \(links)")
        for link in links {
            XCTAssertTrue(exists(directory, link), "report.html links to missing \(link)")
        }
    }

    /// One row per run in `results.csv`, with its values; the diverged run has empty metrics.
    func testCSVRows() throws {
        let text = ResultsCSV.text(Fixture.results(seeds: [1, 2]))
        let lines = text.split(separator: "\n").map { $0.split(
            separator: ",", omittingEmptySubsequences: false).map(String.init) }
        XCTAssertEqual(lines.count, 5, "header + 4 runs")
        XCTAssertEqual(lines[0], ResultsCSV.header)
        XCTAssertTrue(lines.allSatisfy { $0.count == ResultsCSV.header.count })

        let column = { (name: String) in ResultsCSV.header.firstIndex(of: name)! }
        let first = lines[1]
        XCTAssertEqual(first[column("variant")], "baseline")
        XCTAssertEqual(first[column("seed")], "1")
        XCTAssertEqual(first[column("status")], "completed")
        XCTAssertEqual(Double(first[column("fid")]), 30.5)
        XCTAssertEqual(first[column("classes_covered")], "10")
        XCTAssertEqual(first[column("best_epoch")], "2")
        let diverged = lines[4]
        XCTAssertEqual(diverged[column("status")], "diverged")
        XCTAssertEqual(diverged[column("fid")], "")
        XCTAssertEqual(diverged[column("best_fid")], "")
    }

    /// Missing and non-finite values print as "–"; intervals say when there is one seed.
    func testMissingValues() {
        XCTAssertEqual(StudyFormat.number(nil, 2), "–")
        XCTAssertEqual(StudyFormat.number(.nan, 2), "–")
        XCTAssertEqual(StudyFormat.pValue(.infinity), "–")
        XCTAssertEqual(StudyFormat.estimate(Estimate(mean: nil, std: nil, values: []), 1), "–")
        XCTAssertEqual(StudyFormat.estimate(Estimate(mean: 3, std: .nan, values: [3]), 1), "3.0")
        XCTAssertEqual(
            StudyFormat.estimate(Estimate(mean: 3, std: 0.25, values: [2.75, 3.25]), 2),
            "3.00 ± 0.25")
        XCTAssertEqual(
            StudyFormat.interval(Estimate(mean: 1, std: nil, values: [1]), 1),
            "no interval (1 seed)")
        XCTAssertEqual(StudyFormat.signed(-1.5, 1), "−1.5")
    }

    /// p-values in sentences: "p = 0.003", and "p < 0.001" rather than "p = < 0.001".
    func testPStatements() {
        XCTAssertEqual(StudyFormat.pStatement(0.0031), "p = 0.003")
        XCTAssertEqual(StudyFormat.pStatement(0.25), "p = 0.25")
        XCTAssertEqual(StudyFormat.pStatement(0.0002), "p < 0.001")
        XCTAssertEqual(StudyFormat.pStatement(nil), "p = –")
    }

    /// One seed, no sample grids and no history: the report still comes out and says so.
    func testOneSeedWithoutRunFiles() throws {
        let directory = SharedData.temporaryDirectory("study-report-bare")
        var results = Fixture.results(seeds: [1])
        results.runs[1].final = nil
        try Fixture.writeJSON(results, to: directory)
        try StudyReport.write(results: results, studyDirectory: directory)

        let html = try String(contentsOf: directory.appendingPathComponent("report.html"))
        for text in ["(sample grid missing)", "sample grids missing", "One seed per variant",
                     "no interval (1 seed)", "No loss history"] {
            XCTAssertTrue(html.contains(text), "report.html lacks \"\(text)\"")
        }
        for link in Fixture.localLinks(html) {
            XCTAssertTrue(exists(directory, link), "report.html links to missing \(link)")
        }
    }

    /// A study of one variant and one seed: no comparison, and the answer says so.
    func testSingleVariant() throws {
        let directory = try Fixture.study(seeds: [1])
        var results = Fixture.results(seeds: [1])
        results.plan.variants = ["baseline"]
        results.runs.removeAll { $0.variant != "baseline" }
        results.variants.removeAll { $0.variant != "baseline" }
        try StudyReport.write(results: results, studyDirectory: directory)

        let html = try String(contentsOf: directory.appendingPathComponent("report.html"))
        XCTAssertTrue(html.contains("the study ran only <b>baseline</b>"))
        XCTAssertTrue(html.contains("No variant was compared with a baseline."))
        XCTAssertEqual(ResultsCSV.text(results).split(separator: "\n").count, 2)
    }

    /// The animation holds IHDR, acTL, then fcTL + IDAT for the first frame and fcTL + fdAT
    /// for each other, with one sequence counter; a plain PNG reader sees frame 0.
    func testAPNGChunks() throws {
        let frames = (0..<3).map { k in
            PixelImage(width: 5, height: 4, channels: 1,
                       pixels: (0..<20).map { UInt8(($0 * 13 + k * 40) % 256) })
        }
        let bytes = APNGEncoder.encode(frames, delayMilliseconds: 250)
        let chunks = Fixture.chunks(bytes)
        XCTAssertEqual(chunks.map(\.type), ["IHDR", "acTL", "fcTL", "IDAT", "fcTL", "fdAT",
                                            "fcTL", "fdAT", "IEND"])
        let actl = chunks[1].body
        XCTAssertEqual(Fixture.uint32(actl, 0), 3, "frame count")
        XCTAssertEqual(Fixture.uint32(actl, 4), 0, "plays forever")
        let sequence = chunks.filter { ["fcTL", "fdAT"].contains($0.type) }
            .map { Fixture.uint32($0.body, 0) }
        XCTAssertEqual(sequence, [0, 1, 2, 3, 4])
        let fctl = chunks[2].body
        XCTAssertEqual(fctl.count, 26)
        XCTAssertEqual([Fixture.uint32(fctl, 4), Fixture.uint32(fctl, 8)], [5, 4])
        XCTAssertEqual(Array(fctl[20..<24]), [0, 250, 0x03, 0xE8], "250/1000 s")
        XCTAssertEqual(try PNGDecoder.decode(bytes, path: "animation"), frames[0])
    }

    /// The study's animation has one frame per epoch grid.
    func testStudyAnimationFrameCount() throws {
        let directory = try Fixture.study(seeds: [1])
        try StudyReport.write(results: Fixture.results(seeds: [1]), studyDirectory: directory)
        let bytes = try [UInt8](Data(contentsOf: directory.appendingPathComponent(
            "figures/samples-dropout.png")))
        let chunks = Fixture.chunks(bytes)
        XCTAssertEqual(Fixture.uint32(chunks[1].body, 0), UInt32(Fixture.epochs))
        XCTAssertEqual(chunks.filter { $0.type == "fcTL" }.count, Fixture.epochs)
    }

    private func exists(_ directory: URL, _ path: String) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent(path).path)
    }
}
