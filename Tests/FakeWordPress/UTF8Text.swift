import Foundation

/// Text work on UTF-8 bytes for the hot paths of the fake (building thousands of posts, serving
/// their links), where Foundation's `NSString` bridging and Swift's grapheme breaking cost most.
///
/// Byte-level code gives the same result as the `Character`-based original only when every
/// `Character` of the text is one scalar (or `\r\n`) and nothing but ASCII is whitespace, so
/// `isSimple` checks that first; callers keep the original code for any other text.
enum UTF8Text {
    /// Whether every non-ASCII scalar of `text` is from a script block without combining marks,
    /// joiners, prepended marks or whitespace, so that each is a `Character` of its own.
    static func isSimple(_ text: String) -> Bool {
        var iterator = text.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            guard scalar.isASCII || isStandalone(scalar.value) else { return false }
        }
        return true
    }

    private static func isStandalone(_ value: UInt32) -> Bool {
        switch value {
        case 0x00A1...0x02FF,  // Latin-1 letters and symbols (no NBSP), Latin Extended, IPA, modifier letters
             0x0370...0x0482,  // Greek, Cyrillic up to its combining marks
             0x2010...0x2027,  // dashes, quotes, bullets, ellipsis (not the line/paragraph separators)
             0x2030...0x205E,  // per mille, primes, guillemets (not the spaces and invisible operators)
             0x20A0...0x20C0,  // currency signs
             0x2100...0x2BFF,  // letterlike symbols, arrows, maths, box drawing, dingbats
             0x4E00...0x9FFF,  // CJK ideographs
             0x1F300...0x1F3FA, 0x1F400...0x1FAFF:  // pictographs, without the skin-tone modifiers
            true
        default:
            false
        }
    }

    /// The whitespace of `Character.isWhitespace` and `CharacterSet.whitespacesAndNewlines` in ASCII.
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }

    /// `replacingOccurrences(of:with:)` for an ASCII `pattern` without `\r` or `\n`. Foundation
    /// only matches whole `Character`s (`>` does not match in `>\u{1F3FB}`), so a byte search
    /// finds the same occurrences in simple text only; other text goes to Foundation.
    static func replacing(_ pattern: String, with replacement: String, in text: String) -> String {
        guard isSimple(text) else { return text.replacingOccurrences(of: pattern, with: replacement) }
        let bytes = Array(text.utf8)
        let output = replacing(Array(pattern.utf8), with: Array(replacement.utf8), in: bytes[...])
        return output.count == bytes.count && output == bytes ? text : String(decoding: output, as: UTF8.self)
    }

    static func replacing(_ pattern: [UInt8], with replacement: [UInt8], in bytes: ArraySlice<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == pattern[0], bytes[index...].starts(with: pattern) {
                output += replacement
                index += pattern.count
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return output
    }

    /// Components between literal, non-overlapping occurrences of `separator`, as
    /// `components(separatedBy:)` returns them (empty ones included).
    static func components(_ bytes: ArraySlice<UInt8>, separatedBy separator: [UInt8]) -> [ArraySlice<UInt8>] {
        var components: [ArraySlice<UInt8>] = []
        var start = bytes.startIndex
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == separator[0], bytes[index...].starts(with: separator) {
                components.append(bytes[start..<index])
                index += separator.count
                start = index
            } else {
                index += 1
            }
        }
        components.append(bytes[start..<bytes.endIndex])
        return components
    }

    /// The bytes without ASCII whitespace at either end.
    static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        guard let first = bytes.firstIndex(where: { !isWhitespace($0) }),
              let last = bytes.lastIndex(where: { !isWhitespace($0) }) else { return bytes[bytes.endIndex...] }
        return bytes[first...last]
    }
}
