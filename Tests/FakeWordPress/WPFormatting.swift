import Foundation

/// The small part of WordPress's formatting filters that shapes `rendered` fields, so that a fake
/// post looks like what `the_content`, `the_title` and `get_the_excerpt` produce on a real site:
/// paragraphs wrapped in `<p>…</p>\n`, typographic quotes as numeric entities (`&#8217;`), and an
/// automatic excerpt of 55 words ending in ` [&hellip;]`.
enum WPFormatting {
    /// A subset of `wpautop`: blocks separated by blank lines become paragraphs, single newlines
    /// become `<br />`, and blocks that already start with block-level HTML are left alone.
    static func autop(_ text: String) -> String {
        if UTF8Text.isSimple(text), let fast = WPFormattingUTF8.autop(text) { return fast }
        return autopCharacters(text)
    }

    private static func autopCharacters(_ text: String) -> String {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !normalized.isEmpty else { return "" }
        let blocks = normalized.components(separatedBy: "\n\n")
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }
        return blocks.map { block in
            if startsWithBlockElement(block) { return block + "\n" }
            return "<p>" + block.replacingOccurrences(of: "\n", with: "<br />\n") + "</p>\n"
        }.joined()
    }

    private static let blockElements = ["p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li",
                                        "blockquote", "figure", "pre", "table", "hr", "section", "!--"]

    private static func startsWithBlockElement(_ block: String) -> Bool {
        guard block.hasPrefix("<") else { return false }
        let name = block.dropFirst().prefix { $0.isLetter || $0.isNumber || $0 == "!" || $0 == "-" }.lowercased()
        return blockElements.contains(name)
    }

    /// A subset of `wptexturize`: straight quotes and apostrophes become curly ones, `...` an
    /// ellipsis and spaced dashes en/em dashes, all as numeric entities, outside of HTML tags.
    static func texturize(_ text: String) -> String {
        UTF8Text.isSimple(text) ? WPFormattingUTF8.texturize(text) : texturizeCharacters(text)
    }

    private static func texturizeCharacters(_ text: String) -> String {
        var output = ""
        var insideTag = false
        var previous: Character = " "
        var characters = Array(text)[...]
        while let character = characters.popFirst() {
            if insideTag {
                output.append(character)
                if character == ">" { insideTag = false }
            } else if character == "<" {
                insideTag = true
                output.append(character)
            } else if character == "'" {
                output += opens(after: previous) ? "&#8216;" : "&#8217;"
            } else if character == "\"" {
                output += opens(after: previous) ? "&#8220;" : "&#8221;"
            } else if character == ".", characters.prefix(2) == [".", "."] {
                characters.removeFirst(2)
                output += "&#8230;"
            } else if character == "-", previous == " ", characters.first == "-", characters.dropFirst().first == " " {
                characters.removeFirst()
                output += "&#8212;"
            } else if character == "-", previous == " ", characters.first == " " {
                output += "&#8211;"
            } else {
                output.append(character)
            }
            previous = character
        }
        return output
    }

    private static func opens(after previous: Character) -> Bool {
        previous.isWhitespace || "([{\u{2014}-".contains(previous)
    }

    /// `wp_trim_excerpt` for a post without a hand-written excerpt: tags stripped, the first 55
    /// words kept, ` [&hellip;]` appended when text was cut, then `wpautop`.
    static func automaticExcerpt(fromRendered html: String) -> String {
        guard !UTF8Text.isSimple(html) else { return WPFormattingUTF8.automaticExcerpt(fromRendered: html) }
        let words = stripTagsCharacters(html).split(whereSeparator: { $0.isWhitespace })
        guard !words.isEmpty else { return "" }
        var text = words.prefix(55).joined(separator: " ")
        if words.count > 55 { text += " [&hellip;]" }
        return "<p>" + text + "</p>\n"
    }

    /// `wp_strip_all_tags`, good enough for generated markup (no `<` inside attribute values).
    static func stripTags(_ html: String) -> String {
        guard UTF8Text.isSimple(html) else { return stripTagsCharacters(html) }
        return String(decoding: WPFormattingUTF8.stripTags(Array(html.utf8)), as: UTF8.self)
    }

    private static func stripTagsCharacters(_ html: String) -> String {
        var output = ""
        var insideTag = false
        for character in html {
            switch character {
            case "<": insideTag = true
            case ">": insideTag = false
            default: if !insideTag { output.append(character) }
            }
        }
        return output
    }

    /// `sanitize_title`: accents removed (`remove_accents`), lowercase, runs of anything that is
    /// not an ASCII letter or digit become one dash, no dash at either end.
    static func slug(_ title: String) -> String {
        if title.utf8.allSatisfy({ $0 < 0x80 }) { return WPFormattingUTF8.asciiSlug(title.utf8) }
        var output = ""
        let folded = title.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
        for scalar in folded.unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                output.unicodeScalars.append(scalar)
            } else if !output.isEmpty, !output.hasSuffix("-") {
                output += "-"
            }
        }
        while output.hasSuffix("-") { output.removeLast() }
        return output
    }
}
