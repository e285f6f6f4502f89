/// What can be said about a response body before and after decoding it.
enum ResponseBody {
    /// The body without a UTF-8 byte order mark and leading whitespace.
    static func jsonStart(of body: [UInt8]) -> ArraySlice<UInt8> {
        var slice = body[...]
        if slice.starts(with: [0xEF, 0xBB, 0xBF]) { slice = slice.dropFirst(3) }
        while let first = slice.first, first == 0x20 || first == 0x0A || first == 0x0D || first == 0x09 {
            slice = slice.dropFirst()
        }
        return slice
    }

    /// Where the JSON may start in a body that has something before it, such as
    /// a PHP warning a site with `display_errors` on prints first: the body
    /// itself, then each `[` or `{` that begins a line or follows a tag, up to a
    /// few. The caller decodes each until one is valid.
    static func jsonCandidates(of body: [UInt8]) -> [ArraySlice<UInt8>] {
        let start = jsonStart(of: body)
        var candidates = [start]
        guard let first = start.first, first != UInt8(ascii: "["), first != UInt8(ascii: "{") else { return candidates }
        var index = start.startIndex
        while index < start.endIndex, candidates.count < 8 {
            let byte = start[index]
            if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{"),
               index > start.startIndex, [UInt8(ascii: "\n"), UInt8(ascii: ">")].contains(start[index - 1]) {
                candidates.append(start[index...])
            }
            index += 1
        }
        return candidates
    }

    /// The offset of the first byte that is not valid UTF-8, if any: JSON must be UTF-8.
    static func firstInvalidUTF8(in bytes: ArraySlice<UInt8>) -> Int? {
        // The standard library validates fast; find the offset only when needed.
        if String(validating: bytes, as: UTF8.self) != nil { return nil }
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    /// Why a body is not the JSON list expected, e.g. "the server sent HTML instead of JSON".
    static func describe(_ response: HTTPResponse) -> String {
        let start = jsonStart(of: response.body)
        let type = response.headers["Content-Type"] ?? "no Content-Type"
        if start.first == UInt8(ascii: "<") {
            return "the server sent HTML instead of JSON (\(type)): a security plugin, a CDN challenge or a maintenance page?"
        }
        if start.first == UInt8(ascii: "{") {
            return "the server sent a JSON object where a list of posts was expected"
        }
        let preview = String(decoding: start.prefix(60), as: UTF8.self)
        return "the body is not JSON (\(type)), it starts with \"\(ChangeEvent.singleLine(preview))\""
    }

    static func describe(_ error: any Error) -> String {
        guard let decoding = error as? DecodingError else { return String(describing: error) }
        switch decoding {
        case .dataCorrupted(let context), .keyNotFound(_, let context), .typeMismatch(_, let context),
             .valueNotFound(_, let context):
            return context.debugDescription
        @unknown default:
            return String(describing: error)
        }
    }
}
