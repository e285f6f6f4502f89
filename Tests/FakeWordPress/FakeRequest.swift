/// A request the fake server received, as logged in `FakeWordPressServer.requests`.
public struct FakeRequest: Sendable {
    public let method: String
    /// The request target exactly as sent: path and query, still percent-encoded.
    public let target: String
    /// Header fields in the order received, names lowercased, values trimmed; repeated fields
    /// appear once per occurrence.
    public let headers: [(name: String, value: String)]
    /// The user an application password authenticated this request as (the name given to
    /// `FakeSite.addApplicationPassword`), or `nil` for an anonymous request, including one whose
    /// credentials WordPress ignored or refused.
    public let authenticatedUser: String?

    public init(method: String, target: String, headers: [(name: String, value: String)],
                authenticatedUser: String? = nil) {
        self.method = method
        self.target = target
        self.headers = headers
        self.authenticatedUser = authenticatedUser
    }

    /// The first value of a header field, matched case-insensitively.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name == wanted }?.value
    }

    /// The target's path, before any `?`.
    public var path: String { String(target.prefix { $0 != "?" }) }

    /// The target's query, without the `?`, or `nil` when there is none.
    public var query: String? {
        target.firstIndex(of: "?").map { String(target[target.index(after: $0)...]) }
    }
}
