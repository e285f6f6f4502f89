/// Reads a page of posts straight from the bytes of the response, building
/// only the fields feedwatch keeps: WordPress sends some forty per post
/// (`_links`, `meta`, `guid`, `yoast_head_json`…), which Foundation's
/// `JSONDecoder` parses into values of their own only to drop them. The
/// scanner checks that what it skips is valid JSON, without building it.
///
/// It reads what WordPress sends and nothing else: a list of objects, each
/// with an integer `id` and every tracked field of the type expected (or
/// null). Anything else — invalid JSON, a field of the wrong type, an entry
/// without a numeric id, a duplicated tracked key, a number that is not a
/// plain integer, escapes in a key, a lone surrogate — and it declines, and
/// `PostPage` decodes the body with `JSONDecoder` as before, which says what
/// is wrong (or skips what it skips) exactly as it always has. So the scanner
/// need only be right about the posts it accepts: it accepts them exactly as
/// `JSONDecoder` decodes them (`PostScannerTests` compares the two).
struct PostScanner {
    /// Why the scanner declined; what, `JSONDecoder` says.
    struct Declined: Error {}

    private let bytes: UnsafeBufferPointer<UInt8>
    private var at = 0
    /// Bytes of a string being unescaped, kept from string to string.
    private var unescaped: [UInt8] = []

    /// JSONDecoder's own nesting limit is 512; deeper is declined.
    private static let maximumDepth = 512

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// The posts of `json`, a JSON list of posts, in order; `nil` when the
    /// scanner declines it (see the type's comment). `json` must be UTF-8.
    static func posts(in json: ArraySlice<UInt8>) -> [WordPressPost]? {
        json.withUnsafeBufferPointer { buffer in
            var scanner = PostScanner(buffer)
            return try? scanner.list()
        }
    }

    // MARK: The list and its posts

    private mutating func list() throws(Declined) -> [WordPressPost] {
        skipWhitespace()
        try expect(UInt8(ascii: "["))
        var posts: [WordPressPost] = []
        try elements { scanner throws(Declined) in posts.append(try scanner.post()) }
        skipWhitespace()
        guard at == bytes.count else { throw Declined() }
        return posts
    }

    /// The keys read, each once: a bit per key of `Key`.
    private enum Key: Int {
        case id, modifiedGMT, status, slug, link, title, content, excerpt, author, featuredMedia, categories, tags

        /// The tracked key a member's name is, if any.
        init?(_ name: UnsafeBufferPointer<UInt8>) {
            // The names as WordPress spells them; the first byte and the length sort most out at once.
            switch (name.count, name.first) {
            case (2, UInt8(ascii: "i")) where Self.equal(name, "id"): self = .id
            case (12, UInt8(ascii: "m")) where Self.equal(name, "modified_gmt"): self = .modifiedGMT
            case (6, UInt8(ascii: "s")) where Self.equal(name, "status"): self = .status
            case (4, UInt8(ascii: "s")) where Self.equal(name, "slug"): self = .slug
            case (4, UInt8(ascii: "l")) where Self.equal(name, "link"): self = .link
            case (5, UInt8(ascii: "t")) where Self.equal(name, "title"): self = .title
            case (7, UInt8(ascii: "c")) where Self.equal(name, "content"): self = .content
            case (7, UInt8(ascii: "e")) where Self.equal(name, "excerpt"): self = .excerpt
            case (6, UInt8(ascii: "a")) where Self.equal(name, "author"): self = .author
            case (14, UInt8(ascii: "f")) where Self.equal(name, "featured_media"): self = .featuredMedia
            case (10, UInt8(ascii: "c")) where Self.equal(name, "categories"): self = .categories
            case (4, UInt8(ascii: "t")) where Self.equal(name, "tags"): self = .tags
            default: return nil
            }
        }

        private static func equal(_ name: UnsafeBufferPointer<UInt8>, _ key: StaticString) -> Bool {
            key.withUTF8Buffer { name.elementsEqual($0) }
        }
    }

    private mutating func post() throws(Declined) -> WordPressPost {
        try expect(UInt8(ascii: "{"))
        var post = WordPressPost(id: 0)
        var seen: UInt16 = 0
        try members { scanner, name throws(Declined) in
            guard let key = Key(name) else { return try scanner.skipValue(depth: 2) }
            let bit: UInt16 = 1 << key.rawValue
            guard seen & bit == 0 else { throw Declined() }
            seen |= bit
            switch key {
            case .id: post.id = try scanner.integer()
            case .modifiedGMT: post.modifiedGMT = try scanner.optionalString()
            case .status: post.status = try scanner.optionalString()
            case .slug: post.slug = try scanner.optionalString()
            case .link: post.link = try scanner.optionalString()
            case .title: (post.title, post.titleRaw) = try scanner.rendered()
            case .content: (post.content, post.contentRaw) = try scanner.rendered()
            case .excerpt: (post.excerpt, post.excerptRaw) = try scanner.rendered()
            case .author: post.author = try scanner.optional { scanner throws(Declined) in try scanner.integer() }
            case .featuredMedia: post.featuredMedia = try scanner.optional { scanner throws(Declined) in try scanner.integer() }
            case .categories: post.categories = try scanner.optional { scanner throws(Declined) in try scanner.integers() }
            case .tags: post.tags = try scanner.optional { scanner throws(Declined) in try scanner.integers() }
            }
        }
        // Without an id the entry is skipped, which JSONDecoder's path counts.
        guard seen & 1 != 0 else { throw Declined() }
        return post
    }

    /// `{"rendered": "…", "raw": "…", …}`, a plain string, or null: the rendered text and the raw one.
    private mutating func rendered() throws(Declined) -> (String?, String?) {
        switch peek() {
        case UInt8(ascii: "{"):
            at += 1
            var rendered: String?
            var raw: String?
            var seen = (rendered: false, raw: false)
            try members { scanner, name throws(Declined) in
                if name.elementsEqual("rendered".utf8) {
                    guard !seen.rendered else { throw Declined() }
                    seen.rendered = true
                    rendered = try scanner.optionalString()
                } else if name.elementsEqual("raw".utf8) {
                    guard !seen.raw else { throw Declined() }
                    seen.raw = true
                    raw = try scanner.optionalString()
                } else {
                    try scanner.skipValue(depth: 3)
                }
            }
            return (rendered, raw)
        case UInt8(ascii: "\""):
            return (try string(), nil)
        default:
            try literal("null")
            return (nil, nil)
        }
    }

    // MARK: Values

    /// The members of the object whose `{` was just read, through its `}`:
    /// `body` is at each value, given the member's name.
    private mutating func members(
        _ body: (inout PostScanner, UnsafeBufferPointer<UInt8>) throws(Declined) -> Void
    ) throws(Declined) {
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            at += 1
            return
        }
        while true {
            skipWhitespace()
            let name = try key()
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            try body(&self, name)
            skipWhitespace()
            if try separator(closing: UInt8(ascii: "}")) { return }
        }
    }

    /// The elements of the array whose `[` was just read, through its `]`:
    /// `body` is at each element.
    private mutating func elements(_ body: (inout PostScanner) throws(Declined) -> Void) throws(Declined) {
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            at += 1
            return
        }
        while true {
            skipWhitespace()
            try body(&self)
            skipWhitespace()
            if try separator(closing: UInt8(ascii: "]")) { return }
        }
    }

    /// A member's name, which has no escapes (WordPress's have none).
    private mutating func key() throws(Declined) -> UnsafeBufferPointer<UInt8> {
        try expect(UInt8(ascii: "\""))
        let start = at
        while at < bytes.count {
            let byte = bytes[at]
            if byte == UInt8(ascii: "\"") {
                at += 1
                return UnsafeBufferPointer(rebasing: bytes[start..<at - 1])
            }
            guard byte != UInt8(ascii: "\\"), byte >= 0x20 else { throw Declined() }
            at += 1
        }
        throw Declined()
    }

    private mutating func optional<T>(_ value: (inout PostScanner) throws(Declined) -> T) throws(Declined) -> T? {
        if peek() == UInt8(ascii: "n") {
            try literal("null")
            return nil
        }
        return try value(&self)
    }

    private mutating func optionalString() throws(Declined) -> String? {
        try optional { scanner throws(Declined) in try scanner.string() }
    }

    /// A plain integer that fits an `Int`: `-`, then digits without a leading zero.
    private mutating func integer() throws(Declined) -> Int {
        let negative = peek() == UInt8(ascii: "-")
        if negative { at += 1 }
        let start = at
        var value = 0
        while at < bytes.count, case let digit = bytes[at] &- UInt8(ascii: "0"), digit < 10 {
            let (times, overflowTimes) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowSum) = negative ? times.subtractingReportingOverflow(Int(digit))
                                              : times.addingReportingOverflow(Int(digit))
            guard !overflowTimes, !overflowSum else { throw Declined() }
            value = sum
            at += 1
        }
        guard at > start, bytes[start] != UInt8(ascii: "0") || at == start + 1 else { throw Declined() }
        // A fraction or exponent: JSONDecoder's to judge.
        if let next = peek(), next == UInt8(ascii: ".") || next == UInt8(ascii: "e") || next == UInt8(ascii: "E") {
            throw Declined()
        }
        return value
    }

    private mutating func integers() throws(Declined) -> [Int] {
        try expect(UInt8(ascii: "["))
        var list: [Int] = []
        try elements { scanner throws(Declined) in list.append(try scanner.integer()) }
        return list
    }

    /// A string, unescaped.
    private mutating func string() throws(Declined) -> String {
        try expect(UInt8(ascii: "\""))
        let start = at
        // Most strings but contents have no escape: one pass, one copy.
        while at < bytes.count {
            let byte = bytes[at]
            if byte == UInt8(ascii: "\"") {
                at += 1
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at - 1]), as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw Declined() }
            at += 1
        }
        unescaped.removeAll(keepingCapacity: true)
        var run = start
        while at < bytes.count {
            let byte = bytes[at]
            if byte == UInt8(ascii: "\"") {
                unescaped.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<at]))
                at += 1
                return String(decoding: unescaped, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") {
                unescaped.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<at]))
                try escape()
                run = at
                continue
            }
            guard byte >= 0x20 else { throw Declined() }
            at += 1
        }
        throw Declined()
    }

    /// The escape at `at` (its backslash), appended to `unescaped`.
    private mutating func escape() throws(Declined) {
        guard at + 1 < bytes.count else { throw Declined() }
        let letter = bytes[at + 1]
        at += 2
        switch letter {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): unescaped.append(letter)
        case UInt8(ascii: "b"): unescaped.append(0x08)
        case UInt8(ascii: "f"): unescaped.append(0x0C)
        case UInt8(ascii: "n"): unescaped.append(0x0A)
        case UInt8(ascii: "r"): unescaped.append(0x0D)
        case UInt8(ascii: "t"): unescaped.append(0x09)
        case UInt8(ascii: "u"):
            var code = UInt32(try hex4())
            if code >= 0xD800, code < 0xDC00 {
                // A high surrogate must be followed by a low one; a lone one is JSONDecoder's to judge.
                guard at + 1 < bytes.count, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") else {
                    throw Declined()
                }
                at += 2
                let low = UInt32(try hex4())
                guard low >= 0xDC00, low < 0xE000 else { throw Declined() }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            } else if code >= 0xDC00, code < 0xE000 {
                throw Declined()
            }
            guard let scalar = Unicode.Scalar(code) else { throw Declined() }
            unescaped.append(contentsOf: UTF8.encode(scalar)!)
        default:
            throw Declined()
        }
    }

    private mutating func hex4() throws(Declined) -> UInt16 {
        guard at + 4 <= bytes.count else { throw Declined() }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[at]
            let digit: UInt8 = switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: throw Declined()
            }
            value = value << 4 | UInt16(digit)
            at += 1
        }
        return value
    }

    // MARK: Skipping, checked

    /// Passes over any JSON value, checking that it is valid.
    /// - Parameter depth: how deep in the body the value is.
    private mutating func skipValue(depth: Int) throws(Declined) {
        guard depth <= Self.maximumDepth, let first = peek() else { throw Declined() }
        switch first {
        case UInt8(ascii: "\""):
            try skipString()
        case UInt8(ascii: "{"):
            at += 1
            try members { scanner, _ throws(Declined) in try scanner.skipValue(depth: depth + 1) }
        case UInt8(ascii: "["):
            at += 1
            try elements { scanner throws(Declined) in try scanner.skipValue(depth: depth + 1) }
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: try skipNumber()
        }
    }

    private mutating func skipString() throws(Declined) {
        try expect(UInt8(ascii: "\""))
        while at < bytes.count {
            let byte = bytes[at]
            if byte == UInt8(ascii: "\"") {
                at += 1
                return
            }
            guard byte >= 0x20 else { throw Declined() }
            if byte == UInt8(ascii: "\\") {
                guard at + 1 < bytes.count else { throw Declined() }
                switch bytes[at + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    at += 2
                case UInt8(ascii: "u"):
                    // Surrogates are not paired up here: an unpaired one is declined where it is read.
                    at += 2
                    _ = try hex4()
                default:
                    throw Declined()
                }
                continue
            }
            at += 1
        }
        throw Declined()
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private mutating func skipNumber() throws(Declined) {
        if peek() == UInt8(ascii: "-") { at += 1 }
        if peek() == UInt8(ascii: "0") {
            at += 1
        } else {
            try skipDigits()
        }
        if peek() == UInt8(ascii: ".") {
            at += 1
            try skipDigits()
        }
        if let next = peek(), next == UInt8(ascii: "e") || next == UInt8(ascii: "E") {
            at += 1
            if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { at += 1 }
            try skipDigits()
        }
    }

    /// One digit or more.
    private mutating func skipDigits() throws(Declined) {
        let start = at
        while at < bytes.count, bytes[at] &- UInt8(ascii: "0") < 10 { at += 1 }
        guard at > start else { throw Declined() }
    }

    // MARK: Bytes

    private func peek() -> UInt8? { at < bytes.count ? bytes[at] : nil }

    private mutating func skipWhitespace() {
        while at < bytes.count {
            switch bytes[at] {
            case 0x20, 0x0A, 0x0D, 0x09: at += 1
            default: return
            }
        }
    }

    private mutating func expect(_ byte: UInt8) throws(Declined) {
        guard peek() == byte else { throw Declined() }
        at += 1
    }

    /// After a list's or object's element: `,` (false) or the closing byte (true).
    private mutating func separator(closing: UInt8) throws(Declined) -> Bool {
        switch peek() {
        case UInt8(ascii: ","):
            at += 1
            return false
        case closing:
            at += 1
            return true
        default:
            throw Declined()
        }
    }

    private mutating func literal(_ word: StaticString) throws(Declined) {
        let (bytes, at) = (bytes, at)
        let matches = word.withUTF8Buffer { word in
            at + word.count <= bytes.count && UnsafeBufferPointer(rebasing: bytes[at..<at + word.count]).elementsEqual(word)
        }
        guard matches else { throw Declined() }
        self.at += word.utf8CodeUnitCount
    }
}
