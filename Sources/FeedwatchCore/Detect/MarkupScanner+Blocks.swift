/// The dynamic-block rule of `DynamicMarkup`: the whole output of a server-rendered block that
/// shows other posts or site state, replaced by a placeholder naming the block. The reasons are
/// listed on `DynamicMarkup`.
extension MarkupScanner {
    /// A block recognized by its wrapper's class: its name, as `input` spells it after `wp-block-`
    /// or (for the RSS block's error box, which has no `wp-block-rss` class) a fixed one.
    enum DynamicBlock {
        case named(Range<Int>)
        case fixed(StaticString)
    }

    /// The wrapper classes (after `wp-block-`) of WordPress 6.1's render callbacks whose output
    /// depends on other posts, comments, users, terms or settings, not on the post being rendered.
    /// Element classes of their parts (`wp-block-latest-posts__list`) are other tokens.
    private static var dynamicBlocks: [StaticString] {
        [
            "archives", "avatar", "calendar", "categories", "comments", "latest-comments", "latest-posts", "loginout",
            "navigation", "page-list", "post-author", "post-author-biography", "post-comments", "post-comments-form",
            "post-date", "post-navigation-link", "post-terms", "query", "rss", "site-logo", "site-tagline",
            "site-title", "tag-cloud", "template-part",
        ]
    }

    /// The dynamic block whose wrapper the start tag just parsed is, if it is one.
    func dynamicBlock() -> DynamicBlock? {
        guard let classes = attributes.first(where: { nameIs($0, "class") }), classes.hasValue else { return nil }
        let value = classes.value
        var index = value.lowerBound
        while index < value.upperBound {
            while index < value.upperBound, ASCII.isWhitespace(input[index]) { index += 1 }
            let start = index
            while index < value.upperBound, !ASCII.isWhitespace(input[index]) { index += 1 }
            let token = start..<index
            if token.count > 9, matches("wp-block-", at: start) {
                let name = start + 9..<index
                for block in Self.dynamicBlocks where name.count == block.utf8CodeUnitCount && matches(block, at: name.lowerBound) {
                    return .named(name)
                }
            } else if token.count == 22, matches("components-placeholder", at: start) {
                // `render_block_core_rss()`'s error box ("RSS Error: …"), its only use outside the editor.
                return .fixed("rss")
            }
        }
        return nil
    }

    mutating func emitPlaceholder(for block: DynamicBlock) {
        append("<div>{block:")
        switch block {
        case .named(let name): copy(name)
        case .fixed(let name): append(name)
        }
        append("}</div>")
    }

    /// Just past the end tag that closes the element named `name` whose start tag ends before
    /// `start`, counting elements of the same name nested inside (`<ul>` in `<ul>`, `<div>` in
    /// `<div>`) and skipping comments and the text of `<script>`, `<style>` and `<textarea>`
    /// (the Categories dropdown's script); `nil` when it is never closed.
    func elementEnd(from start: Int, name: Range<Int>) -> Int? {
        let end = input.count
        var depth = 1
        var index = start
        while let open = find(byte: ASCII.lessThan, from: index) {
            guard open + 1 < end else { return nil }
            let next = input[open + 1]
            if next == ASCII.slash {
                if isName(name, at: open + 2) {
                    depth -= 1
                    if depth == 0 { return find(byte: ASCII.greaterThan, from: open + 2).map { $0 + 1 } }
                }
                index = open + 2
            } else if next == ASCII.exclamation, matches("<!--", at: open) {
                guard let close = find("-->", from: open + 4) else { return nil }
                index = close + 3
            } else if ASCII.isLetter(next) {
                guard let tagEnd = startTagEnd(from: open + 1) else { return nil }
                if isName(name, at: open + 1) {
                    depth += 1
                    index = tagEnd
                } else if let rawText = rawTextName(at: open + 1) {
                    index = rawTextEnd(from: tagEnd, name: rawText)
                } else {
                    index = tagEnd
                }
            } else {
                index = open + 1
            }
        }
        return nil
    }

    /// Whether the tag name at `index` is `name` (a range of `input`), in any case, followed by
    /// what ends a tag name.
    private func isName(_ name: Range<Int>, at index: Int) -> Bool {
        let after = index + name.count
        guard after <= input.count else { return false }
        for offset in 0..<name.count where ASCII.lowercased(input[index + offset]) != ASCII.lowercased(input[name.lowerBound + offset]) {
            return false
        }
        return endsTagName(at: after)
    }

    /// `script`, `style` or `textarea` when the tag name at `index` is one of them.
    private func rawTextName(at index: Int) -> StaticString? {
        for name: StaticString in ["script", "style", "textarea"]
        where matchesIgnoringCase(name, at: index) && endsTagName(at: index + name.utf8CodeUnitCount) {
            return name
        }
        return nil
    }

    /// Just past the `>` of the start tag whose name starts at `index`, skipping quoted attribute
    /// values (which may hold `>`); `nil` if it never closes.
    private func startTagEnd(from index: Int) -> Int? {
        var position = index
        let end = input.count
        while position < end {
            switch input[position] {
            case ASCII.greaterThan:
                return position + 1
            case ASCII.equals:
                position += 1
                while position < end, ASCII.isWhitespace(input[position]) { position += 1 }
                guard position < end else { return nil }
                let quote = input[position]
                if quote == ASCII.doubleQuote || quote == ASCII.singleQuote {
                    guard let close = find(byte: quote, from: position + 1) else { return nil }
                    position = close + 1
                }
            default:
                position += 1
            }
        }
        return nil
    }
}
