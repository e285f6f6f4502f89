/// A webhook endpoint on 127.0.0.1: an HTTP/1.1 server (Content-Length bodies, keep-alive,
/// pipelining, `Content-Length` on every answer) that records every request and answers as the
/// test says: from a queue of answers, then with `defaultAnswer` (200). It can go down
/// (connecting is refused) and come back on the same port, like a receiver being restarted.
///
/// It does not send `100 Continue`: a client that sends `Expect: 100-continue` waits for its own
/// timeout before sending the body, as with many real servers. Request bodies over 8 MiB are
/// refused with 413, chunked ones with 501.
///
/// Threads: one accepts, one serves each connection, each asleep in `poll()` while it waits.
/// All methods may be called from any thread while requests are being served. Stop the receiver
/// with `stop()`, or let it go: `deinit` stops it.
public final class FakeWebhookReceiver: Sendable {
    private let core: WebhookReceiverCore

    /// Binds 127.0.0.1 on a port the system picks and starts serving at once.
    public init() throws {
        core = try WebhookReceiverCore()
    }

    deinit {
        core.stop()
    }

    /// The name every thread of every receiver carries (Linux `comm`), so a test can find them.
    public static var threadName: String { WebhookReceiverCore.threadName }

    /// The port the receiver listens on, the same after `comeBack()`.
    public var port: Int { core.port }

    /// `http://127.0.0.1:<port>/`; any path below it is answered the same way.
    public var url: String { "http://127.0.0.1:\(core.port)/" }

    /// Every request received so far, in order of arrival, including those left hanging and
    /// those answered by a disconnect (not malformed ones refused with a 4xx).
    public var requests: [WebhookRequest] { core.requests }

    /// Empties `requests`.
    public func clearRequests() {
        core.clearRequests()
    }

    /// Queues answers for the next requests, one each, in order, after any already queued.
    public func answerNext(_ answers: WebhookAnswer...) {
        core.enqueue(answers)
    }

    /// Queues answers for the next requests, one each, in order, after any already queued.
    public func answerNext(_ answers: [WebhookAnswer]) {
        core.enqueue(answers)
    }

    /// How many queued answers no request has taken yet.
    public var queuedAnswerCount: Int { core.queuedAnswerCount }

    /// The answer to a request when the queue is empty; `.status(200)` unless changed.
    public var defaultAnswer: WebhookAnswer {
        get { core.defaultAnswer }
        set { core.defaultAnswer = newValue }
    }

    /// Waits until at least `count` requests have been recorded, or `timeout` has passed, or the
    /// calling task is cancelled, checking every 10 ms; returns `requests` as they are then.
    public func waitForRequests(_ count: Int, timeout: Duration = .seconds(5)) async -> [WebhookRequest] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let requests = core.requests
            if requests.count >= count || ContinuousClock.now >= deadline { return requests }
            do {
                try await Task.sleep(for: .milliseconds(10))
            } catch {
                return core.requests
            }
        }
    }

    /// Whether the receiver is listening: `false` after `goDown()` or `stop()`.
    public var isUp: Bool { core.isUp }

    /// Closes the listening socket, so that connecting is refused, and every open connection
    /// (kept-alive and hanging ones alike, without an answer), and waits until no thread of the
    /// receiver touches a socket. Recorded requests, queued answers and the port are kept.
    /// Does nothing if the receiver is already down.
    public func goDown() {
        core.goDown()
    }

    /// Listens again on the same port (`SO_REUSEADDR`, so connections of the last period in
    /// TIME_WAIT do not prevent it). Does nothing if the receiver is up. Throws after `stop()`,
    /// or if another socket took the port while the receiver was down.
    public func comeBack() throws {
        try core.comeBack()
    }

    /// Closes everything, as `goDown()` does, for good. Safe to call more than once.
    public func stop() {
        core.stop()
    }
}
