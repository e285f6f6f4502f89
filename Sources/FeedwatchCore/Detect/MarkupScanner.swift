#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The scanner behind `DynamicMarkup`: copies `input` to `output` in runs, rewriting only the
/// parts the rules name. Its value rules are in `MarkupScanner+Values.swift`.
struct MarkupScanner {
    let input: UnsafeBufferPointer<UInt8>
    var output: [UInt8] = []
    /// The attributes of the start tag being rewritten, kept to reuse their storage.
    private(set) var attributes: [Attribute] = []
    /// Set once a dynamic block's wrapper is found never closed: later wrappers are left as they
    /// are, so that broken markup full of them is not searched to its end once per wrapper.
    private var unclosedBlockSeen = false

    init(_ input: UnsafeBufferPointer<UInt8>) {
        self.input = input
        output.reserveCapacity(input.count)
    }

    /// One attribute of a start tag, as ranges of `input`; `value` is empty-ranged at `-1` when
    /// the attribute has no value (`<input disabled>`).
    struct Attribute {
        /// Where the whitespace before the name starts, so that removing the attribute removes it.
        var leading: Int
        var name: Range<Int>
        var value: Range<Int>
        /// Just past the value (and its closing quote), or past the name.
        var end: Int

        var hasValue: Bool { value.lowerBound >= 0 }
    }

    mutating func run() {
        guard let base = input.baseAddress else { return }
        let end = input.count
        var copied = 0
        var index = 0
        while index < end {
            guard let found = memchr(base + index, Int32(ASCII.lessThan), end - index) else { break }
            index = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            guard index + 1 < end else { break }
            let next = input[index + 1]
            if next == UInt8(ascii: "p"), isParagraphBeforeBlock(at: index) {
                copy(copied..<index)
                index += 3
                copied = index
            } else if next == ASCII.slash, isParagraphEndAfterBlock(at: index) {
                copy(copied..<index)
                index += 4
                copied = index
            } else if ASCII.isLetter(next) {
                copy(copied..<index)
                guard let resume = startTag(at: index) else {
                    // A tag that never closes (an attribute quote left open takes the rest of the
                    // document, as in a browser): the rest is kept as it is. Going on after the
                    // `<` instead would rescan to the end for every later `<`.
                    copied = index
                    break
                }
                index = resume
                copied = resume
            } else if next == ASCII.exclamation, matches("<!--", at: index) {
                copy(copied..<index)
                index = comment(at: index)
                copied = index
            } else {
                index += 1
            }
        }
        copy(copied..<end)
    }

    // MARK: - Comments

    /// Drops the comment at `start` (keeping a Gutenberg block delimiter), returning where the
    /// text after it starts. An unterminated comment is kept as it is.
    private mutating func comment(at start: Int) -> Int {
        let body = start + 4
        // `<!-->` and `<!--->` are complete, if abrupt, comments.
        if matches(">", at: body) { return body + 1 }
        if matches("->", at: body) { return body + 2 }
        guard let close = find("-->", from: body) else {
            copy(start..<input.count)
            return input.count
        }
        let end = close + 3
        var content = body
        while content < close, ASCII.isWhitespace(input[content]) { content += 1 }
        if matches("wp:", at: content) || matches("/wp:", at: content) { copy(start..<end) }
        return end
    }

    // MARK: - Start tags

    /// Rewrites the start tag at `start` (and the text of a `<script>` or `<style>` after it),
    /// returning where scanning resumes; `nil` if the tag never closes.
    private mutating func startTag(at start: Int) -> Int? {
        let end = input.count
        var index = start + 1
        while index < end, !ASCII.isWhitespace(input[index]), input[index] != ASCII.slash,
              input[index] != ASCII.greaterThan { index += 1 }
        let nameRange = start + 1..<index
        let tag = TagKind(name(nameRange))

        attributes.removeAll(keepingCapacity: true)
        var previousEnd = index
        while true {
            while index < end, ASCII.isWhitespace(input[index]) || input[index] == ASCII.slash { index += 1 }
            guard index < end else { return nil }
            if input[index] == ASCII.greaterThan {
                index += 1
                break
            }
            let nameStart = index
            index += 1  // A name may start with `=`; it never ends there.
            while index < end, !ASCII.isWhitespace(input[index]), input[index] != ASCII.slash,
                  input[index] != ASCII.greaterThan, input[index] != ASCII.equals { index += 1 }
            var attribute = Attribute(leading: previousEnd, name: nameStart..<index, value: -1 ..< -1, end: index)
            var afterName = index
            while afterName < end, ASCII.isWhitespace(input[afterName]) { afterName += 1 }
            if afterName < end, input[afterName] == ASCII.equals {
                index = afterName + 1
                while index < end, ASCII.isWhitespace(input[index]) { index += 1 }
                guard index < end else { return nil }
                let quote = input[index]
                if quote == ASCII.doubleQuote || quote == ASCII.singleQuote {
                    guard let close = find(byte: quote, from: index + 1) else { return nil }
                    attribute.value = index + 1..<close
                    index = close + 1
                } else {
                    let valueStart = index
                    while index < end, !ASCII.isWhitespace(input[index]), input[index] != ASCII.greaterThan { index += 1 }
                    attribute.value = valueStart..<index
                }
                attribute.end = index
            }
            attributes.append(attribute)
            previousEnd = attribute.end
        }
        if !unclosedBlockSeen, let block = dynamicBlock() {
            if let after = elementEnd(from: index, name: nameRange) {
                emitPlaceholder(for: block)
                return after
            }
            unclosedBlockSeen = true
        }
        emitTag(start..<index, tag: tag)

        switch tag {
        case .script, .style:
            let closing = rawTextEnd(from: index, name: tag == .script ? "script" : "style")
            scanValue(index..<closing, ValueScan.rawText)
            return closing
        case .textArea:
            // Text a reader sees, in which `<!--` is not a comment: copied as it is.
            let closing = rawTextEnd(from: index, name: "textarea")
            copy(index..<closing)
            return closing
        default:
            return index
        }
    }

    /// Writes the tag in `range` with its attributes' rules applied.
    private mutating func emitTag(_ range: Range<Int>, tag: TagKind) {
        let hiddenInput = tag == .input && attributes.contains { nameIs($0, "type") && valueIs($0, "hidden") }
        var cursor = range.lowerBound
        for position in attributes.indices {
            let attribute = attributes[position]
            let rule = valueRule(for: attribute, tag: tag, hiddenInput: hiddenInput)
            if case .keep = rule { continue }
            if case .remove = rule {
                copy(cursor..<attribute.leading)
                cursor = attribute.end
                continue
            }
            copy(cursor..<attribute.value.lowerBound)
            cursor = attribute.value.upperBound
            apply(rule, to: attribute.value)
        }
        copy(cursor..<range.upperBound)
    }

    /// Where the text of a `<script>`, `<style>` or `<textarea>` opened before `start` ends: at
    /// its end tag (`name` in any case), or at the end of the input.
    func rawTextEnd(from start: Int, name: StaticString) -> Int {
        var index = start
        while let open = find("</", from: index) {
            let after = open + 2 + name.utf8CodeUnitCount
            if matchesIgnoringCase(name, at: open + 2), endsTagName(at: after) { return open }
            index = open + 2
        }
        return input.count
    }

    // MARK: - Byte helpers

    mutating func copy(_ range: Range<Int>) {
        guard range.lowerBound < range.upperBound else { return }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: input[range]))
    }

    mutating func append(_ text: StaticString) {
        output.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    func name(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: input[range])
    }

    func nameIs(_ attribute: Attribute, _ literal: StaticString) -> Bool {
        attribute.name.count == literal.utf8CodeUnitCount && matchesIgnoringCase(literal, at: attribute.name.lowerBound)
    }

    func valueIs(_ attribute: Attribute, _ literal: StaticString) -> Bool {
        attribute.hasValue && attribute.value.count == literal.utf8CodeUnitCount
            && matchesIgnoringCase(literal, at: attribute.value.lowerBound)
    }

    /// Whether a tag name ends at `index`: whitespace, `/`, `>` or the end of the input follows it.
    func endsTagName(at index: Int) -> Bool {
        index == input.count || ASCII.isWhitespace(input[index]) || input[index] == ASCII.slash
            || input[index] == ASCII.greaterThan
    }

    /// Whether `literal` (ASCII) is at `index`, exactly.
    func matches(_ literal: StaticString, at index: Int) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index >= 0, index + count <= input.count else { return false }
        let bytes = literal.utf8Start
        for offset in 0..<count where input[index + offset] != bytes[offset] { return false }
        return true
    }

    /// Whether `literal` (lowercase ASCII) is at `index`, in any case.
    func matchesIgnoringCase(_ literal: StaticString, at index: Int) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index >= 0, index + count <= input.count else { return false }
        let bytes = literal.utf8Start
        for offset in 0..<count where ASCII.lowercased(input[index + offset]) != bytes[offset] { return false }
        return true
    }

    func find(_ literal: StaticString, from start: Int) -> Int? {
        let first = literal.utf8Start[0]
        var index = start
        while let candidate = find(byte: first, from: index) {
            if matches(literal, at: candidate) { return candidate }
            index = candidate + 1
        }
        return nil
    }

    func find(byte: UInt8, from start: Int) -> Int? {
        var index = start
        while index < input.count {
            if input[index] == byte { return index }
            index += 1
        }
        return nil
    }
}

extension MarkupScanner {
    /// The elements whose attributes or text some rule treats specially.
    enum TagKind {
        case anchor, input, form, script, style, textArea, media, other

        init(_ name: UnsafeBufferPointer<UInt8>) {
            func isName(_ literal: StaticString) -> Bool {
                guard name.count == literal.utf8CodeUnitCount else { return false }
                for offset in 0..<name.count where ASCII.lowercased(name[offset]) != literal.utf8Start[offset] { return false }
                return true
            }
            switch name.count {
            case 1 where isName("a"): self = .anchor
            case 4 where isName("area"): self = .anchor
            case 4 where isName("form"): self = .form
            case 5 where isName("input"): self = .input
            case 5 where isName("style"): self = .style
            case 6 where isName("script"): self = .script
            case 8 where isName("textarea"): self = .textArea
            case 3 where isName("img"), 6 where isName("iframe"), 5 where isName("video"), 5 where isName("audio"):
                self = .media
            default: self = .other
            }
        }
    }

    /// ASCII bytes and classes, without `Character` or locale. Computed, not stored, constants:
    /// a stored static is a lazily initialized global, checked on every access.
    enum ASCII {
        static var lessThan: UInt8 { 0x3C }
        static var greaterThan: UInt8 { 0x3E }
        static var slash: UInt8 { 0x2F }
        static var backslash: UInt8 { 0x5C }
        static var equals: UInt8 { 0x3D }
        static var exclamation: UInt8 { 0x21 }
        static var colon: UInt8 { 0x3A }
        static var semicolon: UInt8 { 0x3B }
        static var doubleQuote: UInt8 { 0x22 }
        static var singleQuote: UInt8 { 0x27 }
        static var ampersand: UInt8 { 0x26 }
        static var hash: UInt8 { 0x23 }
        static var question: UInt8 { 0x3F }
        static var hyphen: UInt8 { 0x2D }
        static var underscore: UInt8 { 0x5F }

        static func isWhitespace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C
        }

        static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
        static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        static func isAlphanumeric(_ byte: UInt8) -> Bool { isLetter(byte) || isDigit(byte) }
        /// `[0-9a-f]`: the digits of `dechex()`, `uniqid()`, `md5()` and nonces.
        static func isLowerHex(_ byte: UInt8) -> Bool { isDigit(byte) || (byte >= 0x61 && byte <= 0x66) }
        /// Characters of an HTML id, a CSS class or a query key.
        static func isIdentifier(_ byte: UInt8) -> Bool { isAlphanumeric(byte) || byte == hyphen || byte == underscore }
        static func lowercased(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }

        static func hexValue(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 0x30...0x39: byte - 0x30
            case 0x61...0x66: byte - 0x61 + 10
            case 0x41...0x46: byte - 0x41 + 10
            default: nil
            }
        }
    }
}
