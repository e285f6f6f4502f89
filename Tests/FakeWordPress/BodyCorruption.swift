/// The faults that damage a REST response's JSON while keeping its shape: what a broken plugin,
/// a database with mixed encodings or a hand-rolled endpoint produce. Both parse the fake's own
/// JSON and re-encode it, which gives back the same bytes wherever nothing was changed.
enum BodyCorruption {
    /// Noncharacters, which never occur in real text, stand for the invalid sequences until the
    /// JSON is encoded (PHP-style, as `\ufdd0`…), then are swapped for them: a lead byte followed
    /// by ASCII (`C3 28`), a byte that never occurs in UTF-8 (`FF`) and an encoded surrogate
    /// (`ED A0 80`, which lenient decoders such as CESU-8 ones let through).
    private static let invalidSequences: [(placeholder: Unicode.Scalar, bytes: [UInt8])] = [
        (noncharacter(0xFDD0), [0xC3, 0x28]), (noncharacter(0xFDD1), [0xFF]), (noncharacter(0xFDD2), [0xED, 0xA0, 0x80]),
    ]

    /// Swift refuses noncharacters in literals, so they are built from their code points.
    private static func noncharacter(_ value: UInt32) -> Unicode.Scalar { Unicode.Scalar(value) ?? "?" }

    /// The second character of up to three string values replaced by an invalid UTF-8 sequence
    /// each: titles first (one per post of a list), then other `rendered` fields, then any string
    /// (an error's `message`). A body with no string value at all (an empty list) stays as it is.
    static func invalidUTF8(_ body: [UInt8]) -> [UInt8] {
        guard var json = try? JSONParser.parse(body) else { return body }
        var paths: [[String]] = []
        collectStrings(json, path: [], into: &paths)
        let titles = paths.filter { $0.suffix(2) == ["title", "rendered"] }
        let rendered = paths.filter { $0.last == "rendered" && $0.suffix(2) != ["title", "rendered"] }
        let others = paths.filter { $0.last != "rendered" }
        let targets = Array((titles + rendered + others).prefix(invalidSequences.count))
        guard !targets.isEmpty else { return body }
        for (target, sequence) in zip(targets, invalidSequences) {
            json = replacing(json, at: target[...]) { text in
                var scalars = Array(text.unicodeScalars)
                scalars[min(1, scalars.count - 1)] = sequence.placeholder
                var result = ""
                result.unicodeScalars.append(contentsOf: scalars)
                return result
            }
        }
        var bytes = PHPJSONEncoder.encode(json)
        for sequence in invalidSequences {
            let escape = Array("\\u\(String(sequence.placeholder.value, radix: 16))".utf8)
            bytes = UTF8Text.replacing(escape, with: sequence.bytes, in: bytes[...])
        }
        return bytes
    }

    /// Every post (an object with an `id`) of a list or single response with `title` a number,
    /// `author` a login, `tags` a comma-joined string, `categories` a PHP array that lost its
    /// list keys (an object), `modified_gmt` null and `sticky` 0; ids and everything else stay.
    static func wrongTypes(_ body: [UInt8]) -> [UInt8] {
        guard let json = try? JSONParser.parse(body) else { return body }
        switch json {
        case .array(let items): return PHPJSONEncoder.encode(.array(items.map(retype)))
        case .object: return PHPJSONEncoder.encode(retype(json))
        default: return body
        }
    }

    private static func retype(_ post: JSONValue) -> JSONValue {
        guard case .object = post, post["id"] != nil else { return post }
        var post = post
        func change(_ key: String, _ transform: (JSONValue) -> JSONValue) {
            if let value = post[key] { post[key] = transform(value) }
        }
        change("title") { _ in .int(5) }
        change("author") { _ in .string("admin") }
        change("tags") { value in
            .string((value.arrayValue ?? []).compactMap { $0.intValue.map(String.init) }.joined(separator: ","))
        }
        change("categories") { value in
            .object((value.arrayValue ?? []).enumerated().map { JSONMember(key: String($0.offset + 1), value: $0.element) })
        }
        change("modified_gmt") { _ in .null }
        change("sticky") { _ in .int(0) }
        return post
    }

    /// Paths (member keys and array indices) of every non-empty string value, in document order.
    private static func collectStrings(_ value: JSONValue, path: [String], into paths: inout [[String]]) {
        switch value {
        case .string(let text) where !text.isEmpty:
            paths.append(path)
        case .array(let items):
            for (index, item) in items.enumerated() {
                collectStrings(item, path: path + [String(index)], into: &paths)
            }
        case .object(let members):
            for member in members {
                collectStrings(member.value, path: path + [member.key], into: &paths)
            }
        default:
            break
        }
    }

    private static func replacing(_ value: JSONValue, at path: ArraySlice<String>, _ change: (String) -> String) -> JSONValue {
        guard let step = path.first else {
            if case .string(let text) = value { return .string(change(text)) }
            return value
        }
        switch value {
        case .array(var items):
            guard let index = Int(step), items.indices.contains(index) else { return value }
            items[index] = replacing(items[index], at: path.dropFirst(), change)
            return .array(items)
        case .object(var members):
            guard let index = members.lastIndex(where: { $0.key == step }) else { return value }
            members[index].value = replacing(members[index].value, at: path.dropFirst(), change)
            return .object(members)
        default:
            return value
        }
    }
}
