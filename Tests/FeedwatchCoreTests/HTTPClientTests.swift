import FakeWordPress
import FeedwatchCore
import Testing
import TestSupport

@Suite struct HTTPClientTests {
    @Test func sendsUserAgentAndReturnsStatusHeadersAndBody() async throws {
        let server = try FakeWordPressServer()
        let site = server.addSite(uniqueSiteName("http"))
        site.addGeneratedPosts(2)
        let client = try HTTPClient()
        let response = try await client.get(HTTPRequest(url: site.url + "wp-json/wp/v2/posts?per_page=1"))
        #expect(response.status == 200)
        #expect(response.headers["x-wp-total"] == "2")
        #expect(response.headers["X-WP-TotalPages"] == "2")
        #expect(response.body.first == UInt8(ascii: "["))
        let request = try #require(server.requests.last)
        #expect(request.header("user-agent") == "feedwatch/\(FeedwatchVersion.string)")
        #expect(request.header("accept-encoding")?.contains("gzip") == true)
        await client.shutdown()
        server.stop()
    }

    @Test func redirectsAreFollowedUpToTheLimit() async throws {
        let server = try FakeWordPressServer()
        let site = server.addSite(uniqueSiteName("http"))
        let client = try HTTPClient()
        // WordPress answers the site address without its trailing slash with a 301.
        let withoutSlash = String(site.url.dropLast())
        let followed = try await client.get(HTTPRequest(url: withoutSlash))
        #expect(followed.status == 200)
        #expect(followed.url == site.url)
        do {
            _ = try await client.get(HTTPRequest(url: withoutSlash, maximumRedirects: 0))
            Issue.record("expected too many redirects")
        } catch {
            #expect(error.kind == .tooManyRedirects)
        }
        await client.shutdown()
        server.stop()
    }

    @Test func bodyOverTheLimitIsRefusedWhileArriving() async throws {
        let server = try FakeWordPressServer()
        let site = server.addSite(uniqueSiteName("http"))
        site.addGeneratedPosts(20)
        let client = try HTTPClient()
        await #expect(throws: HTTPError.self) {
            _ = try await client.get(HTTPRequest(url: site.url + "wp-json/wp/v2/posts?per_page=20", maximumBodySize: 1000))
        }
        do {
            _ = try await client.get(HTTPRequest(url: site.url + "wp-json/wp/v2/posts?per_page=20", maximumBodySize: 1000))
        } catch {
            #expect(error.kind == .bodyTooLarge)
        }
        await client.shutdown()
        server.stop()
    }

    @Test func refusedConnectionIsAClearError() async throws {
        let server = try FakeWordPressServer()
        let url = "http://127.0.0.1:\(server.port)/"
        server.stop()
        let client = try HTTPClient()
        do {
            _ = try await client.get(HTTPRequest(url: url))
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .connectionFailed)
            #expect(error.description.contains("cannot reach the server"))
        }
        await client.shutdown()
    }

    @Test func aServerThatNeverAnswersTimesOut() async throws {
        let silent = try SilentListener()
        let client = try HTTPClient()
        let start = ContinuousClock.now
        do {
            _ = try await client.get(HTTPRequest(url: "http://127.0.0.1:\(silent.port)/", timeout: .seconds(1)))
            Issue.record("expected a timeout")
        } catch {
            #expect(error.kind == .timedOut)
            #expect(error.description.contains("no complete answer within 1s"))
        }
        #expect(ContinuousClock.now - start < .seconds(3))
        await client.shutdown()
        silent.close()
    }

    @Test func cancellingTheTaskCancelsTheTransfer() async throws {
        let client = try HTTPClient()
        // A listening socket that never answers: the transfer would wait for its 30 s timeout.
        let silent = try SilentListener()
        let url = "http://127.0.0.1:\(silent.port)/"
        let task = Task { try await client.get(HTTPRequest(url: url, timeout: .seconds(30))) }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        let start = ContinuousClock.now
        let result = await task.result
        #expect(ContinuousClock.now - start < .seconds(2))
        #expect(throws: HTTPError.self) { try result.get() }
        await client.shutdown()
        silent.close()
    }

    /// The event loop (epoll and libcurl's multi_socket API) keeps every
    /// transfer apart: many under way at once, each gets its own answer, and
    /// one that hangs times out without holding up the rest.
    @Test func manyTransfersAtOnceEachGetTheirOwnAnswer() async throws {
        let server = try FakeWordPressServer()
        let sites = (0..<40).map { server.addSite(uniqueSiteName("many-\($0)")) }
        for (index, site) in sites.enumerated() { site.addGeneratedPosts(index % 5 + 1) }
        let silent = try SilentListener()
        let silentURL = "http://127.0.0.1:\(silent.port)/"
        let urls = sites.map(\.url)
        let client = try HTTPClient()
        let totals = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
            group.addTask {
                do {
                    _ = try await client.get(HTTPRequest(url: silentURL, timeout: .seconds(1)))
                    return (-1, "answered")
                } catch {
                    return (-1, (error as? HTTPError)?.kind == .timedOut ? nil : "\(error)")
                }
            }
            for round in 0..<5 {
                for (index, url) in urls.enumerated() {
                    group.addTask {
                        let response = try await client.get(HTTPRequest(url: url + "wp-json/wp/v2/posts?per_page=1&r=\(round)"))
                        return (index, response.headers["x-wp-total"])
                    }
                }
            }
            var totals: [Int: [String?]] = [:]
            for try await (index, total) in group { totals[index, default: []].append(total) }
            return totals
        }
        #expect(totals[-1] == [nil], "the silent server timed out")
        for index in sites.indices {
            #expect(totals[index] == Array(repeating: String(index % 5 + 1), count: 5))
        }
        await client.shutdown()
        silent.close()
        server.stop()
    }
}

@Suite struct TLSTests {
    /// How `openssl s_server -www` says the session of the connection began.
    private func sessionStart(_ response: HTTPResponse) -> String? {
        let page = String(decoding: response.body, as: UTF8.self)
        return page.split(separator: "\n").first { $0.hasPrefix("New, ") || $0.hasPrefix("Reused, ") }
            .map { String($0.prefix { $0 != "," }) }
    }

    /// Requests each of `count` origins of `server` (`NAME.tls.localhost`) in
    /// turn, twice over: how each connection's session began, per round.
    private func pollInTurn(origins count: Int, twiceThrough client: HTTPClient,
                            server: SelfSignedTLSServer) async throws -> [[String?]] {
        let origins = (0..<count).map { _ in "https://\(uniqueSiteName("s").lowercased()).tls.localhost:\(server.port)/" }
        var rounds: [[String?]] = []
        for _ in 0..<2 {
            var starts: [String?] = []
            for origin in origins {
                starts.append(sessionStart(try await client.get(HTTPRequest(url: origin, caFile: server.certificate))))
            }
            rounds.append(starts)
        }
        return rounds
    }

    @Test func aSiteBehindAPrivateCAIsTrustedThroughItsCAFile() async throws {
        let tls = try SelfSignedTLSServer()
        defer { tls.stop() }
        let client = try HTTPClient()
        let url = "https://127.0.0.1:\(tls.port)/"
        let response = try await client.get(HTTPRequest(url: url, caFile: tls.certificate))
        #expect(response.status == 200)
        #expect(sessionStart(response) == "New")
        // The system's CAs do not know it: without the file the same server is refused.
        do {
            _ = try await client.get(HTTPRequest(url: url))
            Issue.record("expected the certificate to be refused without the CA file")
        } catch {
            #expect(error.kind == .tlsFailed, "\(error)")
        }
        await client.shutdown()
    }

    @Test func aSecondRequestResumesTheTLSSessionOfTheFirst() async throws {
        let tls = try SelfSignedTLSServer()
        defer { tls.stop() }
        let client = try HTTPClient()
        let request = HTTPRequest(url: "https://127.0.0.1:\(tls.port)/", caFile: tls.certificate)
        // s_server -www closes each connection after its answer: every request connects anew.
        var starts: [String?] = []
        for _ in 0..<3 { starts.append(sessionStart(try await client.get(request))) }
        #expect(starts == ["New", "Reused", "Reused"])
        await client.shutdown()
    }

    /// libcurl keeps 8 sessions per share handle: polled in turn, 20 sites on one
    /// handle would each have lost their session before their next poll.
    @Test func manyOriginsPolledInTurnEachResumeTheirOwnSession() async throws {
        let tls = try SelfSignedTLSServer()
        defer { tls.stop() }
        let client = try HTTPClient()
        let rounds = try await pollInTurn(origins: 20, twiceThrough: client, server: tls)
        #expect(rounds[0] == Array(repeating: "New", count: 20))
        #expect(rounds[1] == Array(repeating: "Reused", count: 20))
        await client.shutdown()
    }

    /// Sessions cost memory: past the limit an origin has a full handshake every
    /// time, and takes no session from those within it.
    @Test func originsPastTheSessionLimitHandshakeInFullAndEvictNoOne() async throws {
        let tls = try SelfSignedTLSServer()
        defer { tls.stop() }
        let client = try HTTPClient(tlsOrigins: 4)
        let rounds = try await pollInTurn(origins: 12, twiceThrough: client, server: tls)
        #expect(rounds[1] == Array(repeating: "Reused", count: 4) + Array(repeating: "New", count: 8))
        await client.shutdown()
    }

    @Test func anUnreadableCAFileIsNamedInTheError() async throws {
        let tls = try SelfSignedTLSServer()
        defer { tls.stop() }
        let client = try HTTPClient()
        do {
            _ = try await client.get(HTTPRequest(url: "https://127.0.0.1:\(tls.port)/", caFile: "/nonexistent/ca.pem"))
            Issue.record("expected the request to fail")
        } catch {
            #expect(error.kind == .tlsFailed, "\(error)")
            #expect(error.description.contains("/nonexistent/ca.pem"), "\(error)")
        }
        await client.shutdown()
    }
}
