/// One `notify[]` entry (SPEC §2): somewhere besides the journal that events
/// are pushed to, with the events and sites it wants.
public struct NotifyChannel: Sendable, Equatable {
    public enum Target: Sendable, Equatable {
        /// An HTTP POST of each event in `format`: feedwatch's JSON document
        /// (signed when a secret is given) or a chat or push service's message.
        case webhook(url: String, secret: SecretSource?, format: WebhookFormat = .json)
        /// An argument vector run for each event (no shell), the event on stdin.
        case command(arguments: [String])
    }

    /// `name`, else the webhook's host or the command's file name: what
    /// `feedwatch notify-test` and `status` call the channel.
    public var name: String
    public var target: Target
    /// The event kinds delivered (`events`).
    public var events: Set<EventKind>
    /// The sites whose events are delivered (`sites`); `nil` for every site.
    public var sites: Set<String>?
    /// How long one delivery (request or command run) may take.
    public var timeout: Duration
    /// How long an undelivered event is retried before it is given up.
    public var maxAge: Duration

    public static let defaultEvents: Set<EventKind> = [
        .new, .revised, .silentEdit, .deleted, .unpublished, .restored, .siteFailing, .siteRecovered,
    ]
    public static let defaultTimeout = Duration.seconds(30)
    public static let defaultMaxAge = Duration.seconds(24 * 3600)

    public init(name: String, target: Target, events: Set<EventKind> = defaultEvents, sites: Set<String>? = nil,
                timeout: Duration = defaultTimeout, maxAge: Duration = defaultMaxAge) {
        self.name = name
        self.target = target
        self.events = events
        self.sites = sites
        self.timeout = timeout
        self.maxAge = maxAge
    }

    /// Whether an event of `kind` about `site` goes to this channel.
    public func wants(_ kind: EventKind, site: String) -> Bool {
        events.contains(kind) && (sites?.contains(site) ?? true)
    }
}

/// A secret kept out of the configuration file.
public enum SecretSource: Sendable, Equatable {
    /// An absolute path (`passwordFile`, `secretFile`).
    case file(String)
    /// A file in `$CREDENTIALS_DIRECTORY`, as systemd's `LoadCredential=` provides.
    case credential(String)

    /// The file the secret is read from, or why there is none.
    /// - Parameter fileKey: the configuration key that names a file instead.
    public func path(environment: [String: String], fileKey: String) -> Result<String, AuthenticationError> {
        switch self {
        case .file(let path):
            return .success(path)
        case .credential(let name):
            guard let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty else {
                return .failure(AuthenticationError(
                    "credential \"\(name)\" needs $CREDENTIALS_DIRECTORY, which systemd sets for a unit with "
                        + "LoadCredential=\(name):/path/to/file; outside systemd use \"\(fileKey)\""))
            }
            return .success("\(directory)/\(name)")
        }
    }
}
