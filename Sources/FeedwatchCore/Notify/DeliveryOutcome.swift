/// How one attempt to hand an event to a channel ended.
public enum DeliveryOutcome: Sendable, Equatable {
    /// Taken, with what the receiver answered (`HTTP 204`, `… exited with status 0`).
    case delivered(String)
    /// Worth another try later (5xx, 408, 429, no connection, a timeout).
    case retry(String, after: Duration?)
    /// Never worth another try: the receiver refused this event (other 4xx).
    case refused(String)

    /// The outcome of a webhook's HTTP answer (SPEC: 2xx is success; 4xx
    /// other than 408 and 429 is final; 5xx, 408 and 429 are retried, after
    /// `Retry-After` when given).
    public static func of(_ response: HTTPResponse) -> DeliveryOutcome {
        let status = response.status
        let summary = "HTTP \(status)" + Self.snippet(response.body)
        switch status {
        case 200..<300: return .delivered(summary)
        case 408, 429, 500..<600: return .retry(summary, after: response.headers["Retry-After"].flatMap { RetryAfter.parse($0) })
        default: return .refused(summary)
        }
    }

    /// The start of a response body, on one line, for the journal.
    private static func snippet(_ body: [UInt8]) -> String {
        let text = ChangeEvent.singleLine(String(decoding: body.prefix(200), as: UTF8.self)).trimmingWhitespace()
        return text.isEmpty ? "" : ": \(text)"
    }
}
