/// `WPFormatting`'s filters on UTF-8 bytes, for text that `UTF8Text.isSimple` accepted: there each
/// `Character` the original code looks at is one byte (or one whole scalar, copied as it is), and
/// the result is the same, some twenty times faster. Building a farm of fake sites formats every
/// post's title, content and excerpt, so this is most of what building costs.
enum WPFormattingUTF8 {
    private static let lessThan = UInt8(ascii: "<"), greaterThan = UInt8(ascii: ">")
    private static let newline = UInt8(ascii: "\n"), space = UInt8(ascii: " ")

    /// `WPFormatting.autop`; `nil` when a block's first tag name runs into a non-ASCII character,
    /// which only the original code classifies, or when a `\r\n` is left after normalizing (from
    /// `\r\r\n`): `components(separatedBy:)` compares `Character`s, and `\r\n\n` holds no `\n\n` there.
    static func autop(_ text: String) -> String? {
        let crlf = Array("\r\n".utf8)
        let normalized = UTF8Text.replacing(crlf, with: [newline], in: Array(text.utf8)[...])
        guard UTF8Text.components(normalized[...], separatedBy: crlf).count == 1 else { return nil }
        let trimmed = UTF8Text.trimmed(normalized[...])
        guard !trimmed.isEmpty else { return "" }
        var output: [UInt8] = []
        output.reserveCapacity(trimmed.count + 64)
        for component in UTF8Text.components(trimmed, separatedBy: [newline, newline]) {
            let block = UTF8Text.trimmed(component)
            guard !block.isEmpty else { continue }
            guard let isBlockElement = startsWithBlockElement(block) else { return nil }
            if isBlockElement {
                output += block
            } else {
                output += "<p>".utf8
                output += UTF8Text.replacing([newline], with: Array("<br />\n".utf8), in: block)
                output += "</p>".utf8
            }
            output.append(newline)
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static let blockElements: Set<[UInt8]> = Set([
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "figure", "pre", "table",
        "hr", "section", "!--",
    ].map { Array($0.utf8) })

    private static func startsWithBlockElement(_ block: ArraySlice<UInt8>) -> Bool? {
        guard block.first == lessThan else { return false }
        var name: [UInt8] = []
        for byte in block.dropFirst() {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): name.append(byte | 0x20)
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "!"), UInt8(ascii: "-"):
                name.append(byte)
            case 0x80...: return nil  // A letter or digit of another script may continue the name.
            default: return blockElements.contains(name)
            }
        }
        return blockElements.contains(name)
    }

    /// `WPFormatting.texturize`.
    static func texturize(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 32)
        var insideTag = false
        var previous = space
        var index = 0
        func at(_ position: Int) -> UInt8? { position < bytes.count ? bytes[position] : nil }
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= 0x80 {
                // A whole scalar, never one of the characters below; only U+2014 opens a quote.
                var end = index + 1
                while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
                output += bytes[index..<end]
                previous = bytes[index..<end].elementsEqual("\u{2014}".utf8) ? UInt8(ascii: "-") : 0x80
                index = end
                continue
            }
            if insideTag {
                output.append(byte)
                if byte == greaterThan { insideTag = false }
            } else if byte == lessThan {
                insideTag = true
                output.append(byte)
            } else if byte == UInt8(ascii: "'") {
                output += (opens(after: previous) ? "&#8216;" : "&#8217;").utf8
            } else if byte == UInt8(ascii: "\"") {
                output += (opens(after: previous) ? "&#8220;" : "&#8221;").utf8
            } else if byte == UInt8(ascii: "."), at(index + 1) == UInt8(ascii: "."), at(index + 2) == UInt8(ascii: ".") {
                index += 2
                output += "&#8230;".utf8
            } else if byte == UInt8(ascii: "-"), previous == space, at(index + 1) == UInt8(ascii: "-"), at(index + 2) == space {
                index += 1
                output += "&#8212;".utf8
            } else if byte == UInt8(ascii: "-"), previous == space, at(index + 1) == space {
                output += "&#8211;".utf8
            } else {
                output.append(byte)
            }
            previous = byte
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// `previous` is an ASCII byte, `-` standing in for an em dash, or 0x80 for any other scalar.
    private static func opens(after previous: UInt8) -> Bool {
        UTF8Text.isWhitespace(previous) || previous == UInt8(ascii: "(") || previous == UInt8(ascii: "[")
            || previous == UInt8(ascii: "{") || previous == UInt8(ascii: "-")
    }

    /// `WPFormatting.automaticExcerpt`.
    static func automaticExcerpt(fromRendered html: String) -> String {
        let text = stripTags(Array(html.utf8))
        var output: [UInt8] = Array("<p>".utf8)
        var words = 0
        var index = 0
        while index < text.count {
            guard !UTF8Text.isWhitespace(text[index]) else {
                index += 1
                continue
            }
            var end = index + 1
            while end < text.count, !UTF8Text.isWhitespace(text[end]) { end += 1 }
            words += 1
            if words <= 55 {
                if words > 1 { output.append(space) }
                output += text[index..<end]
            }
            index = end
        }
        guard words > 0 else { return "" }
        if words > 55 { output += " [&hellip;]".utf8 }
        output += "</p>\n".utf8
        return String(decoding: output, as: UTF8.self)
    }

    /// `WPFormatting.stripTags`.
    static func stripTags(_ html: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(html.count)
        var insideTag = false
        for byte in html {
            switch byte {
            case lessThan: insideTag = true
            case greaterThan: insideTag = false
            default: if !insideTag { output.append(byte) }
            }
        }
        return output
    }

    /// `WPFormatting.slug` for ASCII text, which folding only lowercases.
    static func asciiSlug(_ bytes: String.UTF8View) -> String {
        var output: [UInt8] = []
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): output.append(byte | 0x20)
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): output.append(byte)
            default: if let last = output.last, last != UInt8(ascii: "-") { output.append(UInt8(ascii: "-")) }
            }
        }
        while output.last == UInt8(ascii: "-") { output.removeLast() }
        return String(decoding: output, as: UTF8.self)
    }
}
