/// How `FakeWebhookReceiver` answers one request.
public enum WebhookAnswer: Sendable {
    /// This status with a short `text/plain` body (none for 204 and 304), and a `Retry-After`
    /// header with exactly this value if one is given: `.status(429, retryAfter: "2")`.
    case status(Int, retryAfter: String? = nil)
    /// This status, these header fields (the receiver adds `Date`, `Content-Length` and, when it
    /// closes, `Connection`) and this body: a redirect, say, or a receiver that explains itself.
    case response(status: Int, headers: [(name: String, value: String)], body: [UInt8])
    /// Reads the whole request and never answers: the connection stays open, its thread asleep,
    /// until the client hangs up or the receiver goes down or stops.
    case hang
    /// Reads the whole request and closes the connection without sending a byte. libcurl sends
    /// a request again, once, on a new connection when this happens on a connection it reused:
    /// that second request is recorded too and takes the next answer.
    case disconnect
}
