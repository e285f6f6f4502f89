@testable import FeedwatchCore

/// A rendered field as `ContentNormalizer` hashes it: `DynamicMarkup`'s
/// `MarkupScanner` pass over the bytes, then whitespace folding. Besides not
/// crashing, the folded output has no ASCII whitespace but single inner spaces,
/// and `normalize` is `normalizedUTF8` as a string.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNormalizer(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let html = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let bytes = normalizer.normalizedUTF8(html, field: .content)
    var previous: UInt8?
    for byte in bytes {
        precondition(byte != 0x09 && byte != 0x0A && byte != 0x0D && byte != 0x0C, "whitespace left unfolded")
        precondition(!(byte == 0x20 && (previous == nil || previous == 0x20)), "a leading or doubled space")
        previous = byte
    }
    precondition(previous != 0x20, "a trailing space")
    precondition(normalizer.normalize(html, field: .title) == String(decoding: bytes, as: UTF8.self))
    precondition(normalizer.normalizedUTF8(html, field: .slug) == Array(html.utf8), "a plain field changed")
    _ = DynamicMarkup.neutralize(html)
    return 0
}

/// The built-in rules only: `ignore` patterns are the site's own regular expressions.
private let normalizer = ContentNormalizer(ignorePatterns: [])
