/// A Discord webhook's body: the headline as `content`, then one embed with
/// the post's title and link, the facts and the diff, and no mentions allowed,
/// so that a title saying `@everyone` pings no one.
struct DiscordMessage: Encodable {
    struct Embed: Encodable {
        var title: String
        var url: String
        var description: String
        var color: Int
    }

    struct AllowedMentions: Encodable {
        var parse: [String] = []
    }

    var content: String
    var embeds: [Embed]
    var allowedMentions = AllowedMentions()

    private enum CodingKeys: String, CodingKey {
        case content, embeds
        case allowedMentions = "allowed_mentions"
    }

    /// Discord's limits, in characters (UTF-16 code units, as it counts them):
    /// `content` 2,000, an embed's title 256, its description 4,096, and 6,000 for
    /// all of an embed's text.
    static let descriptionLimit = 4096

    init(_ message: ChatMessage) {
        let headline = "\(message.emoji) **\(Self.escaped(message.headline))**"
        let facts = (message.prominent.map { ["**\(Self.escaped($0))**"] } ?? []) + message.facts.map(Self.escaped)
        let description = message.fitted(limit: Self.descriptionLimit, size: { $0.utf16.count }) { lines in
            (lines.isEmpty ? facts : facts + ["```diff"] + lines.map(ChatMessage.codeLine) + ["```"]).joined(separator: "\n")
        }
        content = headline
        embeds = [Embed(title: message.subject, url: message.link, description: description, color: Self.color(of: message.kind))]
    }

    /// Red for what is gone or failing, amber for silent edits and unpublishing,
    /// green for what is new or back, blue for revisions, grey for the rest.
    private static func color(of kind: EventKind) -> Int {
        switch kind {
        case .deleted, .siteFailing: 0xE74C3C
        case .silentEdit, .unpublished: 0xF39C12
        case .new, .restored, .siteRecovered: 0x2ECC71
        case .revised: 0x3498DB
        case .touched, .baseline: 0x95A5A6
        }
    }

    /// Discord's markdown characters, escaped with a backslash.
    static func escaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if "\\*_~`|>#[]".contains(character) { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
