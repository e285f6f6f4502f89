/// Encodes `JSONValue`s exactly as WordPress sends them: `wp_json_encode` with the REST server's
/// default flags (none), i.e. PHP's `json_encode` defaults.
///
/// That means `/` escaped as `\/`, every non-ASCII character as `\uXXXX` UTF-16 units in lowercase
/// hex, no whitespace, and `<`, `>`, `&`, `'` left alone. A post parsed from a real response
/// re-encodes to the same bytes.
enum PHPJSONEncoder {
    static func encode(_ value: JSONValue) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(1024)
        append(value, to: &output)
        return output
    }

    static func append(_ value: JSONValue, to output: inout [UInt8]) {
        switch value {
        case .null:
            output.append(contentsOf: "null".utf8)
        case .bool(let flag):
            output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let text):
            output.append(contentsOf: text.utf8)
        case .string(let text):
            appendString(text, to: &output)
        case .array(let items):
            output.append(UInt8(ascii: "["))
            for (position, item) in items.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                append(item, to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (position, member) in members.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                appendString(member.key, to: &output)
                output.append(UInt8(ascii: ":"))
                append(member.value, to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Works on the UTF-8 bytes, copying runs that need no escape at once; a scalar beyond
    /// ASCII becomes its UTF-16 units (a surrogate pair above U+FFFF), as `json_encode` writes it.
    private static func appendString(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var index = 0
            var runStart = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte >= 0x20, byte < 0x80, byte != 0x22, byte != 0x5C, byte != 0x2F {
                    index += 1
                    continue
                }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                switch byte {
                case 0x22: output.append(contentsOf: [0x5C, 0x22])  // \"
                case 0x5C: output.append(contentsOf: [0x5C, 0x5C])  // \\
                case 0x2F: output.append(contentsOf: [0x5C, 0x2F])  // \/
                case 0x08: output.append(contentsOf: [0x5C, UInt8(ascii: "b")])
                case 0x0C: output.append(contentsOf: [0x5C, UInt8(ascii: "f")])
                case 0x0A: output.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: output.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: output.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                case ..<0x80: appendUnicodeEscape(UInt16(byte), to: &output)
                default:
                    let (scalar, length) = decodeScalar(bytes, at: index)
                    for unit in scalar.utf16 { appendUnicodeEscape(unit, to: &output) }
                    index += length
                    runStart = index
                    continue
                }
                index += 1
                runStart = index
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
        }
        output.append(UInt8(ascii: "\""))
    }

    /// The scalar whose (valid, as in every `String`) UTF-8 sequence starts at `index`, and its length.
    private static func decodeScalar(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (Unicode.Scalar, Int) {
        let lead = UInt32(bytes[index])
        func continuation(_ offset: Int) -> UInt32 { UInt32(bytes[index + offset] & 0x3F) }
        let (value, length): (UInt32, Int) = switch lead {
        case 0xF0...: ((lead & 0x07) << 18 | continuation(1) << 12 | continuation(2) << 6 | continuation(3), 4)
        case 0xE0...: ((lead & 0x0F) << 12 | continuation(1) << 6 | continuation(2), 3)
        default: ((lead & 0x1F) << 6 | continuation(1), 2)
        }
        return (Unicode.Scalar(value) ?? "\u{FFFD}", length)
    }

    private static func appendUnicodeEscape(_ unit: UInt16, to output: inout [UInt8]) {
        output.append(contentsOf: [0x5C, UInt8(ascii: "u")])
        for shift in stride(from: 12, through: 0, by: -4) {
            output.append(hexDigits[Int((unit >> UInt16(shift)) & 0xF)])
        }
    }
}
