/// A histogram of counts over contiguous bins, optionally on a logarithmic count axis.
public struct Histogram {
    /// Chart title and axis labels.
    public var title: String, xLabel: String, yLabel: String
    /// Bin edges, one more than `counts`.
    public var edges: [Double]
    /// Count (or density) per bin.
    public var counts: [Double]
    /// Whether the count axis is logarithmic (empty bins are left blank).
    public var logarithmicY = false
    /// Size of the SVG in pixels.
    public var width = 760.0, height = 420.0

    /// A histogram from bin edges and counts.
    public init(title: String, xLabel: String, yLabel: String, edges: [Double], counts: [Double]) {
        precondition(
            edges.count == counts.count + 1, "Histogram: edges must be one more than counts")
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.edges = edges
        self.counts = counts
    }

    /// Bins and counts for values, with `bins` equal-width bins over `range`.
    public static func bin(_ values: [Double], bins: Int, range: ClosedRange<Double>)
        -> (edges: [Double], counts: [Double])
    {
        let width = (range.upperBound - range.lowerBound) / Double(bins)
        var counts = [Double](repeating: 0, count: bins)
        for v in values where range.contains(v) {
            counts[min(Int((v - range.lowerBound) / width), bins - 1)] += 1
        }
        return ((0...bins).map { range.lowerBound + Double($0) * width }, counts)
    }

    /// The chart as an SVG document.
    public func svg() -> String {
        let shown = counts.filter { !logarithmicY || $0 > 0 }
        let low = logarithmicY ? (shown.min() ?? 1) : 0
        let yAxis = Axis(low: low, high: shown.max() ?? 1, logarithmic: logarithmicY)
        let xAxis = Axis(low: edges.first!, high: edges.last!, extendToTicks: false)
        var frame = PlotFrame(
            width: width, height: height, title: title, xLabel: xLabel,
            yLabel: yLabel, xAxis: xAxis, yAxis: yAxis)
        for (i, count) in counts.enumerated() where !logarithmicY || count > 0 {
            let x0 = frame.x(edges[i])
            let x1 = frame.x(edges[i + 1])
            let top = frame.y(count)
            let base = frame.y(yAxis.low)
            frame.canvas.rect(
                x0, top, max(x1 - x0 - 0.5, 0.5), base - top, fill: ChartPalette.color(0),
                title:
                    "[\(xAxis.label(edges[i])), \(xAxis.label(edges[i + 1]))): "
                    + yAxis.label(count)
            )
        }
        return frame.canvas.render()
    }
}
