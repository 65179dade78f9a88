import Foundation

/// Renders the report's blocks as GitHub-flavoured Markdown.
enum MarkdownRenderer {
    /// The Markdown of a sequence of blocks.
    static func render(_ blocks: [Block]) -> String {
        blocks.map(render).joined(separator: "\n\n") + "\n"
    }

    private static func render(_ block: Block) -> String {
        switch block {
        case .heading(let level, let text):
            return String(repeating: "#", count: level) + " " + text
        case .paragraph(let inlines):
            return inline(inlines)
        case .list(let items):
            return items.map { "- " + inline($0) }.joined(separator: "\n")
        case .table(let header, let rows):
            let lines = [row(header.map(escapeCell)), row(header.map { _ in "---" })]
                + rows.map { row($0.map { escapeCell(inline($0)) }) }
            return lines.joined(separator: "\n")
        case .figure(let path, let alt, let caption, _):
            return "![\(alt)](\(path))" + (caption.map { "  \n*\($0)*" } ?? "")
        case .gallery(let blocks):
            return blocks.map(render).joined(separator: "\n\n")
        case .code(let text):
            return "```\n\(text)\n```"
        }
    }

    private static func row(_ cells: [String]) -> String {
        "| " + cells.joined(separator: " | ") + " |"
    }

    /// Table cells are one line: pipes escaped, line breaks as HTML.
    private static func escapeCell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|")
            .replacingOccurrences(of: "\n", with: "<br>")
    }

    private static func inline(_ parts: [Inline]) -> String {
        parts.map { part -> String in
            switch part {
            case .text(let text): return text
            case .strong(let text):
                // Emphasis must not end in a space, or Markdown leaves the asterisks as text.
                let trimmed = text.trimmingCharacters(in: .whitespaces)
                return "**\(trimmed)**" + String(repeating: " ", count: text.count - trimmed.count)
            case .code(let text): return "`\(text)`"
            case .link(let text, let href): return "[\(text)](\(href))"
            case .image(let path, let alt, _): return "![\(alt)](\(path))"
            case .lineBreak: return "  \n"
            }
        }.joined()
    }
}
