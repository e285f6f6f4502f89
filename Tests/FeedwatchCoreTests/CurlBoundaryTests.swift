import FakeWordPress
@testable import FeedwatchCore
import Testing
import TestSupport

/// The C boundary with libcurl: every refused call becomes an error its caller
/// hears, and nothing touches the multi handle after shutdown. Real libcurl,
/// loopback servers; the use-after-free checks bite under `make test-asan`.
@Suite(.timeLimit(.minutes(1))) struct CurlBoundaryTests {
    @Test func anOptionLibcurlRefusesFailsTheRequestNamingTheOption() async throws {
        let server = try FakeWordPressServer()
        let site = server.addSite(uniqueSiteName("curl"))
        let client = try HTTPClient()
        // libcurl's CURLOPT_MAXREDIRS takes -1 (no limit) or more.
        do {
            _ = try await client.get(HTTPRequest(url: site.url, maximumRedirects: -2))
            Issue.record("expected libcurl to refuse CURLOPT_MAXREDIRS = -2")
        } catch {
            #expect(error.kind == .other)
            #expect(error.url == site.url)
            #expect(error.detail.contains("curl_easy_setopt(CURLOPT_MAXREDIRS = -2)"))
            #expect(error.detail.contains("bad argument"))
        }
        // Never started: a request without one of its options is not the one asked for.
        #expect(server.requestCount == 0)
        #expect(try await client.get(HTTPRequest(url: site.url)).status == 200)
        await client.shutdown()
        server.stop()
    }

    @Test func aHandleLibcurlWillNotAddFailsThatRequestAtOnce() async throws {
        let server = try FakeWordPressServer()
        let site = server.addSite(uniqueSiteName("curl"))
        let loop = try CurlMultiLoop(tlsOrigins: HTTPClient.defaultTLSOrigins)
        // An easy handle already in another multi handle: curl_multi_add_handle
        // answers CURLM_ADDED_ALREADY.
        let other = try Curl.multiInit()
        let (refused, results) = try Self.transfer(site.url)
        try Curl.add(refused.handle, to: other)
        loop.submit(refused)
        let result = await results.first { _ in true }
        try Curl.remove(refused.handle, from: other)
        try Curl.multiCleanup(other)
        #expect(throws: HTTPError.self) { try result?.get() }
        if case .failure(let error) = result {
            #expect(error.detail.contains("curl_multi_add_handle"))
            #expect(error.detail.contains("CURLMcode 7"))
        }
        // The loop goes on serving.
        let (accepted, acceptedResults) = try Self.transfer(site.url)
        loop.submit(accepted)
        #expect(try await acceptedResults.first { _ in true }?.get().status == 200)
        await loop.shutdown()
        server.stop()
    }

    @Test func aRequestAfterShutdownFailsClearly() async throws {
        let client = try HTTPClient()
        await client.shutdown()
        await client.shutdown()  // a second shutdown returns at once
        do {
            _ = try await client.get(HTTPRequest(url: "http://127.0.0.1:9/"))
            Issue.record("expected the request to fail")
        } catch {
            #expect(error.kind == .cancelled)
            #expect(error.description == "http://127.0.0.1:9/: feedwatch is shutting down")
        }
    }

    @Test func submitAndCancelAfterShutdownDoNotTouchTheMultiHandle() async throws {
        let loop = try CurlMultiLoop(tlsOrigins: HTTPClient.defaultTLSOrigins)
        await loop.shutdown()
        let (transfer, results) = try Self.transfer("http://127.0.0.1:9/")
        loop.submit(transfer)
        // Before the fix, both woke the multi handle the loop thread had freed.
        loop.cancel(transfer)
        let result = await results.first { _ in true }
        #expect(throws: HTTPError.self) { try result?.get() }
        if case .failure(let error) = result { #expect(error.detail == "feedwatch is shutting down") }
    }

    @Test(arguments: 1...10) func everyRequestRacingAShutdownIsAnswered(round: Int) async throws {
        let server = try FakeWordPressServer()
        let site = server.addSite(uniqueSiteName("curl"))
        let silent = try SilentListener()
        let client = try HTTPClient()
        let outcomes = await withTaskGroup(of: String.self) { group in
            for index in 0..<40 {
                // Half to a server that answers, half to one that never does.
                let url = index.isMultiple(of: 2) ? site.url : "http://127.0.0.1:\(silent.port)/"
                group.addTask {
                    do throws(HTTPError) {
                        return "status \(try await client.get(HTTPRequest(url: url)).status)"
                    } catch {
                        return error.detail
                    }
                }
                // Cancelling after shutdown went the same way as submitting: let some do it.
                if index.isMultiple(of: 5) {
                    group.addTask {
                        let task = Task { try await client.get(HTTPRequest(url: url)) }
                        try? await Task.sleep(for: .milliseconds(index))
                        task.cancel()
                        return (try? await task.value).map { "status \($0.status)" } ?? "cancelled"
                    }
                }
            }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(5 * round))
                await client.shutdown()
                return "shutdown"
            }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        // The time limit fails the test if any continuation was never resumed.
        #expect(outcomes.count == 40 + 8 + 1)
        let expected: Set = ["status 200", "cancelled", "shutdown", "feedwatch is shutting down", "the request was cancelled"]
        #expect(Set(outcomes).subtracting(expected).isEmpty, "unexpected outcomes: \(Set(outcomes).subtracting(expected))")
        silent.close()
        server.stop()
    }

    /// A transfer for `url` and the stream its one result arrives on.
    private static func transfer(_ url: String) throws -> (CurlTransfer, AsyncStream<Result<HTTPResponse, HTTPError>>) {
        let (results, continuation) = AsyncStream.makeStream(of: Result<HTTPResponse, HTTPError>.self)
        let transfer = try CurlTransfer(request: HTTPRequest(url: url)) { result in
            continuation.yield(result)
            continuation.finish()
        }
        return (transfer, results)
    }
}
