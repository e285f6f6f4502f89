/// A fake WordPress host on 127.0.0.1, serving any number of sites under path prefixes
/// (`http://127.0.0.1:<port>/<name>/`), each behaving like a real WordPress site to an anonymous
/// client: theme pages with the API discovery `Link` header, and the REST API (`/wp/v2/posts`,
/// `/wp/v2/pages`, `/wp/v2/types`, the index) with WordPress's parameters, errors, headers and
/// JSON encoding, warts included. It speaks HTTP/1.1 with keep-alive and pipelining.
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
    /// a 4xx before they could be parsed are not included).
    public var requests: [FakeRequest] { core.requests }

    /// Empties `requests`, so a test can look at what one step of the client did.
    public func clearRequests() {
        core.clearRequests()
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
