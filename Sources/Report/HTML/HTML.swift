/// The pieces every HTML report shares: escaping, tables, numbers and the page shell.
/// Pages are single offline files: inline CSS, no scripts, no web fonts.
enum HTML {
    /// Text made safe for element content and attribute values.
    static func escape(_ text: String) -> String { SVGCanvas.escape(text) }

    /// A paragraph of ready HTML.
    static func paragraph(_ html: String) -> String { "<p>\(html)</p>" }

    /// A table of plain-text cells (escaped here).
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        table(html: header.map(escape), rows.map { $0.map(escape) })
    }

    /// A table whose cells are already HTML (images, links, line breaks).
    static func table(html header: [String], _ rows: [[String]], cssClass: String? = nil)
        -> String
    {
        let head = "<tr>" + header.map { "<th>\($0)</th>" }.joined() + "</tr>"
        let body = rows.map { "<tr>" + $0.map { "<td>\($0)</td>" }.joined() + "</tr>" }
        let classText = cssClass.map { " class=\"\($0)\"" } ?? ""
        return "<table\(classText)>\(head)\(body.joined())</table>"
    }

    /// An integer with thousands separators: 60000 → "60,000".
    static func thousands(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = value < 0 ? "-" : ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return out
    }

    /// A whole document around `body`; `style` adds page-specific CSS to the shared rules.
    static func page(title: String, body: String, style: String = "") -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>
        body { font-family: DejaVu Sans, Helvetica, Arial, sans-serif; max-width: 980px;
               margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
        table { border-collapse: collapse; margin: 0.8em 0; font-size: 14px; }
        th, td { border: 1px solid #ccc; padding: 3px 9px; text-align: right; }
        th:first-child, td:first-child { text-align: left; }
        figure { margin: 1.5em 0; } figcaption { font-size: 14px; color: #555; }
        img.pixels { image-rendering: pixelated; max-width: 100%; height: auto; }
        code { background: #f3f3f3; padding: 0 3px; }
        \(style)
        </style></head><body>
        \(body)
        </body></html>

        """
    }
}
