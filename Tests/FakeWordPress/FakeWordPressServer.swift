/// A fake WordPress host on 127.0.0.1, serving any number of sites under path prefixes
/// (`http://127.0.0.1:<port>/<name>/`), each behaving like a real WordPress site to an anonymous
/// client or one signed in with an application password: theme pages with the API discovery
/// `Link` header, and the REST API (`/wp/v2/posts`, `/wp/v2/pages`, `/wp/v2/types`, the index)
/// with WordPress's parameters, errors, headers and JSON encoding, warts included. It speaks
/// HTTP/1.1 with keep-alive and pipelining, and counts requests and bytes for benchmarks.
///
/// Threads: one accepts, one serves each connection. All methods may be called from any thread
/// while requests are being served. Stop the server with `stop()`, or let it go: `deinit` stops it.
public final class FakeWordPressServer: Sendable {
    private let core: ServerCore

    /// Binds 127.0.0.1 on a port the system picks and starts serving at once.
    public init() throws {
        core = try ServerCore()
    }

    deinit {
        core.stop()
    }

    /// The port the server listens on.
    public var port: Int { core.port }

    /// Every request received so far, in order of arrival (malformed ones that were refused with
    /// a 4xx before they could be parsed are not included), while `recordsRequests` is on.
    public var requests: [FakeRequest] { core.requests }

    /// Empties `requests`, so a test can look at what one step of the client did.
    public func clearRequests() {
        core.clearRequests()
    }

    /// Whether `requests` keeps each request (default `true`). Turn it off for a benchmark of
    /// many thousands of requests, which would otherwise all be kept; the counters below still count.
    public var recordsRequests: Bool {
        get { core.recordsRequests }
        set { core.recordsRequests = newValue }
    }

    /// How many requests the server has received since it started, recorded or not and whatever
    /// `clearRequests()` removed; cheap, unlike `requests.count`, which copies the log.
    public var requestCount: Int { core.requestCount }

    /// How many response bytes (status line, headers and body) the server has written since it
    /// started, counting only what actually went out when a response was cut short.
    public var bytesSent: Int { core.bytesSent }

    /// The most requests for the site named `name` that were in flight at once since the server
    /// started: received, and not yet answered (the last byte of the response not yet handed to
    /// the kernel). A client that sends one request at a time to a site, on however many
    /// connections, never makes this exceed 1; 0 means the site got no request.
    public func maximumConcurrentRequests(forSite name: String) -> Int {
        core.maximumConcurrentRequests(forSite: name)
    }

    /// `maximumConcurrentRequests(forSite: site.name)`.
    public func maximumConcurrentRequests(forSite site: FakeSite) -> Int {
        core.maximumConcurrentRequests(forSite: site.name)
    }

    /// Adds a site answering at `http://127.0.0.1:<port>/<name>/`.
    ///
    /// - Parameters:
    ///   - name: the path prefix: letters, digits, `.`, `_` or `-`; unique on this server.
    ///   - permalinks: where the REST API answers (see `FakePermalinks`).
    ///   - sendsLinkHeader: `false` mimics a site whose host or a plugin strips the
    ///     `Link: <…>; rel="https://api.w.org/"` header, so clients must fall back to guessing.
    ///   - timezoneOffsetHours: the site's `gmt_offset`, so that `modified` (site-local) and
    ///     `modified_gmt` differ; fractional offsets such as 5.5 are allowed.
    public func addSite(_ name: String, permalinks: FakePermalinks = .pretty, sendsLinkHeader: Bool = true,
                        timezoneOffsetHours: Double = 0) -> FakeSite {
        precondition(!name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) },
                     "FakeWordPressServer.addSite: invalid site name \(name)")
        let config = SiteConfig(
            name: name, home: "http://127.0.0.1:\(port)/\(name)", permalinks: permalinks,
            sendsLinkHeader: sendsLinkHeader, offsetSeconds: Int((timezoneOffsetHours * 3600).rounded()))
        let site = FakeSite(config: config)
        core.register(site)
        return site
    }

    /// Stops accepting connections, closes every open one and waits for all server threads to
    /// finish. Safe to call more than once.
    public func stop() {
        core.stop()
    }
}
