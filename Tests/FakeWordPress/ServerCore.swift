import Locking
import Synchronization

/// The running server: listening socket, threads, sites, request log and counters.
///
/// It is kept apart from the public `FakeWordPressServer` so that the threads' references do not
/// keep that object alive: its `deinit` is what stops a server a test forgot to stop.
final class ServerCore: Sendable {
    let port: Int
    /// Set once `init` has made it (its connection threads call back into `self`).
    private let listener = Locked<LoopbackListener?>(nil)
    private let state = Locked(State())
    /// Kept outside `state` so that counting never waits for the log or the site table.
    private let requestTotal = Atomic<Int>(0)
    private let byteTotal = Atomic<Int>(0)

    private struct State {
        var sites: [String: FakeSite] = [:]
        var requests: [FakeRequest] = []
        var recordsRequests = true
        /// Requests per site received and not yet answered, and the most there ever were at once.
        var inFlight: [String: Int] = [:]
        var peakInFlight: [String: Int] = [:]
    }

    /// The name of every thread of the server (`/proc/self/task/*/comm`).
    static let threadName = "fake-wordpress"

    init() throws {
        let (descriptor, port) = try Socket.listenOnLoopback()
        self.port = port
        let listening = try LoopbackListener(listening: descriptor, threadName: Self.threadName) { [self] descriptor, latch in
            HTTPConnection(descriptor: descriptor, latch: latch, handler: { [self] request in respond(to: request) },
                           wrote: { [self] count in byteTotal.add(count, ordering: .relaxed) }).run()
        }
        listener.withLock { $0 = listening }
    }

    var requests: [FakeRequest] { state.withLock { $0.requests } }

    func clearRequests() {
        state.withLock { $0.requests.removeAll() }
    }

    var recordsRequests: Bool {
        get { state.withLock { $0.recordsRequests } }
        set { state.withLock { $0.recordsRequests = newValue } }
    }

    var requestCount: Int { requestTotal.load(ordering: .relaxed) }

    var bytesSent: Int { byteTotal.load(ordering: .relaxed) }

    func maximumConcurrentRequests(forSite name: String) -> Int {
        state.withLock { $0.peakInFlight[name] ?? 0 }
    }

    func register(_ site: FakeSite) {
        state.withLock { state in
            precondition(state.sites[site.name] == nil, "FakeWordPressServer: a site named \(site.name) already exists")
            state.sites[site.name] = site
        }
    }

    /// Stops accepting, wakes and joins every thread, closes every socket. Idempotent.
    /// The listener is let go, and with it its handler, which holds this core.
    func stop() {
        listener.withLock { listener in
            defer { listener = nil }
            return listener
        }?.stop()
    }

    // MARK: - Requests

    /// Hands the request to the site named by the first path segment, counting it as in flight
    /// for that site until it is answered, and logs it (a site logs its own requests, once it
    /// knows whether they were authenticated).
    private func respond(to request: HTTPRequest) -> HTTPResponse {
        requestTotal.add(1, ordering: .relaxed)
        let path = PHPURL.decodePath(request.rawPath)
        let name = String(path.dropFirst().prefix { $0 != "/" })
        let site: FakeSite? = state.withLock { state in
            guard path.hasPrefix("/"), let site = state.sites[name] else { return nil }
            let current = state.inFlight[name, default: 0] + 1
            state.inFlight[name] = current
            state.peakInFlight[name] = max(state.peakInFlight[name, default: 0], current)
            return site
        }
        guard let site else {
            log(request, authenticatedUser: nil)
            return Self.serverNotFound()
        }
        var response: HTTPResponse
        let remainder = String(path.dropFirst(1 + name.count))
        if remainder.isEmpty {
            // The site is a directory: the web server adds the slash, keeping the query.
            log(request, authenticatedUser: nil)
            let query = request.rawQuery
            response = HTTPResponse(status: 301, headers: [
                ("Location", site.url + (query.isEmpty ? "" : "?" + query)),
                ("Content-Type", "text/html; charset=iso-8859-1"),
            ], body: Array("<html><body><h1>Moved Permanently</h1></body></html>\n".utf8))
        } else {
            response = site.respond(to: request, path: remainder) { [self] user in log(request, authenticatedUser: user) }
        }
        response.onAnswered = { [self] in state.withLock { $0.inFlight[name, default: 1] -= 1 } }
        return response
    }

    private func log(_ request: HTTPRequest, authenticatedUser: String?) {
        state.withLock { state in
            guard state.recordsRequests else { return }
            state.requests.append(FakeRequest(method: request.method, target: request.target, headers: request.headers,
                                              authenticatedUser: authenticatedUser))
        }
    }

    /// The web server's own 404, for paths outside every site.
    private static func serverNotFound() -> HTTPResponse {
        let html = """
            <!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
            <html><head>
            <title>404 Not Found</title>
            </head><body>
            <h1>Not Found</h1>
            <p>The requested URL was not found on this server.</p>
            </body></html>

            """
        return HTTPResponse(status: 404, headers: [("Content-Type", "text/html; charset=iso-8859-1")], body: Array(html.utf8))
    }
}
