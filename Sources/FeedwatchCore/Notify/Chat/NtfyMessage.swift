/// An ntfy message published as JSON to the server's root: the topic is the
/// last part of the channel's URL (`https://ntfy.sh/mytopic`).
struct NtfyMessage: Encodable {
    var topic: String
    var title: String
    var message: String
    /// 1 (min) to 5 (max).
    var priority: Int
    /// Emoji names ntfy shows ahead of the title.
    var tags: [String]
    /// Opened when the notification is tapped.
    var click: String

    /// ntfy turns a message longer than 4,096 bytes into an attachment.
    static let limit = 4000

    init(_ message: ChatMessage, topic: String) {
        self.topic = topic
        title = message.headline
        self.message = message.fitted(limit: Self.limit, size: { $0.utf8.count }, render: message.plainText)
        priority = switch message.kind.priority {
        case .error: 5
        case .warning: 4
        case .notice: 3
        case .info, .debug: 2
        }
        tags = [Self.tag(of: message.kind)]
        click = message.link
    }

    private static func tag(of kind: EventKind) -> String {
        switch kind {
        case .new: "new"
        case .revised: "pencil2"
        case .silentEdit: "warning"
        case .touched: "date"
        case .deleted: "wastebasket"
        case .unpublished: "no_entry_sign"
        case .restored: "recycle"
        case .baseline: "card_index"
        case .siteFailing: "rotating_light"
        case .siteRecovered: "white_check_mark"
        }
    }

    /// The server's root and the topic of an ntfy URL such as
    /// `https://ntfy.example.org/alerts`, or `nil` when its last path segment
    /// is not a topic name (letters, digits, `-` and `_`, at most 64).
    static func split(_ url: String) -> (root: String, topic: String)? {
        guard !url.contains("?"), !url.contains("#"), let slash = url.lastIndex(of: "/") else { return nil }
        let topic = url[url.index(after: slash)...]
        let root = url[...slash]
        guard !topic.isEmpty, topic.count <= 64, root.hasSuffix("://") == false, root.filter({ $0 == "/" }).count >= 3,
              topic.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else { return nil }
        return (String(root), String(topic))
    }
}
