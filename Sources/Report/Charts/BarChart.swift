/// Vertical bars for categories, optionally grouped (one bar per series in each category).
public struct BarChart {
    /// Chart title and axis labels.
    public var title: String, xLabel: String, yLabel: String
    /// Category names along the x axis.
    public var categories: [String]
    /// Named series; each holds one value per category.
    public var series: [(name: String, values: [Double])]
    /// Colour per series; nil takes the palette in series order.
    public var colors: [String]?
    /// Size of the SVG in pixels.
    public var width = 760.0, height = 420.0

    /// A chart of `series` over `categories`.
    public init(
        title: String, xLabel: String, yLabel: String, categories: [String],
        series: [(name: String, values: [Double])]
    ) {
        precondition(
            series.allSatisfy { $0.values.count == categories.count },
            "BarChart: every series needs one value per category")
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.categories = categories
        self.series = series
    }

    /// The chart as an SVG document; hovering a bar shows its exact value.
    public func svg() -> String {
        precondition(
            colors.map { $0.count == series.count } ?? true,
            "BarChart: \(colors?.count ?? 0) colours for \(series.count) series")
        let values = series.flatMap(\.values)
        let yAxis = Axis(low: min(0, values.min() ?? 0), high: values.max() ?? 1)
        let legendWidth = series.count > 1 ? 40 + 7 * Double(series.map(\.name.count).max()!) : 0
        var frame = PlotFrame(
            width: width, height: height, title: title, xLabel: xLabel,
            yLabel: yLabel, xAxis: nil, yAxis: yAxis, legendWidth: legendWidth,
            bottomMargin: 90)  // room for category names slanted when crowded

        let slot = (frame.right - frame.left) / Double(categories.count)
        let barWidth = slot * 0.8 / Double(series.count)
        for (s, entry) in series.enumerated() {
            for (c, value) in entry.values.enumerated() {
                let x = frame.left + slot * (Double(c) + 0.1) + barWidth * Double(s)
                let y0 = frame.y(0)
                let y1 = frame.y(value)
                frame.canvas.rect(
                    x, min(y0, y1), barWidth, abs(y0 - y1), fill: color(s),
                    title: "\(categories[c]), \(entry.name): \(yAxis.label(value))")
            }
        }
        frame.drawCategories(categories)
        if series.count > 1 {
            frame.drawLegend(series.indices.map { (series[$0].name, color($0)) })
        }
        return frame.canvas.render()
    }

    private func color(_ series: Int) -> String {
        colors?[series] ?? ChartPalette.color(series)
    }
}
