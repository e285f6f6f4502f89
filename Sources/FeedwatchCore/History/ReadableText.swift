/// Rendered WordPress HTML (`content`, `excerpt`, `title`) as the lines a
/// reader sees, so that versions of a post can be compared line by line.
///
/// - Block elements (`p`, `div`, `li`, headings, `blockquote`, `figure`,
///   `figcaption`, `tr`, `br`, …) end a line; inline tags are dropped and
///   their text kept. Table cells in a row are joined with ` | `.
/// - A list item starts with `- `, indented two spaces per level of nesting;
///   its further lines are indented to match. Ordered lists use `- ` too:
///   numbers would make one inserted item change every line after it.
/// - A heading starts with one `#` per level (`## Title` for `h2`), so that a
///   text turned into a heading, or back, shows as a change.
/// - Lines inside a `blockquote` start with `> `, one per level.
/// - `<img>` with a non-empty `alt` becomes `[image: ALT]`; others vanish.
/// - `script`, `style`, `noscript`, `template` and comments (Gutenberg's
///   `<!-- wp:... -->` among them) vanish with their content.
/// - Entities are decoded; whitespace, `&nbsp;` included, is folded to single
///   spaces and trimmed; empty lines are dropped.
/// - Inside `<pre>` each source line stays a line with its indentation and
///   inner spacing; only trailing whitespace is removed.
///
/// No line returned contains a line break. Broken markup is read as a browser
/// would read it (see `HTMLTokenizer`), never crashes, in linear time.
public enum ReadableText {
    public static func lines(fromHTML html: String) -> [String] {
        var tokenizer = HTMLTokenizer(html)
        var builder = LineBuilder()
        while let token = tokenizer.next() {
            switch token {
            case .text(let raw): builder.append(HTMLText.decodeEntities(raw))
            case .startTag(let name, let alt): builder.open(name, alt: alt)
            case .endTag(let name): builder.close(name)
            }
        }
        builder.endLine()
        return builder.lines
    }
}

/// Collects text into lines, tracking the structure that shapes them.
private struct LineBuilder {
    private static let blocks: Set<String> = [
        "address", "article", "aside", "audio", "body", "br", "canvas", "caption", "center", "dd", "details",
        "dialog", "div", "dl", "dt", "embed", "fieldset", "figcaption", "figure", "footer", "form", "head",
        "header", "hgroup", "hr", "html", "iframe", "legend", "main", "nav", "object", "option", "p", "section",
        "summary", "table", "tbody", "tfoot", "thead", "tr", "video",
    ]
    private static let lists: Set<String> = ["ul", "ol", "menu", "dir"]
    private static let headings: [String: Int] = ["h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6]

    private(set) var lines: [String] = []
    /// The current line: decoded, not yet folded.
    private var current = String.UnicodeScalarView()
    private var currentHasText = false
    private var listDepth = 0
    private var quoteDepth = 0
    private var preDepth = 0
    private var headingLevel = 0
    /// Set by `<li>`: the item's first line gets the `- ` marker.
    private var itemStarts = false

    mutating func append(_ text: String) {
        for scalar in text.unicodeScalars {
            if preDepth > 0, Character(scalar).isNewline {
                endLine()
            } else {
                current.append(scalar)
                if !scalar.properties.isWhitespace { currentHasText = true }
            }
        }
    }

    mutating func open(_ name: String, alt: String?) {
        if let level = Self.headings[name] {
            endLine()
            headingLevel = level
            return
        }
        switch name {
        case "li":
            endLine()
            itemStarts = true
        case _ where Self.lists.contains(name):
            endLine()
            listDepth += 1
        case "blockquote":
            endLine()
            quoteDepth += 1
        case "pre":
            endLine()
            preDepth += 1
        case "td", "th":
            if currentHasText { append(" | ") }
        case "img":
            let text = Self.fold(HTMLText.decodeEntities(alt ?? "").unicodeScalars)
            if !text.isEmpty { append("[image: \(text)]") }
        case _ where Self.blocks.contains(name):
            endLine()
        default:
            break
        }
    }

    mutating func close(_ name: String) {
        if Self.headings[name] != nil {
            endLine()
            headingLevel = 0
            return
        }
        switch name {
        case "li":
            endLine()
            itemStarts = false
        case _ where Self.lists.contains(name):
            endLine()
            listDepth = max(0, listDepth - 1)
            itemStarts = false
        case "blockquote":
            endLine()
            quoteDepth = max(0, quoteDepth - 1)
        case "pre":
            endLine()
            preDepth = max(0, preDepth - 1)
        case _ where Self.blocks.contains(name):
            endLine()
        default:
            break
        }
    }

    mutating func endLine() {
        defer {
            current = String.UnicodeScalarView()
            currentHasText = false
        }
        guard currentHasText else { return }
        let text = preDepth > 0 ? Self.trimTrailing(current) : Self.fold(current)
        lines.append(prefix() + text)
        itemStarts = false
    }

    /// Nesting shown as indentation or `>`s stops here, so that malformed
    /// input (thousands of unclosed `<ul>`) cannot make output grow as the
    /// square of the input.
    private static let maxShownDepth = 8

    private func prefix() -> String {
        var prefix = String(repeating: "> ", count: min(quoteDepth, Self.maxShownDepth))
        prefix += String(repeating: "  ", count: min(max(0, listDepth - 1), Self.maxShownDepth))
        if itemStarts {
            prefix += "- "
        } else if listDepth > 0 {
            prefix += "  "
        }
        if headingLevel > 0 { prefix += String(repeating: "#", count: headingLevel) + " " }
        return prefix
    }

    /// Runs of whitespace (Unicode's, so U+00A0 too) to one space, trimmed.
    private static func fold(_ scalars: String.UnicodeScalarView) -> String {
        var folded = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in scalars {
            if scalar.properties.isWhitespace {
                pendingSpace = !folded.isEmpty
            } else {
                if pendingSpace { folded.append(" ") }
                pendingSpace = false
                folded.append(scalar)
            }
        }
        return String(folded)
    }

    private static func trimTrailing(_ scalars: String.UnicodeScalarView) -> String {
        var end = scalars.endIndex
        while end > scalars.startIndex, scalars[scalars.index(before: end)].properties.isWhitespace {
            end = scalars.index(before: end)
        }
        return String(scalars[..<end])
    }
}
