/// A Slack incoming webhook's body, which Mattermost's and Rocket.Chat's
/// incoming webhooks take as well: one `text` in Slack's mrkdwn.
struct SlackMessage: Encodable {
    var text: String

    /// Slack cuts a message's text at 40,000 characters and Rocket.Chat's default
    /// limit is 5,000; this keeps the message short enough to read in a channel.
    static let limit = 3000

    init(_ message: ChatMessage) {
        self = message.fitted(limit: Self.limit, size: { $0.text.utf16.count }) { lines in
            var text = "\(message.emoji) *\(Self.escaped(message.headline))*\n"
            text += "<\(Self.escaped(message.link))|\(Self.escaped(message.subject))>"
            if let prominent = message.prominent { text += "\n*\(Self.escaped(prominent))*" }
            for fact in message.facts { text += "\n" + Self.escaped(fact) }
            if !lines.isEmpty {
                text += "\n```\n" + lines.map { ChatMessage.codeLine(Self.escaped($0)) }.joined(separator: "\n") + "\n```"
            }
            return SlackMessage(text: text)
        }
    }

    private init(text: String) {
        self.text = text
    }

    /// Slack's three control characters, so that a title can neither mention
    /// anyone (`<!channel>`) nor make a link.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
