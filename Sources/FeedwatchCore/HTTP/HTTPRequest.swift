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

    public static let defaultMaximumBodySize = 32 << 20

    public init(
        url: String, headers: [(name: String, value: String)] = [], timeout: Duration = .seconds(30),
        connectTimeout: Duration = .seconds(10), maximumBodySize: Int = defaultMaximumBodySize, maximumRedirects: Int = 5
    ) {
        self.url = url
        self.headers = headers
        self.timeout = timeout
        self.connectTimeout = min(connectTimeout, timeout)
        self.maximumBodySize = maximumBodySize
        self.maximumRedirects = maximumRedirects
    }
}
