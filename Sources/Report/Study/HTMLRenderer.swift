/// Renders the report's blocks as the body of an offline HTML page.
enum HTMLRenderer {
    /// CSS for the study page, added to the shared report styles.
    static let style = """
        body { max-width: 1240px; }
        table.wide td, table.wide th { vertical-align: top; text-align: left; }
        .gallery { display: flex; flex-wrap: wrap; gap: 12px; }
        .gallery figure { margin: 0.5em 0; }
        figure img { max-width: 100%; height: auto; }
        pre { background: #f3f3f3; padding: 8px; overflow-x: auto; }
        """

    /// The HTML of a sequence of blocks.
    static func render(_ blocks: [Block]) -> String {
        blocks.map(render).joined(separator: "\n")
    }

    private static func render(_ block: Block) -> String {
        switch block {
        case .heading(let level, let text):
            return "<h\(level) id=\"\(anchor(text))\">\(HTML.escape(text))</h\(level)>"
        case .paragraph(let inlines):
            return HTML.paragraph(inline(inlines))
        case .list(let items):
            return "<ul>" + items.map { "<li>\(inline($0))</li>" }.joined() + "</ul>"
        case .table(let header, let rows):
            let cells = rows.map { $0.map(inline) }
            return HTML.table(html: header.map(HTML.escape), cells, cssClass: "wide")
        case .figure(let path, let alt, let caption, let width):
            let src = HTML.escape(path)
            let captionHTML = caption.map { "<figcaption>\(HTML.escape($0))</figcaption>" }
            return "<figure><a href=\"\(src)\"><img src=\"\(src)\" width=\"\(width)\" "
                + "alt=\"\(HTML.escape(alt))\"></a>\(captionHTML ?? "")</figure>"
        case .gallery(let blocks):
            return "<div class=\"gallery\">" + render(blocks) + "</div>"
        case .code(let text):
            return "<pre><code>\(HTML.escape(text))</code></pre>"
        }
    }

    private static func inline(_ parts: [Inline]) -> String {
        parts.map { part -> String in
            switch part {
            case .text(let text): return HTML.escape(text)
            case .strong(let text): return "<b>\(HTML.escape(text))</b>"
            case .code(let text): return "<code>\(HTML.escape(text))</code>"
            case .link(let text, let href):
                return "<a href=\"\(HTML.escape(href))\">\(HTML.escape(text))</a>"
            case .image(let path, let alt, let width):
                // Grids are shown at or below their size, where smooth scaling reads best.
                return "<img src=\"\(HTML.escape(path))\" width=\"\(width)\" "
                    + "alt=\"\(HTML.escape(alt))\">"
            case .lineBreak: return "<br>"
            }
        }.joined()
    }

    /// A fragment identifier from a heading, so sections can be linked.
    static func anchor(_ text: String) -> String {
        let words = text.lowercased().split { !$0.isLetter && !$0.isNumber }
        return words.joined(separator: "-")
    }
}
