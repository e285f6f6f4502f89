import Crypto

/// Removes what changes between two requests for an unchanged post, so that
/// only real edits change a hash. For rendered HTML (title, content, excerpt):
/// first the built-in rules (`DynamicMarkup`: nonces, `ver=` strings, per-request
/// ids, comments…), then the site's `ignore` patterns, then runs of whitespace
/// folded to one space. Other fields are hashed as they are.
///
/// `@unchecked Sendable` for the compiled `ignore` patterns: a `Regex` is
/// immutable once built (its lowered program is published atomically) and safe
/// to share; only its `AnyRegexOutput` type is not marked `Sendable`.
public struct ContentNormalizer: @unchecked Sendable {
    /// The version of the built-in rules. Any change to what `normalize` returns
    /// for some input (a rule added, removed or changed) must increase it, so that
    /// stored fingerprints made under older rules can be recomputed instead of
    /// being reported as edits.
    public static let builtInRulesVersion = 1

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
        guard field.isRenderedHTML else { return value }
        guard let neutralized = DynamicMarkup.neutralizedBytes(value) else { return applyIgnorePatterns(value) }
        // Without ignore patterns the bytes go straight to folding, saving a String round trip.
        guard ignore.isEmpty else { return applyIgnorePatterns(String(decoding: neutralized, as: UTF8.self)) }
        return neutralized.withUnsafeBufferPointer(Self.fold)
    }

    private func applyIgnorePatterns(_ value: String) -> String {
        var text = value
        for pattern in ignore { text = text.replacing(pattern, with: "") }
        return Self.foldWhitespace(text)
    }

    static func foldWhitespace(_ text: String) -> String {
        var text = text
        return text.withUTF8(fold)
    }

    /// Runs of ASCII whitespace become one space; leading and trailing ones go. Written straight
    /// into the new string's storage: the output is never longer than the input.
    private static func fold(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: bytes.count) { output in
            var count = 0
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
            return count
        }
    }
}
