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
