/// One request, a GET unless it says otherwise, with the limits that keep a
/// hostile server from holding feedwatch hostage.
public struct HTTPRequest: Sendable {
    public var url: String
    /// The request method, case-sensitive: `"GET"` (the default), `"POST"`, or
    /// another method whose response has a body (`"PUT"`, `"PATCH"`, `"DELETE"`).
    /// Only a GET without a body follows redirects; any other request returns a
    /// 3xx as its response.
    public var method: String
    /// Header fields sent as given, in this order. For a request with a body,
    /// libcurl's own `Content-Type` and `Expect: 100-continue` are left out unless
    /// named here.
    public var headers: [(name: String, value: String)]
    /// Sent byte for byte with a `Content-Length`. A request other than a GET
    /// without one sends an empty body.
    public var body: [UInt8]?
    /// The whole transfer, redirects included.
    public var timeout: Duration
    public var connectTimeout: Duration
    /// Response bodies larger than this are refused while they arrive.
    public var maximumBodySize: Int
    public var maximumRedirects: Int
    /// Sent as HTTP Basic authentication; redirects are then followed only to https.
    public var credentials: HTTPCredentials?
    /// A PEM file of the certificates to trust instead of the system's: a site
    /// behind a private certificate authority. Certificates are verified all the same.
    public var caFile: String?
    /// Whether the connection may serve a later request to the same origin;
    /// `false` closes it once this request is done, for a request that is
    /// most likely the origin's last for a while.
    public var keepsConnection = true

    public static let defaultMaximumBodySize = 32 << 20

    public init(
        url: String, method: String = "GET", headers: [(name: String, value: String)] = [], body: [UInt8]? = nil,
        timeout: Duration = .seconds(30),
        connectTimeout: Duration = .seconds(10), maximumBodySize: Int = defaultMaximumBodySize, maximumRedirects: Int = 5,
        credentials: HTTPCredentials? = nil, caFile: String? = nil
    ) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = min(connectTimeout, timeout)
        self.maximumBodySize = maximumBodySize
        self.maximumRedirects = maximumRedirects
        self.credentials = credentials
        self.caFile = caFile
    }

    /// Whether this is a plain GET, the only request that follows redirects.
    var isPlainGet: Bool { method == "GET" && body == nil }
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
