import FakeWordPress
import FeedwatchCore
import Foundation
import Glibc
import Testing
import TestSupport

/// POSTs (and other requests with a body) through the libcurl client, against `FakeWebhookReceiver`.
@Suite struct HTTPPostTests {
    /// A webhook body: JSON with non-ASCII text, then every byte value, NUL included, which a
    /// client measuring the body with strlen() or re-encoding it would mangle.
    static let awkwardBody = Array(#"{"title":"Café ☕ \"quoted\"","id":1}"#.utf8) + (0...255).map { UInt8($0) }

    @Test func aPostDeliversItsBodyAndHeadersByteForByte() async throws {
        let receiver = try FakeWebhookReceiver()
        let client = try HTTPClient()
        let headers = [
            (name: "Content-Type", value: "application/json"),
            (name: "Idempotency-Key", value: "7f0c-42"),
            (name: "X-Feedwatch-Timestamp", value: "1700000000"),
            (name: "X-Feedwatch-Signature", value: "sha256=00ff" + String(repeating: "ab", count: 30)),
        ]
        let before = ContinuousClock.now
        let response = try await client.send(HTTPRequest(url: receiver.url + "hooks/feedwatch?from=test", method: "POST",
                                                         headers: headers, body: Self.awkwardBody))
        let after = ContinuousClock.now
        #expect(response.status == 200)
        #expect(response.body == Array("200 OK\n".utf8))
        #expect(response.headers["Content-Length"] == "7")
        let requests = receiver.requests
        try #require(requests.count == 1)
        let request = requests[0]
        #expect(request.method == "POST")
        #expect(request.target == "/hooks/feedwatch?from=test")
        #expect(request.body == Self.awkwardBody)
        #expect(request.header("content-length") == String(Self.awkwardBody.count))
        for header in headers {
            #expect(request.headerValues(header.name) == [header.value], "\(header.name)")
        }
        #expect(request.header("user-agent") == "feedwatch/\(FeedwatchVersion.string)")
        #expect(request.header("transfer-encoding") == nil)
        #expect(request.arrival >= before && request.arrival <= after)
        #expect(abs(request.date.timeIntervalSinceNow) < 10)
        await client.shutdown()
        receiver.stop()
    }

    @Test func aLargeBodyGoesOutAtOnceWithoutExpectContinue() async throws {
        let receiver = try FakeWebhookReceiver()
        let client = try HTTPClient()
        // Above 1 MiB, from which libcurl (7.88) adds `Expect: 100-continue` to a POST and then
        // waits a second for a `100 Continue` that this receiver, like many, never sends.
        let body = (0..<(3 << 19)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let start = ContinuousClock.now
        let response = try await client.send(HTTPRequest(url: receiver.url, method: "POST",
                                                         headers: [("Content-Type", "application/octet-stream")], body: body))
        #expect(response.status == 200)
        #expect(ContinuousClock.now - start < .milliseconds(900))
        let request = try #require(receiver.requests.first)
        #expect(request.header("expect") == nil)
        #expect(request.body == body)
        await client.shutdown()
        receiver.stop()
    }

    @Test func aPostWithoutContentTypeSendsNoneRatherThanAFormType() async throws {
        let receiver = try FakeWebhookReceiver()
        let client = try HTTPClient()
        _ = try await client.send(HTTPRequest(url: receiver.url, method: "POST", body: Array("a=b".utf8)))
        let request = try #require(receiver.requests.first)
        #expect(request.header("content-type") == nil)
        #expect(request.bodyText == "a=b")
        await client.shutdown()
        receiver.stop()
    }

    @Test func aRedirectIsTheAnswerToAPostNotFollowed() async throws {
        let receiver = try FakeWebhookReceiver()
        let client = try HTTPClient()
        for status in [301, 302, 303, 307, 308] {
            receiver.clearRequests()
            receiver.answerNext(.response(status: status, headers: [("Location", receiver.url + "elsewhere")], body: []))
            let response = try await client.send(HTTPRequest(url: receiver.url + "hook", method: "POST",
                                                             headers: [("Content-Type", "application/json")], body: Array("{}".utf8)))
            #expect(response.status == status)
            #expect(response.headers["Location"] == receiver.url + "elsewhere")
            #expect(response.url == receiver.url + "hook")
            // Following would have sent a second request before the response came back.
            #expect(receiver.requests.map(\.target) == ["/hook"], "\(status)")
        }
        await client.shutdown()
        receiver.stop()
    }

    @Test func errorStatusesAreResponsesWithTheirHeadersAndAreNotRetried() async throws {
        let receiver = try FakeWebhookReceiver()
        receiver.answerNext(.status(500), .status(429, retryAfter: "2"))
        let client = try HTTPClient()
        let request = HTTPRequest(url: receiver.url, method: "POST", body: Array("{}".utf8))
        let failed = try await client.send(request)
        #expect(failed.status == 500)
        #expect(failed.body == Array("500 Internal Server Error\n".utf8))
        let throttled = try await client.send(request)
        #expect(throttled.status == 429)
        #expect(throttled.headers["Retry-After"] == "2")
        #expect(throttled.headers["Retry-After"].flatMap { RetryAfter.parse($0) } == .seconds(2))
        #expect(receiver.requests.count == 2)
        await client.shutdown()
        receiver.stop()
    }

    @Test func aReceiverThatNeverAnswersTimesOutAfterTakingTheWholeBody() async throws {
        let receiver = try FakeWebhookReceiver()
        receiver.defaultAnswer = .hang
        let client = try HTTPClient()
        let start = ContinuousClock.now
        do {
            _ = try await client.send(HTTPRequest(url: receiver.url, method: "POST", body: Self.awkwardBody, timeout: .seconds(1)))
            Issue.record("expected a timeout")
        } catch {
            #expect(error.kind == .timedOut)
            #expect(error.description.contains("no complete answer within 1s"), "\(error)")
        }
        #expect(ContinuousClock.now - start < .seconds(3))
        #expect(receiver.requests.map(\.body) == [Self.awkwardBody])
        await client.shutdown()
        receiver.stop()
    }

    @Test func aReceiverThatIsDownCannotBeReached() async throws {
        let receiver = try FakeWebhookReceiver()
        receiver.goDown()
        let client = try HTTPClient()
        do {
            _ = try await client.send(HTTPRequest(url: receiver.url, method: "POST", body: Array("{}".utf8)))
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .connectionFailed)
            #expect(error.description.contains("cannot reach the server"), "\(error)")
        }
        await client.shutdown()
        receiver.stop()
    }

    @Test func cancellingTheTaskCancelsThePost() async throws {
        let receiver = try FakeWebhookReceiver()
        receiver.defaultAnswer = .hang
        let client = try HTTPClient()
        let url = receiver.url
        let task = Task {
            try await client.send(HTTPRequest(url: url, method: "POST", body: Array("{}".utf8), timeout: .seconds(30)))
        }
        // The request is under way once the receiver has all of it.
        #expect(await receiver.waitForRequests(1).count == 1)
        task.cancel()
        let start = ContinuousClock.now
        let result = await task.result
        #expect(ContinuousClock.now - start < .seconds(2))
        #expect(throws: HTTPError.self) { try result.get() }
        if case .failure(let error as HTTPError) = result { #expect(error.kind == .cancelled) }
        await client.shutdown()
        receiver.stop()
    }

    @Test func postsOneAfterAnotherShareOneConnection() async throws {
        let receiver = try FakeWebhookReceiver()
        let client = try HTTPClient()
        for index in 0..<3 {
            let response = try await client.send(HTTPRequest(url: receiver.url, method: "POST", body: Array("{\"n\":\(index)}".utf8)))
            #expect(response.status == 200)
        }
        let requests = receiver.requests
        #expect(requests.map(\.bodyText) == ["{\"n\":0}", "{\"n\":1}", "{\"n\":2}"])
        #expect(Set(requests.map(\.connection)).count == 1)
        await client.shutdown()
        receiver.stop()
    }

    /// libcurl's doing, pinned here because a webhook receiver then sees the event twice (the
    /// `Idempotency-Key` is what lets it tell).
    @Test func aPostIsSentAgainOnANewConnectionWhenAKeptOneClosesWithoutAnAnswer() async throws {
        let receiver = try FakeWebhookReceiver()
        let client = try HTTPClient()
        _ = try await client.send(HTTPRequest(url: receiver.url, method: "POST", body: Array("first".utf8)))
        receiver.answerNext(.disconnect)
        let response = try await client.send(HTTPRequest(url: receiver.url, method: "POST", body: Array("second".utf8)))
        #expect(response.status == 200)
        let requests = receiver.requests
        #expect(requests.map(\.bodyText) == ["first", "second", "second"])
        #expect(requests.count == 3 && requests[1].connection == requests[0].connection)
        #expect(requests.count == 3 && requests[2].connection != requests[0].connection)
        await client.shutdown()
        receiver.stop()
    }

    @Test func anAnswerLargerThanTheLimitIsRefused() async throws {
        let receiver = try FakeWebhookReceiver()
        receiver.defaultAnswer = .response(status: 200, headers: [], body: [UInt8](repeating: 0x61, count: 4096))
        let client = try HTTPClient()
        do {
            _ = try await client.send(HTTPRequest(url: receiver.url, method: "POST", body: Array("{}".utf8), maximumBodySize: 1000))
            Issue.record("expected the answer to be refused")
        } catch {
            #expect(error.kind == .bodyTooLarge)
        }
        await client.shutdown()
        receiver.stop()
    }

    @Test func aPostToAnUntrustedCertificateFailsTLS() async throws {
        let tls = try SelfSignedTLSServer()
        defer { tls.stop() }
        let client = try HTTPClient()
        do {
            _ = try await client.send(HTTPRequest(url: "https://127.0.0.1:\(tls.port)/hook", method: "POST", body: Array("{}".utf8),
                                                  timeout: .seconds(10)))
            Issue.record("expected TLS to fail")
        } catch {
            #expect(error.kind == .tlsFailed, "\(error)")
        }
        await client.shutdown()
    }

    @Test func aRequestWithNeitherMethodNorBodyIsAPlainGet() async throws {
        let receiver = try FakeWebhookReceiver()
        let client = try HTTPClient()
        _ = try await client.send(HTTPRequest(url: receiver.url + "feed"))
        _ = try await client.get(HTTPRequest(url: receiver.url + "feed"))
        let requests = receiver.requests
        #expect(requests.map(\.method) == ["GET", "GET"])
        for request in requests {
            #expect(request.header("content-length") == nil)
            #expect(request.body.isEmpty)
        }
        await client.shutdown()
        receiver.stop()
    }

    @Test func otherMethodsCarryTheirBodyAndAPostWithoutOneIsEmpty() async throws {
        let receiver = try FakeWebhookReceiver()
        let client = try HTTPClient()
        _ = try await client.send(HTTPRequest(url: receiver.url, method: "PUT", body: Array("put".utf8)))
        _ = try await client.send(HTTPRequest(url: receiver.url, method: "POST"))
        let requests = receiver.requests
        #expect(requests.map(\.method) == ["PUT", "POST"])
        #expect(requests.map(\.bodyText) == ["put", ""])
        #expect(requests.map { $0.header("content-length") } == ["3", "0"])
        await client.shutdown()
        receiver.stop()
    }

    @Test func aHeaderOrMethodThatWouldSplitTheRequestIsRefusedBeforeSending() async throws {
        let receiver = try FakeWebhookReceiver()
        let client = try HTTPClient()
        let refused = [
            HTTPRequest(url: receiver.url, method: "POST", headers: [("X-Note", "a\r\nX-Injected: 1")], body: [], timeout: .seconds(2)),
            HTTPRequest(url: receiver.url, method: "POST", headers: [("X-Note", "a\nb")], body: [], timeout: .seconds(2)),
            HTTPRequest(url: receiver.url, method: "POST", headers: [("X Note", "a")], body: [], timeout: .seconds(2)),
            HTTPRequest(url: receiver.url, method: "POST / HTTP/1.1\r\nX-Injected: 1\r\n\r\nPOST", timeout: .seconds(2)),
            HTTPRequest(url: receiver.url, method: "", timeout: .seconds(2)),
            // libcurl would send a HEAD and then wait for a body that never comes.
            HTTPRequest(url: receiver.url, method: "HEAD", timeout: .seconds(2)),
        ]
        for request in refused {
            do {
                _ = try await client.send(request)
                Issue.record("expected \(request.method) \(request.headers) to be refused")
            } catch {
                #expect(error.kind == .other)
            }
        }
        #expect(receiver.requests.isEmpty)
        await client.shutdown()
        receiver.stop()
    }

    @Test func anEmptyHeaderValueIsSentEmptyNotDropped() async throws {
        let receiver = try FakeWebhookReceiver()
        let client = try HTTPClient()
        _ = try await client.send(HTTPRequest(url: receiver.url, method: "POST", headers: [("X-Empty", "")], body: []))
        _ = try await client.send(HTTPRequest(url: receiver.url, headers: [("X-Empty", "")]))
        #expect(receiver.requests.map { $0.headerValues("x-empty") } == [[""], [""]])
        await client.shutdown()
        receiver.stop()
    }
}

/// The fake receiver's own behaviour, beyond what the POST tests above rely on.
@Suite struct FakeWebhookReceiverTests {
    private static func post(_ client: HTTPClient, _ receiver: FakeWebhookReceiver, timeout: Duration = .seconds(10))
        async throws(HTTPError) -> HTTPResponse {
        try await client.send(HTTPRequest(url: receiver.url, method: "POST", body: Array("{}".utf8), timeout: timeout))
    }

    @Test func answersComeFromTheQueueThenFromTheDefault() async throws {
        let receiver = try FakeWebhookReceiver()
        receiver.answerNext(.status(500), .status(429, retryAfter: "Wed, 21 Oct 2037 07:28:00 GMT"))
        receiver.answerNext([.status(204)])
        #expect(receiver.queuedAnswerCount == 3)
        let client = try HTTPClient()
        var statuses: [Int] = []
        for _ in 0..<4 { statuses.append(try await Self.post(client, receiver).status) }
        #expect(statuses == [500, 429, 204, 200])
        #expect(receiver.queuedAnswerCount == 0)
        receiver.defaultAnswer = .status(503, retryAfter: "120")
        let unavailable = try await Self.post(client, receiver)
        #expect(unavailable.status == 503)
        #expect(unavailable.headers["Retry-After"] == "120")
        #expect(receiver.requests.count == 5)
        await client.shutdown()
        receiver.stop()
    }

    @Test func goingDownRefusesConnectionsAndComingBackServesOnTheSamePort() async throws {
        let receiver = try FakeWebhookReceiver()
        let port = receiver.port
        let client = try HTTPClient()
        #expect(try await Self.post(client, receiver).status == 200)
        receiver.goDown()
        #expect(!receiver.isUp)
        do {
            _ = try await Self.post(client, receiver)
            Issue.record("expected the connection to be refused")
        } catch {
            #expect(error.kind == .connectionFailed, "\(error)")
        }
        try receiver.comeBack()
        #expect(receiver.isUp)
        #expect(receiver.port == port)
        #expect(try await Self.post(client, receiver).status == 200)
        let requests = receiver.requests
        #expect(requests.count == 2)
        // Going down closed the connection libcurl was keeping; it had to open another.
        #expect(requests.count == 2 && requests[0].connection != requests[1].connection)
        receiver.goDown()
        try receiver.comeBack()
        #expect(try await Self.post(client, receiver).status == 200)
        await client.shutdown()
        receiver.stop()
    }

    @Test func goingDownReleasesAHangingRequestAtOnce() async throws {
        let receiver = try FakeWebhookReceiver()
        receiver.answerNext(.hang)
        let client = try HTTPClient()
        let task = Task { try await Self.post(client, receiver, timeout: .seconds(30)) }
        #expect(await receiver.waitForRequests(1).count == 1)
        let start = ContinuousClock.now
        receiver.goDown()
        #expect(ContinuousClock.now - start < .seconds(2))
        let result = await task.result
        #expect(ContinuousClock.now - start < .seconds(3))
        if case .failure(let error as HTTPError) = result {
            #expect(error.kind == .connectionFailed, "\(error)")
        } else {
            Issue.record("expected the hanging request to fail, got \(result)")
        }
        await client.shutdown()
        receiver.stop()
    }

    @Test func aHangingRequestCostsNoProcessorTime() async throws {
        let receiver = try FakeWebhookReceiver()
        receiver.defaultAnswer = .hang
        let client = try HTTPClient()
        let task = Task { try await Self.post(client, receiver, timeout: .seconds(30)) }
        #expect(await receiver.waitForRequests(1).count == 1)
        let before = ReceiverThreads.processorTime()
        try await Task.sleep(for: .seconds(1))
        let after = ReceiverThreads.processorTime()
        // A thread spinning while it hangs would show close to a second.
        let busiest = after.map { thread, ticks in ticks - (before[thread] ?? 0) }.max() ?? 0
        #expect(!after.isEmpty)
        #expect(busiest <= 20, "a receiver thread used \(busiest * 10) ms of processor time in one second")
        task.cancel()
        _ = await task.result
        await client.shutdown()
        receiver.stop()
    }

    @Test func stopEndsHangingAndIdleConnectionsAndForGood() async throws {
        let receiver = try FakeWebhookReceiver()
        let client = try HTTPClient()
        // One connection kept alive by libcurl, one hanging.
        _ = try await Self.post(client, receiver)
        receiver.answerNext(.hang)
        let other = try HTTPClient()
        let task = Task { try await Self.post(other, receiver, timeout: .seconds(30)) }
        #expect(await receiver.waitForRequests(2).count == 2)
        let start = ContinuousClock.now
        receiver.stop()
        #expect(ContinuousClock.now - start < .seconds(2))
        #expect(!receiver.isUp)
        #expect(throws: (any Error).self) { try receiver.comeBack() }
        await #expect(throws: HTTPError.self) { try await Self.post(client, receiver) }
        _ = await task.result
        await client.shutdown()
        await other.shutdown()
    }

    @Test func aDisconnectClosesWithoutAnAnswer() async throws {
        let receiver = try FakeWebhookReceiver()
        receiver.answerNext(.disconnect)
        // A new client: libcurl sends a request again, once, when a connection it reused
        // closes without an answer.
        let client = try HTTPClient()
        do {
            _ = try await Self.post(client, receiver)
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .connectionFailed, "\(error)")
        }
        #expect(receiver.requests.count == 1)
        await client.shutdown()
        receiver.stop()
    }

    @Test func requestsSplitAcrossWritesAndPipelinedAreAnsweredInOrderWithContentLength() throws {
        let receiver = try FakeWebhookReceiver()
        receiver.answerNext(.status(429, retryAfter: "7"))
        let connection = try RawConnection(port: receiver.port)
        let first = "POST /one HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 11\r\n\r\nhello"
        let second = "POST /two HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\n\r\nabc"
        try connection.send(Array(first.utf8))
        usleep(50_000)
        try connection.send(Array(" world".utf8) + Array(second.utf8))
        let responses = try connection.receiveResponses(2)
        #expect(responses.count == 2)
        #expect(responses.first?.head.hasPrefix("HTTP/1.1 429 Too Many Requests\r\n") == true)
        #expect(responses.first?.head.contains("\r\nRetry-After: 7\r\n") == true)
        #expect(responses.first?.body == "429 Too Many Requests\n")
        #expect(responses.last?.head.hasPrefix("HTTP/1.1 200 OK\r\n") == true)
        #expect(responses.last?.body == "200 OK\n")
        let requests = receiver.requests
        #expect(requests.map(\.target) == ["/one", "/two"])
        #expect(requests.map(\.bodyText) == ["hello world", "abc"])
        #expect(requests.count == 2 && requests[0].connection == requests[1].connection)
        #expect(requests.count == 2 && requests[0].arrival < requests[1].arrival)
        connection.close()
        receiver.stop()
    }
}

/// CPU time of the receivers' threads, from `/proc/self/task`.
private enum ReceiverThreads {
    /// Clock ticks (user and system, 10 ms each on Linux) by thread id.
    static func processorTime() -> [String: Int] {
        var result: [String: Int] = [:]
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        for thread in tasks {
            guard let name = try? String(contentsOfFile: "/proc/self/task/\(thread)/comm", encoding: .utf8),
                  name.trimmingCharacters(in: .whitespacesAndNewlines) == FakeWebhookReceiver.threadName,
                  let stat = try? String(contentsOfFile: "/proc/self/task/\(thread)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")")
            else { continue }
            // After "pid (comm)": state is field 3, utime and stime fields 14 and 15.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 13, let user = Int(fields[11]), let system = Int(fields[12]) else { continue }
            result[thread] = user + system
        }
        return result
    }
}

/// A plain TCP client for what libcurl would not send: requests split and pipelined at will.
private final class RawConnection {
    struct Failure: Error { let call: String }

    private let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(call: "socket") }
        // Every read gives up after 5 s, so a receiver that does not answer fails the test.
        var limit = timeval(tv_sec: 5, tv_usec: 0)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            Glibc.close(descriptor)
            throw Failure(call: "connect")
        }
    }

    func send(_ bytes: [UInt8]) throws {
        let written = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, bytes.count, Int32(MSG_NOSIGNAL)) }
        guard written == bytes.count else { throw Failure(call: "send") }
    }

    /// Reads until `count` responses, each framed by its `Content-Length`, have arrived.
    func receiveResponses(_ count: Int) throws -> [(head: String, body: String)] {
        var buffer: [UInt8] = []
        var responses: [(head: String, body: String)] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while responses.count < count {
            if let response = Self.take(from: &buffer) {
                responses.append(response)
                continue
            }
            let received = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, 4096, 0) }
            guard received > 0 else { throw Failure(call: "recv") }
            buffer += chunk[..<received]
        }
        return responses
    }

    private static func take(from buffer: inout [UInt8]) -> (head: String, body: String)? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard buffer.count >= 4,
              let end = (0...(buffer.count - 4)).first(where: { Array(buffer[$0..<$0 + 4]) == separator })
        else { return nil }
        let head = String(decoding: buffer[..<(end + 4)], as: UTF8.self)
        let length = head.split(separator: "\r\n").compactMap { line -> Int? in
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
            return Int(parts[1].trimmingCharacters(in: .whitespaces))
        }.first ?? 0
        guard buffer.count >= end + 4 + length else { return nil }
        let body = String(decoding: buffer[(end + 4)..<(end + 4 + length)], as: UTF8.self)
        buffer.removeFirst(end + 4 + length)
        return (head, body)
    }

    func close() { Glibc.close(descriptor) }
}
