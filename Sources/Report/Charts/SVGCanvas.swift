import Foundation

/// Collects SVG elements and renders a standalone document (no external fonts or styles).
public struct SVGCanvas {
    /// Document size in pixels.
    public let width: Double, height: Double
    private var elements: [String] = []

    /// An empty canvas.
    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// Adds a line segment.
    public mutating func line(
        _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double,
        stroke: String, width: Double = 1, dash: String? = nil
    ) {
        let dashText = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
        elements.append(
            "<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\" "
                + "stroke=\"\(stroke)\" stroke-width=\"\(f(width))\"\(dashText)/>")
    }

    /// Adds a filled rectangle.
    public mutating func rect(
        _ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String,
        title: String? = nil
    ) {
        let tooltip = title.map { "<title>\(SVGCanvas.escape($0))</title>" } ?? ""
        elements.append(
            "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(max(w, 0)))\" "
                + "height=\"\(f(max(h, 0)))\" fill=\"\(fill)\">\(tooltip)</rect>")
    }

    /// Adds an open polyline through `points`.
    public mutating func polyline(
        _ points: [(Double, Double)], stroke: String, width: Double = 1.5, opacity: Double = 1
    ) {
        let text = points.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " ")
        let opacityText = opacity < 1 ? " stroke-opacity=\"\(f(opacity))\"" : ""
        elements.append(
            "<polyline points=\"\(text)\" fill=\"none\" stroke=\"\(stroke)\" "
                + "stroke-width=\"\(f(width))\" stroke-linejoin=\"round\"\(opacityText)/>")
    }

    /// Adds text; `anchor` is start, middle or end; `rotate` turns it about its anchor point.
    public mutating func text(
        _ content: String, x: Double, y: Double, size: Double = 12,
        anchor: String = "start", weight: String = "normal",
        rotate: Double = 0, color: String = "#222"
    ) {
        let transform = rotate == 0 ? "" : " transform=\"rotate(\(f(rotate)) \(f(x)) \(f(y)))\""
        elements.append(
            "<text x=\"\(f(x))\" y=\"\(f(y))\" font-size=\"\(f(size))\" "
                + "text-anchor=\"\(anchor)\" font-weight=\"\(weight)\" "
                + "fill=\"\(color)\"\(transform)>"
                + "\(SVGCanvas.escape(content))</text>")
    }

    /// The SVG document.
    public func render() -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" "
            + "viewBox=\"0 0 \(f(width)) \(f(height))\" "
            + "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n"
            + "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
            + elements.joined(separator: "\n") + "\n</svg>\n"
    }

    /// Escapes the five XML special characters.
    public static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(
            of: "<", with: "&lt;"
        )
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        .replacingOccurrences(of: "'", with: "&apos;")
    }

    /// Coordinates to two decimals: enough for screens, short for files with many points.
    private func f(_ v: Double) -> String {
        let rounded = (v * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}

/// Colours for series, distinguishable and colour-blind aware (Tableau 10).
public enum ChartPalette {
    /// Ten colours, cycled for more series.
    public static let colors = [
        "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
        "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
    ]

    /// The colour of series `i`.
    public static func color(_ i: Int) -> String { colors[i % colors.count] }
}
