import Foundation

/// PHP's URL helpers, and WordPress's `add_query_arg` built on them.
enum PHPURL {
    /// `urldecode`: `+` becomes a space, valid `%XX` escapes are decoded, anything else is kept.
    static func decode(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                output.append(0x20)
            } else if byte == UInt8(ascii: "%"), index + 2 < bytes.count,
                      let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) {
                output.append(high << 4 | low)
                index += 2
            } else {
                output.append(byte)
            }
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Percent-decoding of a URL path (`rawurldecode`: `+` stays a plus).
    static func decodePath(_ text: String) -> String {
        decode(UTF8Text.replacing("+", with: "%2B", in: text))
    }

    /// `urlencode`: everything but letters, digits and `-_.` is escaped; a space becomes `+`.
    static func encode(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            case 0x20:
                output += "+"
            default:
                output += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return output
    }

    /// `urlencode_deep`.
    static func encode(_ value: QueryParameters.Value) -> QueryParameters.Value {
        switch value {
        case .string(let text): .string(encode(text))
        case .list(let items): .list(items.map(encode))
        }
    }

    /// WordPress's `add_query_arg( $args, $url )`: the URL's own query is parsed and re-encoded,
    /// `args` (expected already encoded, as WordPress passes them) replace or extend it, lists
    /// become `name%5B0%5D=…`, and `=` is dropped from empty values.
    static func addQueryArgs(_ args: [QueryParameters.Entry], to url: String) -> String {
        var uri = url
        var fragment = ""
        // In simple text (`UTF8Text.isSimple`) the `#` and `?` characters are their bytes, found faster.
        let simple = UTF8Text.isSimple(url)
        func find(_ byte: UInt8, in text: String) -> String.Index? {
            simple ? text.utf8.firstIndex(of: byte) : text.firstIndex(of: Character(Unicode.Scalar(byte)))
        }
        if let hash = find(UInt8(ascii: "#"), in: uri) {
            fragment = String(uri[hash...])
            uri = String(uri[..<hash])
        }
        var base = uri
        var query = ""
        if let mark = find(UInt8(ascii: "?"), in: uri) {
            base = String(uri[...mark])
            query = String(uri[uri.index(after: mark)...])
        } else {
            base += "?"
        }
        var merged = QueryParameters(parsing: query)
        merged = QueryParameters(merged.entries.map { QueryParameters.Entry(name: $0.name, value: encode($0.value)) })
        for arg in args { merged.set(arg.name, arg.value) }
        var built = buildQuery(merged.entries)
        while built.hasPrefix("?") { built.removeFirst() }
        while built.hasSuffix("?") { built.removeLast() }
        built = UTF8Text.replacing("=&", with: "&", in: built)
        if built.hasSuffix("=") { built.removeLast() }
        var result = base + built
        while result.hasSuffix("?") { result.removeLast() }
        return UTF8Text.replacing("?#", with: "#", in: result + fragment)
    }

    /// `build_query`: WordPress's `_http_build_query` with encoding off (values arrive encoded).
    private static func buildQuery(_ entries: [QueryParameters.Entry]) -> String {
        var parts: [String] = []
        for entry in entries {
            switch entry.value {
            case .string(let text):
                parts.append(entry.name + "=" + text)
            case .list(let items):
                for (position, item) in items.enumerated() {
                    parts.append("\(entry.name)%5B\(position)%5D=\(item)")
                }
            }
        }
        return parts.joined(separator: "&")
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
