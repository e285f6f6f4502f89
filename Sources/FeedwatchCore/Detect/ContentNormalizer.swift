/// Removes what changes between two requests for an unchanged post, so that
/// only real edits change a hash: the site's `ignore` patterns, then runs of
/// whitespace in rendered HTML folded to one space.
public struct ContentNormalizer {
    private let ignore: [Regex<AnyRegexOutput>]

    /// - Parameter ignorePatterns: regular expressions already checked by the
    ///   configuration validator; one that does not compile is skipped.
    public init(ignorePatterns: [String]) {
        ignore = ignorePatterns.compactMap { try? Regex($0) }
    }

    public func normalize(_ value: String, field: TrackedField) -> String {
        guard field.isRenderedHTML else { return value }
        var text = value
        for pattern in ignore { text = text.replacing(pattern, with: "") }
        return Self.foldWhitespace(text)
    }

    static func foldWhitespace(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for byte in text.utf8 {
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C {
                pendingSpace = !output.isEmpty
            } else {
                if pendingSpace { output.append(0x20) }
                pendingSpace = false
                output.append(byte)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
