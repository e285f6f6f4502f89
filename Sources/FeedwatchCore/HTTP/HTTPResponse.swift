#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A complete response: the final status, the headers of the final response
/// (after redirects), and the body.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// The URL that answered, after redirects.
    public var url: String

    public init(status: Int, headers: HTTPHeaders, body: [UInt8], url: String) {
        self.status = status
        self.headers = headers
        self.body = body
        self.url = url
    }

    /// When the server made the response, by its `Date` header (whole seconds,
    /// the server's clock, like the `modified_gmt` it sends); without one, now,
    /// as the response has just arrived.
    public var servedAt: Date {
        headers["Date"].flatMap { RetryAfter.httpDate($0.trimmingWhitespace()) } ?? Date()
    }
}

/// Response header fields in arrival order, looked up case-insensitively.
public struct HTTPHeaders: Sendable {
    public private(set) var fields: [(name: String, value: String)] = []

    public init(_ fields: [(name: String, value: String)] = []) { self.fields = fields }

    public subscript(name: String) -> String? {
        fields.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public func values(_ name: String) -> [String] {
        fields.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    /// Adds one raw header line as curl delivers it; a status line starts a new
    /// response (a redirect or a 100 Continue) and clears what came before.
    mutating func consume(line: String) {
        let trimmed = line.trimmingWhitespace()
        if trimmed.hasPrefix("HTTP/") {
            fields.removeAll()
            return
        }
        guard let colon = trimmed.firstIndex(of: ":") else { return }
        let name = String(trimmed[..<colon]).trimmingWhitespace()
        let value = String(trimmed[trimmed.index(after: colon)...]).trimmingWhitespace()
        fields.append((name, value))
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
