@testable import FeedwatchCore

/// Rendered HTML read as lines (`HTMLTokenizer`, entity decoding, `ReadableText`),
/// as `feedwatch history`/`diff` show it. Its documented promises are checked:
/// no empty line, none ending in whitespace, and no line break inside a line.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzReadableText(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let html = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    var tokenizer = HTMLTokenizer(html)
    var tokens = 0
    while tokenizer.next() != nil {
        tokens += 1
        precondition(tokens <= size, "more tokens than input bytes")
    }
    for line in ReadableText.lines(fromHTML: html) {
        precondition(!line.isEmpty, "an empty line")
        precondition(line.last?.isWhitespace == false, "a line ending in whitespace")
        precondition(!line.unicodeScalars.contains { Character($0).isNewline }, "a line break inside a line")
    }
    return 0
}
