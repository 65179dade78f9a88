/// The parts every chart shares: title, plot area, axes with ticks, grid lines and labels,
/// and a legend. Charts draw their marks inside `plot` using `x(_:)` and `y(_:)`.
struct PlotFrame {
    var canvas: SVGCanvas
    let left: Double, top: Double, right: Double, bottom: Double
    let xAxis: Axis?, yAxis: Axis

    init(
        width: Double, height: Double, title: String, xLabel: String, yLabel: String,
        xAxis: Axis?, yAxis: Axis, legendWidth: Double = 0, bottomMargin: Double = 55
    ) {
        canvas = SVGCanvas(width: width, height: height)
        left = 70
        top = 40
        right = width - 20 - legendWidth
        bottom = height - bottomMargin
        self.xAxis = xAxis
        self.yAxis = yAxis
        canvas.text(title, x: width / 2, y: 24, size: 15, anchor: "middle", weight: "bold")
        canvas.text(xLabel, x: (left + right) / 2, y: height - 12, size: 12, anchor: "middle")
        canvas.text(yLabel, x: 16, y: (top + bottom) / 2, size: 12, anchor: "middle", rotate: -90)
        drawYAxis()
        if let xAxis { drawXAxis(xAxis) }
    }

    /// Horizontal pixel of a data x value.
    func x(_ value: Double) -> Double { left + (right - left) * xAxis!.fraction(value) }

    /// Vertical pixel of a data y value.
    func y(_ value: Double) -> Double { bottom - (bottom - top) * yAxis.fraction(value) }

    private mutating func drawYAxis() {
        for tick in yAxis.ticks {
            let py = y(tick)
            canvas.line(left, py, right, py, stroke: "#e3e3e3")
            canvas.line(left - 5, py, left, py, stroke: "#444")
            canvas.text(yAxis.label(tick), x: left - 8, y: py + 4, size: 11, anchor: "end")
        }
        canvas.line(left, top, left, bottom, stroke: "#444")
        canvas.line(left, bottom, right, bottom, stroke: "#444")
    }

    private mutating func drawXAxis(_ axis: Axis) {
        for tick in axis.ticks {
            let px = x(tick)
            canvas.line(px, bottom, px, bottom + 5, stroke: "#444")
            canvas.text(axis.label(tick), x: px, y: bottom + 18, size: 11, anchor: "middle")
        }
    }

    /// Category labels under evenly spaced slots (bar charts), slanted when crowded.
    mutating func drawCategories(_ names: [String]) {
        let slot = (right - left) / Double(names.count)
        let slant = slot < 70
        for (i, name) in names.enumerated() {
            let px = left + slot * (Double(i) + 0.5)
            canvas.line(px, bottom, px, bottom + 5, stroke: "#444")
            canvas.text(
                name, x: px, y: bottom + 17, size: 11, anchor: slant ? "end" : "middle",
                rotate: slant ? -30 : 0)
        }
    }

    /// A legend to the right of the plot area, one coloured swatch per entry.
    mutating func drawLegend(_ entries: [(name: String, color: String)]) {
        guard entries.count > 1 || !(entries.first?.name ?? "").isEmpty else { return }
        for (i, entry) in entries.enumerated() {
            let py = top + 8 + Double(i) * 18
            canvas.rect(right + 14, py - 9, 12, 12, fill: entry.color)
            canvas.text(entry.name, x: right + 32, y: py + 1, size: 11)
        }
    }
}
