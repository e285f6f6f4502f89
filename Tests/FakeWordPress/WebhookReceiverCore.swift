import Foundation
import Locking
import Synchronization

/// The running `FakeWebhookReceiver`: what it recorded, how it will answer, and the listener of
/// the current period up, if any.
///
/// Kept apart from the public class so that the threads' references do not keep that object
/// alive: its `deinit` is what stops a receiver a test forgot to stop.
final class WebhookReceiverCore: Sendable {
    let port: Int
    private let state = Locked(State())
    /// Serializes going down, coming back and stopping. Held while threads are joined, so never
    /// taken by a connection thread (those take only `state`).
    private let lifecycle = Locked(Lifecycle())
    private let connections = Atomic<Int>(0)

    private struct State {
        var requests: [WebhookRequest] = []
        var queued: [WebhookAnswer] = []
        var defaultAnswer = WebhookAnswer.status(200)
    }

    private struct Lifecycle {
        var listener: LoopbackListener?
        var stopped = false
    }

    /// The name of every thread of the receiver (`/proc/self/task/*/comm`).
    static let threadName = "fake-webhook"
    /// Larger request bodies are refused with 413.
    static let bodyLimit = 8 << 20

    init() throws {
        let (descriptor, port) = try Socket.listenOnLoopback()
        self.port = port
        let listener = try LoopbackListener(listening: descriptor, threadName: Self.threadName) { [self] descriptor, latch in
            serve(descriptor, latch: latch)
        }
        lifecycle.withLock { $0.listener = listener }
    }

    // MARK: - Recording and answers

    var requests: [WebhookRequest] { state.withLock { $0.requests } }

    func clearRequests() {
        state.withLock { $0.requests.removeAll() }
    }

    func enqueue(_ answers: [WebhookAnswer]) {
        state.withLock { $0.queued.append(contentsOf: answers) }
    }

    var queuedAnswerCount: Int { state.withLock { $0.queued.count } }

    var defaultAnswer: WebhookAnswer {
        get { state.withLock { $0.defaultAnswer } }
        set { state.withLock { $0.defaultAnswer = newValue } }
    }

    /// Records the request and takes the answer for it, in one step, so that concurrent requests
    /// take queued answers in the order they are recorded.
    private func record(_ request: HTTPRequest, connection: Int) -> WebhookAnswer {
        let recorded = WebhookRequest(method: request.method, target: request.target, headers: request.headers,
                                      body: request.body, arrival: .now, date: Date(), connection: connection)
        return state.withLock { state in
            state.requests.append(recorded)
            return state.queued.isEmpty ? state.defaultAnswer : state.queued.removeFirst()
        }
    }

    // MARK: - Up and down

    var isUp: Bool { lifecycle.withLock { $0.listener != nil } }

    /// Closes the listening socket and every open connection (a hanging request's included) and
    /// waits for their threads. Idempotent.
    func goDown() {
        lifecycle.withLock { lifecycle in
            lifecycle.listener?.stop()
            lifecycle.listener = nil
        }
    }

    /// Listens again on the same port. Does nothing if the receiver is up; throws if it was
    /// stopped, or if the port was taken in the meantime.
    func comeBack() throws {
        try lifecycle.withLock { lifecycle in
            guard !lifecycle.stopped else { throw FakeWordPressError.system(call: "comeBack after stop", errno: EINVAL) }
            guard lifecycle.listener == nil else { return }
            let (descriptor, _) = try Socket.listenOnLoopback(port: port)
            lifecycle.listener = try LoopbackListener(listening: descriptor, threadName: Self.threadName) { [self] descriptor, latch in
                serve(descriptor, latch: latch)
            }
        }
    }

    func stop() {
        lifecycle.withLock { lifecycle in
            lifecycle.stopped = true
            lifecycle.listener?.stop()
            lifecycle.listener = nil
        }
    }

    // MARK: - Connections

    /// Serves one connection: requests parsed as their bytes arrive (Content-Length bodies,
    /// pipelining), answered in order, on a connection kept open unless the client asks to close.
    private func serve(_ descriptor: Int32, latch: StopLatch) {
        let connection = connections.add(1, ordering: .relaxed).oldValue
        HTTPConnection(descriptor: descriptor, latch: latch, bodyLimit: Self.bodyLimit, handler: { [self] request in
            Self.response(to: record(request, connection: connection))
        }, wrote: { _ in }).run()
    }

    private static func response(to answer: WebhookAnswer) -> HTTPResponse {
        switch answer {
        case .hang:
            var response = HTTPResponse(status: 200, headers: [], body: [])
            response.delivery = .hang
            return response
        case .disconnect:
            var response = HTTPResponse(status: 200, headers: [], body: [])
            response.delivery = .dropConnection
            return response
        case .status(let status, let retryAfter):
            var headers = [(name: "Content-Type", value: "text/plain; charset=utf-8")]
            if let retryAfter { headers.append(("Retry-After", retryAfter)) }
            return HTTPResponse(status: status, headers: headers,
                                body: Array("\(status) \(HTTPResponse.reasonPhrase(status))\n".utf8))
        case .response(let status, let headers, let body):
            return HTTPResponse(status: status, headers: headers, body: body)
        }
    }
}
