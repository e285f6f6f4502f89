/// One GET request, with the limits that keep a hostile server from holding
/// feedwatch hostage.
public struct HTTPRequest: Sendable {
    public var url: String
    public var headers: [(name: String, value: String)]
    /// The whole transfer, redirects included.
    public var timeout: Duration
    public var connectTimeout: Duration
    /// Bodies larger than this are refused while they arrive.
    public var maximumBodySize: Int
    public var maximumRedirects: Int
    /// Sent as HTTP Basic authentication; redirects are then followed only to https.
    public var credentials: HTTPCredentials?

    public static let defaultMaximumBodySize = 32 << 20

    public init(
        url: String, headers: [(name: String, value: String)] = [], timeout: Duration = .seconds(30),
        connectTimeout: Duration = .seconds(10), maximumBodySize: Int = defaultMaximumBodySize, maximumRedirects: Int = 5,
        credentials: HTTPCredentials? = nil
    ) {
        self.url = url
        self.headers = headers
        self.timeout = timeout
        self.connectTimeout = min(connectTimeout, timeout)
        self.maximumBodySize = maximumBodySize
        self.maximumRedirects = maximumRedirects
        self.credentials = credentials
    }
}

/// A user name and password; the password never appears in a description.
public struct HTTPCredentials: Sendable, Equatable, CustomStringConvertible {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    public var description: String { "\(username):<hidden>" }
}
