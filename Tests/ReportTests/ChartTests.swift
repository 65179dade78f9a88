import Foundation
import XCTest

@testable import Report

#if canImport(FoundationXML)
    import FoundationXML
#endif

final class ChartTests: XCTestCase {
    func testNiceTicks() {
        XCTAssertEqual(Axis(low: 0, high: 6000).ticks, [0, 1000, 2000, 3000, 4000, 5000, 6000])
        XCTAssertEqual(Axis(low: 0.13, high: 0.92).ticks, [0, 0.2, 0.4, 0.6, 0.8, 1.0])
        XCTAssertEqual(
            Axis(low: 0, high: 255, extendToTicks: false).ticks, [0, 50, 100, 150, 200, 250])
        let log = Axis(low: 3e-4, high: 0.6, logarithmic: true)
        XCTAssertEqual(log.ticks.count, 5)
        XCTAssertEqual(log.ticks.map(log.label), ["1e-4", "0.001", "0.01", "0.1", "1"])
        let flat = Axis(low: 5, high: 5)
        XCTAssertLessThan(flat.low, 5)
        XCTAssertGreaterThan(flat.high, 5)
        XCTAssertEqual(Axis(low: 0, high: 1).label(0.5), "0.5")
    }

    /// Thousands of points are reduced per pixel column but keep each column's extremes.
    func testLineChartDecimatesLongSeriesAndKeepsSpikes() {
        var values = (0..<20_000).map { sin(Double($0) / 500) }
        values[12_345] = 9
        var chart = LineChart(
            title: "loss", xLabel: "step", yLabel: "value",
            series: [
                .init(name: "D", values: values), .init(name: "G", values: values.map { -$0 }),
            ])
        chart.width = 600
        let svg = chart.svg()
        XCTAssertLessThan(svg.count, 200_000, "decimated SVG stays small")
        XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 2)
        XCTAssertTrue(svg.contains(">D</text>") && svg.contains(">G</text>"), "legend")
        let points = (0..<5000).map { (Double($0) / 10, Double($0 % 7)) }
        let reduced = LineChart.decimate(points)
        XCTAssertLessThan(reduced.count, 2100)
        XCTAssertEqual(reduced.map(\.1).max(), 6)
        XCTAssertEqual(reduced.map(\.1).min(), 0)
    }

    func testChartsAreWellFormedXMLWithTitlesAndEscaping() throws {
        let bar = BarChart(
            title: "A & B", xLabel: "class", yLabel: "n", categories: ["<x>", "y"],
            series: [("s", [1, 2])]
        ).svg()
        let hist = Histogram(
            title: "h", xLabel: "v", yLabel: "c", edges: [0, 1, 2], counts: [3, 0]
        ).svg()
        for svg in [bar, hist] {
            XCTAssertNoThrow(try XMLDocument(xmlString: svg), "SVG parses as XML")
        }
        XCTAssertTrue(bar.contains("A &amp; B"))
        XCTAssertTrue(bar.contains("&lt;x&gt;"))
        let binned = Histogram.bin([0, 0.5, 1.5, 2, 7], bins: 2, range: 0...2)
        XCTAssertEqual(binned.counts, [2, 2])
        XCTAssertEqual(binned.edges, [0, 1, 2])
    }
}
