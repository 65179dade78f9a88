/// The study report's content as a few kinds of block, rendered both to HTML and to
/// Markdown so the two files always say the same thing.
enum Block {
    case heading(level: Int, text: String)
    case paragraph([Inline])
    case list([[Inline]])
    /// Header cells are plain text; body cells may hold images and line breaks.
    case table(header: [String], rows: [[[Inline]]])
    /// A figure file (relative path) shown at `width` CSS pixels; `alt` names it, and the
    /// caption (if any) says what the chart's own title does not.
    case figure(path: String, alt: String, caption: String?, width: Int)
    /// Several figures side by side (per-variant charts, sample grids).
    case gallery([Block])
    case code(String)
}

/// Text within a block.
enum Inline {
    case text(String)
    case strong(String)
    case code(String)
    case link(String, href: String)
    /// An image file (a sample grid) shown at `width` CSS pixels.
    case image(path: String, alt: String, width: Int)
    case lineBreak
}

extension Inline: ExpressibleByStringLiteral {
    init(stringLiteral value: String) { self = .text(value) }
}
