#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension WebhookFormat {
    /// What one event's POST carries in this format.
    struct Request {
        var url: String
        var headers: [(name: String, value: String)]
        var body: [UInt8]
    }

    /// The POST of one event to a channel's `url`.
    /// - Parameter secret: the contents of the channel's secret file, when it has one.
    func request(for payload: WebhookPayload, of event: ChangeEvent, to url: String, secret: [UInt8]?, at time: Date) -> Request {
        var headers = [
            (name: "Content-Type", value: "application/json"),
            (name: "Idempotency-Key", value: payload.eventID),
        ]
        // Built only for the chat formats; the JSON document needs neither.
        var message: ChatMessage { ChatMessage(event, excerpt: payload.excerpt) }
        var token: String? { secret.map { String(decoding: $0, as: UTF8.self).trimmingWhitespace() } }
        switch self {
        case .json:
            let body = payload.body()
            if let secret { headers += WebhookSignature(secret: secret).headers(for: body, at: time) }
            return Request(url: url, headers: headers, body: body)
        case .slack:
            return Request(url: url, headers: headers, body: SlackMessage(message).compactJSON())
        case .discord:
            return Request(url: url, headers: headers, body: DiscordMessage(message).compactJSON())
        case .ntfy:
            // The configuration's check makes sure the URL splits.
            let (root, topic) = NtfyMessage.split(url) ?? (url, "")
            if let token { headers.append((name: "Authorization", value: "Bearer \(token)")) }
            return Request(url: root, headers: headers, body: NtfyMessage(message, topic: topic).compactJSON())
        case .gotify:
            if let token { headers.append((name: "X-Gotify-Key", value: token)) }
            return Request(url: url, headers: headers, body: GotifyMessage(message).compactJSON())
        }
    }
}
