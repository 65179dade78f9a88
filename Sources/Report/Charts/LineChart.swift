/// A line chart of one or more series, each with its own x values (epochs, steps, ...).
public struct LineChart {
    /// One named line.
    public struct Series {
        /// Legend name.
        public var name: String
        /// Points in data units, in drawing order.
        public var points: [(x: Double, y: Double)]
        /// Line colour; nil takes the palette colour of the series' position.
        public var color: String?
        /// A thin translucent line left out of the legend: raw values behind a smoothed
        /// line, or single seeds behind their mean.
        public var faint: Bool

        /// A series from points.
        public init(
            name: String, points: [(x: Double, y: Double)], color: String? = nil,
            faint: Bool = false
        ) {
            self.name = name
            self.points = points
            self.color = color
            self.faint = faint
        }

        /// A series with x = 0, 1, 2, ...
        public init(name: String, values: [Double]) {
            self.init(
                name: name, points: values.enumerated().map { (Double($0.offset), $0.element) })
        }
    }

    /// Chart title and axis labels.
    public var title: String, xLabel: String, yLabel: String
    /// The lines, drawn in order (later on top).
    public var series: [Series]
    /// Whether the y axis is logarithmic (non-positive values are drawn at its floor).
    public var logarithmicY = false
    /// Size of the SVG in pixels.
    public var width = 760.0, height = 420.0

    /// A chart of `series`.
    public init(title: String, xLabel: String, yLabel: String, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
    }

    /// The chart as an SVG document. Series with more points than the plot has pixel
    /// columns are reduced to each column's first, min, max and last point, which keeps
    /// spikes visible while the file stays small.
    public func svg() -> String {
        let finite = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        let xs = finite.map(\.x)
        let ys = finite.map(\.y).filter { !logarithmicY || $0 > 0 }
        let xAxis = Axis(low: xs.min() ?? 0, high: xs.max() ?? 1, extendToTicks: false)
        let yAxis = Axis(low: ys.min() ?? 0, high: ys.max() ?? 1, logarithmic: logarithmicY)
        let colors = series.indices.map { series[$0].color ?? ChartPalette.color($0) }
        let legend = series.indices.filter { !series[$0].faint }
            .map { (name: series[$0].name, color: colors[$0]) }
        let legendWidth = legend.count > 1 ? 40 + 7 * Double(legend.map(\.name.count).max()!) : 0
        var frame = PlotFrame(
            width: width, height: height, title: title, xLabel: xLabel,
            yLabel: yLabel, xAxis: xAxis, yAxis: yAxis, legendWidth: legendWidth)

        let columns = Int(frame.right - frame.left)
        for (i, s) in series.enumerated() {
            let pixels = s.points.filter { $0.x.isFinite && $0.y.isFinite }
                .map { (frame.x($0.x), frame.y(logarithmicY ? max($0.y, yAxis.low) : $0.y)) }
            let drawn = pixels.count > 2 * columns ? LineChart.decimate(pixels) : pixels
            frame.canvas.polyline(
                drawn, stroke: colors[i], width: s.faint ? 1 : 1.5, opacity: s.faint ? 0.3 : 1)
        }
        if legend.count > 1 { frame.drawLegend(legend) }
        return frame.canvas.render()
    }

    /// Per whole-pixel column: first, lowest, highest and last point, in x order.
    static func decimate(_ points: [(Double, Double)]) -> [(Double, Double)] {
        var out: [(Double, Double)] = []
        var start = 0
        while start < points.count {
            let column = points[start].0.rounded(.down)
            var end = start
            while end + 1 < points.count && points[end + 1].0.rounded(.down) == column { end += 1 }
            let run = points[start...end]
            let low = run.min { $0.1 < $1.1 }!
            let high = run.max { $0.1 < $1.1 }!
            let middle = low.0 <= high.0 ? [low, high] : [high, low]
            for p in [points[start]] + middle + [points[end]]
            where out.last.map({ $0 != p }) ?? true { out.append(p) }
            start = end + 1
        }
        return out
    }
}
