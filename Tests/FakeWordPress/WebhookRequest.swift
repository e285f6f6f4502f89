import Foundation

/// A request `FakeWebhookReceiver` received, recorded as soon as all of it had arrived (before
/// it was answered, so a request left hanging is recorded too).
public struct WebhookRequest: Sendable {
    public let method: String
    /// The request target exactly as sent: path and query, still percent-encoded.
    public let target: String
    /// Header fields in the order received, names lowercased, values trimmed; repeated fields
    /// appear once per occurrence.
    public let headers: [(name: String, value: String)]
    /// The body exactly as received (`Content-Length` bytes), empty if there was none.
    public let body: [UInt8]
    /// When the last byte of the request arrived, for measuring the time between attempts.
    public let arrival: ContinuousClock.Instant
    /// The same moment on the wall clock, for comparing with timestamps the client sent.
    public let date: Date
    /// Which connection carried the request, numbered from 0 in order of acceptance over the
    /// receiver's whole life (across `goDown()` and `comeBack()`): equal numbers mean the client
    /// kept the connection alive.
    public let connection: Int

    public init(method: String, target: String, headers: [(name: String, value: String)], body: [UInt8],
                arrival: ContinuousClock.Instant, date: Date, connection: Int) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
        self.arrival = arrival
        self.date = date
        self.connection = connection
    }

    /// The first value of a header field, matched case-insensitively.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name == wanted }?.value
    }

    /// Every value of a header field, in order, matched case-insensitively.
    public func headerValues(_ name: String) -> [String] {
        let wanted = name.lowercased()
        return headers.filter { $0.name == wanted }.map(\.value)
    }

    /// The target's path, before any `?`.
    public var path: String { String(target.prefix { $0 != "?" }) }

    /// The body decoded as UTF-8 (invalid bytes replaced), for messages and JSON checks.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
