/// What a webhook channel's body looks like (`format`): feedwatch's own signed
/// document, or a chat or push service's message.
public enum WebhookFormat: String, Sendable, CaseIterable {
    /// `WebhookPayload`, signed with the channel's secret when it has one.
    case json
    /// A Slack incoming webhook's `{"text": …}`, which Mattermost and
    /// Rocket.Chat take too.
    case slack
    /// A Discord webhook's message with one embed.
    case discord
    /// An ntfy message published as JSON; the channel's secret is the access token.
    case ntfy
    /// A Gotify application message; the channel's secret is the application token.
    case gotify

    /// What the channel's `secretFile` or `credential` holds in this format, or
    /// `nil` when the format takes none (the webhook's URL is its secret).
    public var secretMeaning: String? {
        switch self {
        case .json: "the webhook secret"
        case .ntfy: "the access token"
        case .gotify: "the application token"
        case .slack, .discord: nil
        }
    }
}
