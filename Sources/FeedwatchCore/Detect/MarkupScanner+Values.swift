/// The value rules of `DynamicMarkup`: which attribute values are replaced whole, and the patterns
/// looked for inside the others and inside `<script>`/`<style>` text. The reasons are listed on
/// `DynamicMarkup`.
extension MarkupScanner {
    /// What becomes of one attribute.
    enum ValueRule {
        case keep
        /// Drop the attribute, name and value (loading hints, whose presence itself varies).
        case remove
        /// Replace the whole value.
        case placeholder(StaticString)
        /// Look for varying parts inside the value.
        case scan(ValueScan)
        /// A form action that is the REST request URI: replaced, its `#fragment` scanned.
        case requestURI
        case cloudflareEmail
        /// `sizes="auto, …"`: keep the value from this index on.
        case sizesFrom(Int)
        /// Rocket Loader's `<hex>-text/javascript`: replace the value up to this index.
        case rocketLoaderPrefix(Int)
    }

    /// Which of the context-dependent patterns apply inside a value. Nonces, embed secrets, Contact
    /// Form 7 unit tags and Cloudflare paths are looked for everywhere a scan runs.
    struct ValueScan {
        /// Per-request counters (`gallery-N`, `wp-container-…-N`): only where ids and classes are.
        var counters: Bool
        /// `ver=` query values: not in a link's `href`, which a person wrote.
        var versions: Bool
        /// `uniqid()` values: not in link targets or sources, where such a token names a resource.
        var uniqids: Bool

        static let identifiers = ValueScan(counters: true, versions: true, uniqids: true)
        static let rawText = identifiers
        static let resources = ValueScan(counters: false, versions: true, uniqids: false)
        static let links = ValueScan(counters: false, versions: false, uniqids: false)
        static let other = ValueScan(counters: false, versions: true, uniqids: true)
    }

    /// A part of the input to write differently.
    struct Replacement {
        var range: Range<Int>
        var placeholder: StaticString
    }

    // MARK: - Attributes

    func valueRule(for attribute: Attribute, tag: TagKind, hiddenInput: Bool) -> ValueRule {
        if tag == .media, nameIs(attribute, "loading") || nameIs(attribute, "decoding") || nameIs(attribute, "fetchpriority") {
            return .remove
        }
        guard attribute.hasValue, !attribute.value.isEmpty else { return .keep }
        let name = attribute.name
        if contains("nonce", in: name) { return .placeholder("{nonce}") }
        if nameIs(attribute, "data-secret") { return .placeholder("{secret}") }
        if nameIs(attribute, "data-token") || nameIs(attribute, "data-token-time") { return .placeholder("{token}") }
        if nameIs(attribute, "data-cfemail") { return .cloudflareEmail }
        // Text a reader or a screen reader gets, and inline CSS: never rewritten.
        if nameIs(attribute, "alt") || nameIs(attribute, "title") || nameIs(attribute, "placeholder")
            || nameIs(attribute, "aria-label") || nameIs(attribute, "label") || nameIs(attribute, "content")
            || nameIs(attribute, "style") {
            return .keep
        }
        if nameIs(attribute, "id") || nameIs(attribute, "class") || nameIs(attribute, "for") || nameIs(attribute, "headers")
            || matchesIgnoringCase("aria-", at: name.lowerBound) || matchesIgnoringCase("data-", at: name.lowerBound) {
            return .scan(.identifiers)
        }
        switch tag {
        case .input where nameIs(attribute, "value"):
            guard hiddenInput else { return .keep }
            return isVolatileHiddenValue(attribute.value) ? .placeholder("{hidden}") : .scan(.other)
        case .form where nameIs(attribute, "action"):
            return isRESTURL(attribute.value) || echoesRequest(attribute.value) ? .requestURI : .scan(.resources)
        case .anchor where nameIs(attribute, "href"):
            if input[attribute.value.lowerBound] == ASCII.hash { return .scan(.identifiers) }
            return echoesRequest(attribute.value) ? .requestURI : .scan(.links)
        case .media where nameIs(attribute, "sizes"):
            return autoSizesEnd(attribute.value).map(ValueRule.sizesFrom) ?? .keep
        case .script where nameIs(attribute, "type"):
            return rocketLoaderPrefixEnd(attribute.value).map(ValueRule.rocketLoaderPrefix) ?? .keep
        default:
            break
        }
        if nameIs(attribute, "href") || nameIs(attribute, "src") || nameIs(attribute, "srcset") || nameIs(attribute, "action")
            || nameIs(attribute, "poster") {
            return .scan(.resources)
        }
        return .scan(.other)
    }

    mutating func apply(_ rule: ValueRule, to value: Range<Int>) {
        switch rule {
        case .keep, .remove:
            copy(value)
        case .placeholder(let text):
            append(text)
        case .scan(let scan):
            scanValue(value, scan)
        case .requestURI:
            append("{request-uri}")
            if let fragment = fragmentStart(value) { scanValue(fragment..<value.upperBound, .resources) }
        case .cloudflareEmail:
            guard let address = cloudflareDecoded(value) else { return copy(value) }
            append("{cfemail:")
            output += address
            append("}")
        case .sizesFrom(let start):
            copy(start..<value.upperBound)
        case .rocketLoaderPrefix(let end):
            append("{cf}")
            copy(end..<value.upperBound)
        }
    }

    /// A hidden field's value that differs between requests: the field's name mentions a nonce,
    /// token, referer or version, or the value is shaped like a nonce or a Unix time (10 hex
    /// digits), or echoes a REST URL.
    private func isVolatileHiddenValue(_ value: Range<Int>) -> Bool {
        if let field = attributes.first(where: { nameIs($0, "name") }), field.hasValue {
            for word: StaticString in ["nonce", "token", "referer", "referrer", "version"] where contains(word, in: field.value) {
                return true
            }
        }
        if value.count == 10, value.allSatisfy({ ASCII.isLowerHex(input[$0]) }) { return true }
        return isRESTURL(value)
    }

    /// Whether the value is the URL of the request that rendered it: it carries `_fields=`, which
    /// every content request of feedwatch has and no link a person writes does (`add_query_arg()`
    /// and `paginate_links()` without a URL build on `$_SERVER['REQUEST_URI']`). An `_fields` only
    /// inside a `redirect_to=` value is left to the `redirect_to` rule, which keeps the rest.
    private func echoesRequest(_ value: Range<Int>) -> Bool {
        guard let key = firstOccurrence("_fields=", in: value) else { return false }
        guard let redirect = firstOccurrence("redirect_to=", in: value) else { return true }
        return key < redirect
    }

    /// Whether the value is a URL of the REST API, with pretty or plain permalinks.
    private func isRESTURL(_ value: Range<Int>) -> Bool {
        contains("/wp-json/", in: value) || contains("rest_route=", in: value)
    }

    /// Where the sizes list starts after a leading `auto,`, if there is one and something follows.
    private func autoSizesEnd(_ value: Range<Int>) -> Int? {
        guard matchesIgnoringCase("auto", at: value.lowerBound) else { return nil }
        var index = value.lowerBound + 4
        while index < value.upperBound, ASCII.isWhitespace(input[index]) { index += 1 }
        guard index < value.upperBound, input[index] == UInt8(ascii: ",") else { return nil }
        index += 1
        while index < value.upperBound, ASCII.isWhitespace(input[index]) { index += 1 }
        return index < value.upperBound ? index : nil
    }

    /// The end of Rocket Loader's hex prefix (`<hex>-text/javascript`, `<hex>-module`), if any.
    private func rocketLoaderPrefixEnd(_ value: Range<Int>) -> Int? {
        let hexEnd = hexRunEnd(from: value.lowerBound, limit: value.upperBound)
        guard hexEnd - value.lowerBound >= 8, hexEnd < value.upperBound, input[hexEnd] == ASCII.hyphen else { return nil }
        return hexEnd
    }

    // MARK: - Inside values and raw text

    /// Copies `range`, replacing what the always-on rules and the rules `scan` enables find.
    ///
    /// Every rule but the nonce one starts at a token boundary (after a byte that is not a letter
    /// or digit), so the inner loop only classifies bytes and looks further at boundaries and `n`.
    mutating func scanValue(_ range: Range<Int>, _ scan: ValueScan) {
        var cursor = range.lowerBound
        var index = range.lowerBound
        let end = range.upperBound
        var startsToken = true  // A value starts after a quote, raw text after `>`.
        while index < end {
            let byte = input[index]
            var hit: Replacement?
            if startsToken { hit = tokenRule(at: index, end: end, scan) }
            if hit == nil {
                if ASCII.isAlphanumeric(byte) {
                    startsToken = false
                    if byte | 0x20 == UInt8(ascii: "n") { hit = nonce(at: index, end: end) }
                } else {
                    startsToken = true
                    if byte == ASCII.slash { hit = cloudflarePath(at: index, end: end) }
                }
            }
            guard let hit else {
                index += 1
                continue
            }
            copy(cursor..<hit.range.lowerBound)
            if hit.placeholder.utf8CodeUnitCount == 0 {
                // Cloudflare's encoded address: decoded in place.
                output += cloudflareDecoded(hit.range) ?? []
            } else {
                append(hit.placeholder)
            }
            cursor = hit.range.upperBound
            index = max(cursor, index + 1)
            startsToken = !ASCII.isAlphanumeric(input[index - 1])
        }
        copy(cursor..<end)
    }

    /// The rules that look at a token starting at `index`.
    private func tokenRule(at index: Int, end: Int, _ scan: ValueScan) -> Replacement? {
        var hit: Replacement?
        switch input[index] {
        case UInt8(ascii: "v"):
            if scan.versions { hit = version(at: index, end: end) }
            if hit == nil, scan.counters { hit = counter(at: index, end: end) }
        case UInt8(ascii: "s"):
            hit = secret(at: index, end: end)
        case UInt8(ascii: "r"):
            hit = redirectEcho(at: index, end: end)
        case ASCII.underscore:
            if scan.versions { hit = mediaInstance(at: index, end: end) }
        case UInt8(ascii: "w"):
            hit = contactFormUnitTag(at: index, end: end)
            if hit == nil, scan.counters { hit = counter(at: index, end: end) }
        case UInt8(ascii: "g"), UInt8(ascii: "a"):
            if scan.counters { hit = counter(at: index, end: end) }
        default:
            break
        }
        if hit == nil, scan.uniqids, ASCII.isLowerHex(input[index]) { hit = uniqid(at: index, end: end) }
        return hit
    }

    /// `…nonce…` as a key followed by `=` or `:` and a token, plain or in quotes of any kind
    /// (`"`, `'`, `\"`, `&quot;`, `&#039;`…): the token.
    private func nonce(at index: Int, end: Int) -> Replacement? {
        guard index + 1 < end, input[index + 1] | 0x20 == UInt8(ascii: "o"), matchesIgnoringCase("nonce", at: index) else {
            return nil
        }
        var position = index + 5
        while position < end, ASCII.isIdentifier(input[position]) || input[position] == UInt8(ascii: "]") { position += 1 }
        if let keyQuote = quoteLength(at: position, end: end) { position += keyQuote }
        while position < end, input[position] == 0x20 { position += 1 }
        guard position < end, input[position] == ASCII.equals || input[position] == ASCII.colon else { return nil }
        let assigns = input[position] == ASCII.equals
        position += 1
        if assigns, position < end, input[position] == ASCII.equals { return nil }  // `==`: a comparison
        while position < end, input[position] == 0x20 { position += 1 }
        if let open = quoteLength(at: position, end: end) {
            let start = position + open
            var stop = start
            while stop < end, isTokenByte(input[stop], quoted: true) { stop += 1 }
            guard stop > start, stop + open <= end,
                  (0..<open).allSatisfy({ input[stop + $0] == input[position + $0] }) else { return nil }
            return Replacement(range: start..<stop, placeholder: "{nonce}")
        }
        guard assigns else { return nil }
        var stop = position
        while stop < end, isTokenByte(input[stop], quoted: false) { stop += 1 }
        return stop > position ? Replacement(range: position..<stop, placeholder: "{nonce}") : nil
    }

    /// The length of a quote at `index`, as JSON, JavaScript or HTML-escaped JSON writes it.
    private func quoteLength(at index: Int, end: Int) -> Int? {
        guard index < end else { return nil }
        switch input[index] {
        case ASCII.doubleQuote, ASCII.singleQuote:
            return 1
        case ASCII.backslash where index + 1 < end:
            let escaped = input[index + 1]
            return escaped == ASCII.doubleQuote || escaped == ASCII.singleQuote ? 2 : nil
        case ASCII.ampersand:
            for entity: StaticString in ["&quot;", "&#039;", "&#39;", "&#x27;", "&#34;"]
            where index + entity.utf8CodeUnitCount <= end && matches(entity, at: index) {
                return entity.utf8CodeUnitCount
            }
            return nil
        default:
            return nil
        }
    }

    /// Bytes of a nonce or secret token; base64's `+/=` only between quotes.
    private func isTokenByte(_ byte: UInt8, quoted: Bool) -> Bool {
        if ASCII.isIdentifier(byte) || byte == UInt8(ascii: ".") { return true }
        return quoted && (byte == UInt8(ascii: "+") || byte == ASCII.slash || byte == ASCII.equals)
    }

    /// Whether a query parameter starts at `index`: after `?`, `&`, `&amp;`, `&#038;` or `&#38;`.
    private func startsQueryParameter(_ index: Int) -> Bool {
        guard index > 0 else { return false }
        switch input[index - 1] {
        case ASCII.question, ASCII.ampersand: return true
        case ASCII.semicolon:
            return matches("&amp;", at: index - 5) || matches("&#038;", at: index - 6) || matches("&#38;", at: index - 5)
        default: return false
        }
    }

    /// The end of a query value starting at `index`.
    private func queryValueEnd(from index: Int, end: Int) -> Int {
        var stop = index
        while stop < end {
            switch input[stop] {
            case ASCII.ampersand, ASCII.hash, ASCII.doubleQuote, ASCII.singleQuote, ASCII.lessThan, ASCII.greaterThan,
                 ASCII.backslash, UInt8(ascii: ")"), 0x20, 0x09, 0x0A, 0x0D, 0x0C:
                return stop
            default:
                stop += 1
            }
        }
        return stop
    }

    /// `ver=` as a query parameter: its value.
    private func version(at index: Int, end: Int) -> Replacement? {
        guard matches("ver=", at: index), startsQueryParameter(index) else { return nil }
        let stop = queryValueEnd(from: index + 4, end: end)
        return stop > index + 4 ? Replacement(range: index + 4..<stop, placeholder: "{ver}") : nil
    }

    /// `redirect_to=` as a query parameter whose value is the REST request (`wp_loginout()` and
    /// `wp_login_url()` with the current URL, URL-encoded): its value.
    private func redirectEcho(at index: Int, end: Int) -> Replacement? {
        guard matches("redirect_to=", at: index), startsQueryParameter(index) else { return nil }
        let stop = queryValueEnd(from: index + 12, end: end)
        let value = index + 12..<stop
        guard contains("wp-json", in: value) || contains("rest_route", in: value) || contains("_fields", in: value)
        else { return nil }
        return Replacement(range: value, placeholder: "{request-uri}")
    }

    /// `_=N` as a query parameter of a media source: `wp_audio_shortcode()` and
    /// `wp_video_shortcode()` append their request-wide instance counter to each `<source src>`.
    private func mediaInstance(at index: Int, end: Int) -> Replacement? {
        guard matches("_=", at: index), startsQueryParameter(index) else { return nil }
        let stop = digitsEnd(from: index + 2, end: end)
        guard stop > index + 2, stop == queryValueEnd(from: index + 2, end: end) else { return nil }
        return Replacement(range: index + 2..<stop, placeholder: "{n}")
    }

    /// `secret=` as a query parameter (`#?secret=` of a WordPress embed): its value.
    private func secret(at index: Int, end: Int) -> Replacement? {
        guard matches("secret=", at: index), startsQueryParameter(index) else { return nil }
        let stop = queryValueEnd(from: index + 7, end: end)
        return stop > index + 7 ? Replacement(range: index + 7..<stop, placeholder: "{secret}") : nil
    }

    /// `wpcf7-f<form>[-p<post>]-o<count>`: the count.
    private func contactFormUnitTag(at index: Int, end: Int) -> Replacement? {
        guard matches("wpcf7-f", at: index), index == 0 || !ASCII.isAlphanumeric(input[index - 1]) else { return nil }
        var position = digitsEnd(from: index + 7, end: end)
        guard position > index + 7 else { return nil }
        if matches("-p", at: position) {
            let post = digitsEnd(from: position + 2, end: end)
            guard post > position + 2 else { return nil }
            position = post
        }
        guard matches("-o", at: position) else { return nil }
        let count = digitsEnd(from: position + 2, end: end)
        guard count > position + 2, count == end || !ASCII.isAlphanumeric(input[count]) else { return nil }
        return Replacement(range: position + 2..<count, placeholder: "{n}")
    }

    /// The per-request counter of an id or class `wp_unique_id()` and core's shortcodes generate.
    private func counter(at index: Int, end: Int) -> Replacement? {
        if index > 0 {
            let previous = input[index - 1]
            guard !ASCII.isIdentifier(previous), previous != ASCII.slash, previous != ASCII.backslash else { return nil }
        }
        func afterPrefix(_ prefix: StaticString, hex: Bool = false) -> Replacement? {
            guard matches(prefix, at: index) else { return nil }
            let start = index + prefix.utf8CodeUnitCount
            let stop = hex ? hexRunEnd(from: start, limit: end) : digitsEnd(from: start, end: end)
            guard stop > start, stop == end || !ASCII.isAlphanumeric(input[stop]) && input[stop] != ASCII.underscore,
                  !hex || (start..<stop).contains(where: { ASCII.isDigit(input[$0]) }) else { return nil }
            return Replacement(range: start..<stop, placeholder: "{n}")
        }
        /// `audio-<post>-<count>`, `video-<post>-<count>`.
        func afterPostID(_ prefix: StaticString) -> Replacement? {
            guard matches(prefix, at: index) else { return nil }
            let post = digitsEnd(from: index + prefix.utf8CodeUnitCount, end: end)
            guard post > index + prefix.utf8CodeUnitCount, post < end, input[post] == ASCII.hyphen else { return nil }
            let stop = digitsEnd(from: post + 1, end: end)
            guard stop > post + 1, stop == end || !ASCII.isIdentifier(input[stop]) else { return nil }
            return Replacement(range: post + 1..<stop, placeholder: "{n}")
        }
        switch input[index] {
        case UInt8(ascii: "g"):
            return afterPrefix("gallery-")
        case UInt8(ascii: "a"):
            return afterPrefix("accordion-item-") ?? afterPostID("audio-")
        case UInt8(ascii: "v"):
            return afterPostID("video-")
        case UInt8(ascii: "w"):
            guard matches("wp-", at: index) else { return nil }
            return afterPrefix("wp-block-gallery-") ?? afterPrefix("wp-block-search__input-")
                ?? afterPrefix("wp-block-archives-") ?? afterPrefix("wp-block-categories-")
                ?? afterPrefix("wp-elements-", hex: true) ?? layoutContainer(at: index, end: end)
                ?? duotoneFilter(at: index, end: end)
        default:
            return nil
        }
    }

    /// `wp-container-6`, `wp-container-core-group-is-layout-3`, `wp-container-content-9cfa9a5a`:
    /// the last part, a counter or (since 6.8) a hash of layout attributes.
    private func layoutContainer(at index: Int, end: Int) -> Replacement? {
        guard matches("wp-container-", at: index) else { return nil }
        let start = index + 13
        var stop = start
        while stop < end, ASCII.isIdentifier(input[stop]) { stop += 1 }
        var segment = stop
        while segment > start, input[segment - 1] != ASCII.hyphen { segment -= 1 }
        guard segment < stop, (segment..<stop).allSatisfy({ ASCII.isLowerHex(input[$0]) }),
              (segment..<stop).contains(where: { ASCII.isDigit(input[$0]) }) else { return nil }
        return Replacement(range: segment..<stop, placeholder: "{n}")
    }

    /// `wp-duotone-<preset or colours>-N`: `wp_render_duotone_support()` makes the filter's slug
    /// with `wp_unique_id()`; the last part is the counter.
    private func duotoneFilter(at index: Int, end: Int) -> Replacement? {
        guard matches("wp-duotone-", at: index) else { return nil }
        let start = index + 11
        var stop = start
        while stop < end, ASCII.isIdentifier(input[stop]) { stop += 1 }
        var segment = stop
        while segment > start, input[segment - 1] != ASCII.hyphen { segment -= 1 }
        guard segment > start, segment < stop, (segment..<stop).allSatisfy({ ASCII.isDigit(input[$0]) }) else { return nil }
        return Replacement(range: segment..<stop, placeholder: "{n}")
    }

    /// PHP's `uniqid()`: 13 lowercase hex digits, 8 of seconds (between 2009 and 2038) and 5 of
    /// microseconds (below 1,000,000), standing alone.
    private func uniqid(at index: Int, end: Int) -> Replacement? {
        guard index + 13 <= end, index == 0 || !ASCII.isAlphanumeric(input[index - 1]),
              index + 13 == end || !ASCII.isAlphanumeric(input[index + 13]) else { return nil }
        var seconds: UInt32 = 0
        var microseconds: UInt32 = 0
        for offset in 0..<13 {
            let byte = input[index + offset]
            guard ASCII.isLowerHex(byte), let digit = ASCII.hexValue(byte) else { return nil }
            if offset < 8 { seconds = seconds << 4 | UInt32(digit) } else { microseconds = microseconds << 4 | UInt32(digit) }
        }
        guard seconds >= 0x4B00_0000, seconds <= 0x7FFF_FFFF, microseconds < 1_000_000 else { return nil }
        return Replacement(range: index..<index + 13, placeholder: "{uniqid}")
    }

    /// `/cdn-cgi/l/email-protection#<hex>`: the address decoded (signalled by an empty
    /// placeholder); `/cdn-cgi/scripts/<hex>/`: the deployment hash.
    private func cloudflarePath(at index: Int, end: Int) -> Replacement? {
        guard matches("/cdn-cgi/", at: index) else { return nil }
        if matches("/cdn-cgi/l/email-protection#", at: index) {
            let start = index + 28
            let stop = hexRunEnd(from: start, limit: end)
            guard cloudflareDecoded(start..<stop) != nil else { return nil }
            return Replacement(range: start..<stop, placeholder: "")
        }
        if matches("/cdn-cgi/scripts/", at: index) {
            let start = index + 17
            let stop = hexRunEnd(from: start, limit: end)
            guard stop - start >= 6, stop < end, input[stop] == ASCII.slash else { return nil }
            return Replacement(range: start..<stop, placeholder: "{cf}")
        }
        return nil
    }

    /// Cloudflare's email obfuscation: hex bytes, the first a key the others are XOR-ed with.
    func cloudflareDecoded(_ range: Range<Int>) -> [UInt8]? {
        guard range.count >= 4, range.count % 2 == 0 else { return nil }
        func byte(at index: Int) -> UInt8? {
            guard let high = ASCII.hexValue(input[index]), let low = ASCII.hexValue(input[index + 1]) else { return nil }
            return high << 4 | low
        }
        guard let key = byte(at: range.lowerBound) else { return nil }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(range.count / 2)
        for index in stride(from: range.lowerBound + 2, to: range.upperBound, by: 2) {
            guard let value = byte(at: index) else { return nil }
            decoded.append(value ^ key)
        }
        return decoded
    }

    // MARK: - Helpers

    private func digitsEnd(from start: Int, end: Int) -> Int {
        var stop = start
        while stop < end, ASCII.isDigit(input[stop]) { stop += 1 }
        return stop
    }

    /// The end of a run of hex digits (either case) from `start`.
    private func hexRunEnd(from start: Int, limit: Int) -> Int {
        var stop = start
        while stop < limit, ASCII.hexValue(input[stop]) != nil { stop += 1 }
        return stop
    }

    /// Where `literal` (lowercase ASCII) first occurs in `range`, in any case.
    private func firstOccurrence(_ literal: StaticString, in range: Range<Int>) -> Int? {
        let count = literal.utf8CodeUnitCount
        guard range.count >= count else { return nil }
        return (range.lowerBound...(range.upperBound - count)).first { matchesIgnoringCase(literal, at: $0) }
    }

    /// Whether `literal` (lowercase ASCII) occurs in `range`, in any case.
    private func contains(_ literal: StaticString, in range: Range<Int>) -> Bool {
        firstOccurrence(literal, in: range) != nil
    }

    /// Where a URL's `#fragment` starts: the first `#` that does not open a character reference
    /// (`&#038;`).
    private func fragmentStart(_ range: Range<Int>) -> Int? {
        range.first { input[$0] == ASCII.hash && ($0 == range.lowerBound || input[$0 - 1] != ASCII.ampersand) }
    }
}
