/// Splits rendered HTML into text runs and tags, for `ReadableText`.
///
/// A much reduced form of the HTML standard's tokenizer, so broken markup
/// reads as a browser would show it: a `<` not followed by a letter, `/`, `!`
/// or `?` is text; quoted attribute values may contain `>`; a tag, comment or
/// `<script>` never closed runs to the end of the input (and is dropped). The
/// contents of `script`, `style`, `noscript` and `template` and all comments
/// (Gutenberg's `<!-- wp:... -->` block markers among them) are skipped.
///
/// Every byte is looked at a bounded number of times, so the time is linear
/// in the input whatever it contains.
struct HTMLTokenizer {
    enum Token: Equatable {
        /// Text as it appears in the source: entities not yet decoded.
        case text(String)
        /// `name` is lowercased; `alt` is the raw `alt` attribute of an `img`.
        case startTag(name: String, alt: String?)
        case endTag(name: String)
    }

    /// Elements whose content is not text a reader sees.
    private static let hiddenElements: Set<String> = ["script", "style", "noscript", "template"]

    private let bytes: [UInt8]
    private var position = 0

    init(_ html: String) {
        bytes = Array(html.utf8)
    }

    mutating func next() -> Token? {
        while position < bytes.count {
            guard bytes[position] == Byte.lessThan else {
                let start = position
                position = bytes[position...].firstIndex(of: Byte.lessThan) ?? bytes.count
                return .text(String(decoding: bytes[start..<position], as: UTF8.self))
            }
            if let token = markup() { return token }
        }
        return nil
    }

    /// Reads the markup starting at the `<` at `position` and moves past it.
    /// Returns the token it stands for, or nil for markup that yields none.
    private mutating func markup() -> Token? {
        let start = position
        let next = start + 1
        guard next < bytes.count else {
            position = bytes.count
            return .text("<")
        }
        switch bytes[next] {
        case Byte.exclamation where starts(with: "--", at: next + 1):
            skipComment(from: next + 3)
            return nil
        case Byte.exclamation, Byte.question:
            position = (bytes[next...].firstIndex(of: Byte.greaterThan) ?? bytes.count - 1) + 1
            return nil
        case Byte.slash where next + 1 < bytes.count && Byte.isLetter(bytes[next + 1]):
            let name = readName(from: next + 1)
            position = attributesEnd(wantAlt: false).end
            guard position <= bytes.count else { return nil }
            return .endTag(name: name)
        case Byte.slash:
            // `</>` is ignored, `</ x>` is a comment in the standard.
            position = (bytes[next...].firstIndex(of: Byte.greaterThan) ?? bytes.count - 1) + 1
            return nil
        case let byte where Byte.isLetter(byte):
            let name = readName(from: next)
            let (end, alt) = attributesEnd(wantAlt: name == "img")
            position = end
            guard position <= bytes.count else { return nil }
            guard !Self.hiddenElements.contains(name) else {
                skipHiddenContent(of: name)
                return nil
            }
            return .startTag(name: name, alt: alt)
        default:
            position = next
            return .text("<")
        }
    }

    /// Reads a tag name (lowercased) and leaves `position` just after it.
    private mutating func readName(from start: Int) -> String {
        var end = start
        while end < bytes.count, !Byte.isSpace(bytes[end]), bytes[end] != Byte.slash, bytes[end] != Byte.greaterThan {
            end += 1
        }
        position = end
        return String(decoding: bytes[start..<end].map(Byte.lowercased), as: UTF8.self)
    }

    /// Skips the attributes from `position` and returns the index just after
    /// the closing `>` (the input's end if there is none), with the raw value
    /// of the `alt` attribute when asked for it.
    private func attributesEnd(wantAlt: Bool) -> (end: Int, alt: String?) {
        var index = position
        var alt: String?
        while index < bytes.count {
            let byte = bytes[index]
            if byte == Byte.greaterThan { return (index + 1, alt) }
            if Byte.isSpace(byte) || byte == Byte.slash {
                index += 1
                continue
            }
            // An attribute name: a leading `=` belongs to it, as in the standard.
            let nameStart = index
            index += 1
            while index < bytes.count, !Byte.isSpace(bytes[index]), bytes[index] != Byte.slash,
                  bytes[index] != Byte.greaterThan, bytes[index] != Byte.equals {
                index += 1
            }
            let name = nameStart..<index
            while index < bytes.count, Byte.isSpace(bytes[index]) { index += 1 }
            guard index < bytes.count, bytes[index] == Byte.equals else { continue }
            index += 1
            while index < bytes.count, Byte.isSpace(bytes[index]) { index += 1 }
            guard index < bytes.count else { break }
            let value: Range<Int>
            if bytes[index] == Byte.doubleQuote || bytes[index] == Byte.singleQuote {
                let quote = bytes[index]
                guard let close = bytes[(index + 1)...].firstIndex(of: quote) else { break }
                value = (index + 1)..<close
                index = close + 1
            } else {
                let valueStart = index
                while index < bytes.count, !Byte.isSpace(bytes[index]), bytes[index] != Byte.greaterThan { index += 1 }
                value = valueStart..<index
            }
            if wantAlt, alt == nil, bytes[name].map(Byte.lowercased).elementsEqual("alt".utf8) {
                alt = String(decoding: bytes[value], as: UTF8.self)
            }
        }
        // Never closed: the standard drops the tag and everything after it.
        // One past the end tells the caller so.
        return (bytes.count + 1, nil)
    }

    /// Moves past a comment whose `<!--` ends just before `start`.
    private mutating func skipComment(from start: Int) {
        // `<!-->` and `<!--->` are complete (empty) comments.
        if starts(with: ">", at: start) {
            position = start + 1
        } else if starts(with: "->", at: start) {
            position = start + 2
        } else {
            var index = start
            while index + 2 < bytes.count, !(bytes[index] == Byte.dash && starts(with: "->", at: index + 1)) {
                index += 1
            }
            position = min(index + 3, bytes.count)
        }
    }

    /// Moves past the content and end tag of a hidden element whose start
    /// tag ends at `position`; to the input's end if it is never closed.
    private mutating func skipHiddenContent(of name: String) {
        var index = min(position, bytes.count)
        while let lessThan = bytes[index...].firstIndex(of: Byte.lessThan) {
            let nameEnd = lessThan + 2 + name.utf8.count
            if starts(with: "/", at: lessThan + 1), nameEnd <= bytes.count,
               bytes[(lessThan + 2)..<nameEnd].map(Byte.lowercased).elementsEqual(name.utf8),
               nameEnd == bytes.count || Byte.isSpace(bytes[nameEnd]) || bytes[nameEnd] == Byte.slash
               || bytes[nameEnd] == Byte.greaterThan {
                position = (bytes[nameEnd...].firstIndex(of: Byte.greaterThan) ?? bytes.count - 1) + 1
                return
            }
            index = lessThan + 1
        }
        position = bytes.count
    }

    private func starts(with ascii: String, at index: Int) -> Bool {
        let end = index + ascii.utf8.count
        return end <= bytes.count && bytes[index..<end].elementsEqual(ascii.utf8)
    }
}

private enum Byte {
    static let lessThan = UInt8(ascii: "<")
    static let greaterThan = UInt8(ascii: ">")
    static let slash = UInt8(ascii: "/")
    static let exclamation = UInt8(ascii: "!")
    static let question = UInt8(ascii: "?")
    static let equals = UInt8(ascii: "=")
    static let dash = UInt8(ascii: "-")
    static let doubleQuote = UInt8(ascii: "\"")
    static let singleQuote = UInt8(ascii: "'")

    static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
    }

    /// The standard's whitespace in tags: tab, line feed, form feed, carriage return, space.
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D
    }

    static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }
}
