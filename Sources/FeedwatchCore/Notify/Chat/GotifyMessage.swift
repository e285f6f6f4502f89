/// A Gotify application message, POSTed to the server's `/message`.
struct GotifyMessage: Encodable {
    struct Extras: Encodable {
        struct Display: Encodable {
            var contentType = "text/plain"
        }

        struct Notification: Encodable {
            struct Click: Encodable {
                var url: String
            }

            var click: Click
        }

        var display = Display()
        var notification: Notification

        private enum CodingKeys: String, CodingKey {
            case display = "client::display", notification = "client::notification"
        }
    }

    var title: String
    var message: String
    /// 0 to 10: Gotify's Android app shows 1–3 quietly, 4–7 with a sound, 8–10
    /// with a sound and vibration.
    var priority: Int
    var extras: Extras

    /// Gotify sets no limit; this keeps a message readable on a phone.
    static let limit = 4000

    init(_ message: ChatMessage) {
        title = message.headline
        self.message = message.fitted(limit: Self.limit, size: { $0.utf8.count }, render: message.plainText)
        priority = switch message.kind.priority {
        case .error: 10
        case .warning: 8
        case .notice: 5
        case .info, .debug: 2
        }
        extras = Extras(notification: .init(click: .init(url: message.link)))
    }
}
