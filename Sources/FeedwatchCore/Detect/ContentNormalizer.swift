import Crypto

/// Removes what changes between two requests for an unchanged post, so that
/// only real edits change a hash. For rendered HTML (title, content, excerpt):
/// first the built-in rules (`DynamicMarkup`: nonces, `ver=` strings, per-request
/// ids, comments, dynamic blocks…), then the site's `ignore` patterns, then runs
/// of whitespace folded to one space. Their raw forms (an authenticated site's
/// `content.raw`) only get the last two. Other fields are hashed as they are.
///
/// `@unchecked Sendable` for the compiled `ignore` patterns: a `Regex` is
/// immutable once built (its lowered program is published atomically) and safe
/// to share; only its `AnyRegexOutput` type is not marked `Sendable`.
public struct ContentNormalizer: @unchecked Sendable {
    /// The version of the built-in rules. Any change to what `normalize` returns
    /// for some input (a rule added, removed or changed) must increase it, so that
    /// stored fingerprints made under older rules can be recomputed instead of
    /// being reported as edits.
    /// 2: dynamic blocks, request echoes in links and `redirect_to`, duotone, archives and
    /// categories counters, media `_=N` (issue 10).
    public static let builtInRulesVersion = 2

    private let ignore: [Regex<AnyRegexOutput>]
    /// Names this normalization (the built-in rules' version and the site's
    /// `ignore` patterns). The store keeps it with each post's hashes, and
    /// recomputes them from the stored texts when it changes, so that a new
    /// pattern or rule is never reported as an edit of every post.
    public let key: String

    /// - Parameter ignorePatterns: regular expressions already checked by the
    ///   configuration validator; one that does not compile is skipped.
    public init(ignorePatterns: [String]) {
        ignore = ignorePatterns.compactMap { try? Regex($0) }
        let patterns = SHA256.hash(data: Array(ignorePatterns.joined(separator: "\n").utf8))
        key = "\(Self.builtInRulesVersion):" + patterns.prefix(8).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    public func normalize(_ value: String, field: TrackedField) -> String {
        String(decoding: normalizedUTF8(value, field: field), as: UTF8.self)
    }

    /// `normalize` as the bytes that are hashed, without making a `String` of them.
    public func normalizedUTF8(_ value: String, field: TrackedField) -> [UInt8] {
        guard field.isRenderedHTML else { return Array(value.utf8) }
        let neutralized = DynamicMarkup.neutralizedBytes(value)
        guard ignore.isEmpty else {
            return Self.folded(removingIgnored(neutralized.map { String(decoding: $0, as: UTF8.self) } ?? value))
        }
        if let neutralized { return neutralized.withUnsafeBufferPointer(Self.fold) }
        return Self.folded(value)
    }

    /// The bytes hashed for a raw field (`content.raw`, what the author wrote):
    /// the `ignore` patterns removed and whitespace folded, but none of the
    /// built-in rules, which are for what WordPress derives when it renders.
    public func normalizedRawUTF8(_ value: String) -> [UInt8] {
        Self.folded(removingIgnored(value))
    }

    static func foldWhitespace(_ text: String) -> String {
        String(decoding: folded(text), as: UTF8.self)
    }

    private func removingIgnored(_ text: String) -> String {
        var text = text
        for pattern in ignore { text = text.replacing(pattern, with: "") }
        return text
    }

    private static func folded(_ text: String) -> [UInt8] {
        var text = text
        return text.withUTF8(fold)
    }

    /// Runs of ASCII whitespace become one space; leading and trailing ones go.
    /// The output is never longer than the input.
    private static func fold(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        // With capacity 0, `init(unsafeUninitializedCapacity:)` writes the count into the
        // stdlib's one shared empty array: a race (harmless, but ThreadSanitizer reports it)
        // when two tasks fold an empty field at once.
        guard !bytes.isEmpty else { return [] }
        return [UInt8](unsafeUninitializedCapacity: bytes.count) { output, count in
            count = 0
            var pendingSpace = false
            for byte in bytes {
                if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C {
                    pendingSpace = count > 0
                } else {
                    if pendingSpace {
                        output[count] = 0x20
                        count += 1
                        pendingSpace = false
                    }
                    output[count] = byte
                    count += 1
                }
            }
        }
    }
}
