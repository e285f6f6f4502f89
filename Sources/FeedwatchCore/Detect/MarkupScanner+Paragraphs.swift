extension MarkupScanner {
    /// The elements whose start tag ends an open `<p>` (the HTML parsing algorithm's "close a p
    /// element" list), and so whose end tag leaves a `</p>` after them with no paragraph to close.
    private static let paragraphClosers: Set<String> = [
        "address", "article", "aside", "blockquote", "details", "dialog", "div", "dl", "fieldset",
        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hgroup", "hr", "main", "menu", "nav", "ol", "p", "pre", "section", "table", "ul",
    ]

    /// Whether the `<p>` at `index` is followed (after whitespace) by the start tag of an element
    /// that closes it: `wpautop()` wrapping a shortcode's `<figure>` or `<div>`. A browser closes
    /// such a paragraph at once, empty; whether WordPress wraps depends on the filter order left
    /// by the posts rendered before in the same response (`_restore_wpautop_hook()`), so a post
    /// listed after a block post differs from the same post fetched alone.
    func isParagraphBeforeBlock(at index: Int) -> Bool {
        guard matches("<p>", at: index) else { return false }
        var next = index + 3
        while next < input.count, ASCII.isWhitespace(input[next]) { next += 1 }
        guard next + 1 < input.count, input[next] == ASCII.lessThan else { return false }
        var end = next + 1
        while end < input.count, ASCII.isAlphanumeric(input[end]) { end += 1 }
        guard end < input.count, endsTagName(at: end) else { return false }
        return Self.closesParagraph(next + 1..<end, of: self)
    }

    /// Whether the `</p>` at `index` follows (after whitespace) the end tag of an element that
    /// closes paragraphs: the other half of `isParagraphBeforeBlock`. A browser reads such a
    /// `</p>` as an empty paragraph.
    func isParagraphEndAfterBlock(at index: Int) -> Bool {
        guard matches("</p>", at: index) else { return false }
        var before = index - 1
        while before >= 0, ASCII.isWhitespace(input[before]) { before -= 1 }
        guard before > 0, input[before] == ASCII.greaterThan else { return false }
        var start = before
        while start > 0, ASCII.isAlphanumeric(input[start - 1]) { start -= 1 }
        guard start >= 2, input[start - 1] == ASCII.slash, input[start - 2] == ASCII.lessThan else { return false }
        return Self.closesParagraph(start..<before, of: self)
    }

    private static func closesParagraph(_ range: Range<Int>, of scanner: MarkupScanner) -> Bool {
        guard !range.isEmpty, range.count <= 10 else { return false }
        return paragraphClosers.contains(String(decoding: scanner.name(range), as: UTF8.self).lowercased())
    }
}
