/// Turns rendered HTML into plain text: tags dropped, entities decoded,
/// whitespace folded. Used for titles in messages.
public enum HTMLText {
    public static func plain(_ html: String) -> String {
        var text = ""
        var inTag = false
        var characters = html.makeIterator()
        var next = characters.next()
        while let character = next {
            next = characters.next()
            switch character {
            case "<" where !inTag && startsTag(next): inTag = true
            case ">" where inTag: inTag = false
            default: if !inTag { text.append(character) }
            }
        }
        return ContentNormalizer.foldWhitespace(decodeEntities(text))
    }

    /// As in HTML's tokenizer, `<` opens a tag, a comment or a declaration
    /// only before a letter, `/`, `!` or `?`; otherwise (`a < b`) it is text.
    private static func startsTag(_ next: Character?) -> Bool {
        guard let next else { return false }
        return (next.isASCII && next.isLetter) || next == "/" || next == "!" || next == "?"
    }

    private static let named: [Substring: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}",
        "hellip": "…", "ndash": "–", "mdash": "—", "lsquo": "‘", "rsquo": "’", "ldquo": "“", "rdquo": "”",
        "laquo": "«", "raquo": "»", "copy": "©", "reg": "®", "trade": "™", "euro": "€", "pound": "£",
    ]

    public static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var output = ""
        var rest = Substring(text)
        while let ampersand = rest.firstIndex(of: "&") {
            output += rest[..<ampersand]
            let afterAmpersand = rest.index(after: ampersand)
            guard let semicolon = rest[afterAmpersand...].prefix(12).firstIndex(of: ";"),
                  let decoded = decode(rest[afterAmpersand..<semicolon])
            else {
                output.append("&")
                rest = rest[afterAmpersand...]
                continue
            }
            output += decoded
            rest = rest[rest.index(after: semicolon)...]
        }
        return output + rest
    }

    private static func decode(_ entity: Substring) -> String? {
        if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
            return UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String($0) }
        }
        if entity.hasPrefix("#") {
            return UInt32(entity.dropFirst()).flatMap(Unicode.Scalar.init).map { String($0) }
        }
        return named[entity]
    }
}
