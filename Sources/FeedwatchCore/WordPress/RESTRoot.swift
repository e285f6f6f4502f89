/// The root of a site's REST API, in one of the two forms WordPress uses:
/// `https://example.org/wp-json/` with pretty permalinks, or
/// `https://example.org/?rest_route=/` without them.
public struct RESTRoot: Sendable, Equatable {
    public let url: String

    public init(_ url: String) { self.url = url }

    /// The address of `route` (such as `wp/v2/posts`) with query parameters.
    public func url(for route: String, query: [(String, String)] = []) -> String {
        let encodedQuery = query.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        if url.contains("rest_route=") {
            let base = url.hasSuffix("/") ? url : url + "/"
            return base + route + (encodedQuery.isEmpty ? "" : "&" + encodedQuery)
        }
        let base = url.hasSuffix("/") ? url : url + "/"
        return base + route + (encodedQuery.isEmpty ? "" : "?" + encodedQuery)
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters, so that
    /// `+` in a time zone offset survives.
    static func encode(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "~"), UInt8(ascii: ","):
                output.append(Character(Unicode.Scalar(byte)))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                output += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return output
    }
}
