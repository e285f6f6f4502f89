/// The validated contents of `/etc/feedwatch.json` (SPEC §2).
public struct Configuration: Sendable, Equatable {
    /// Where the configuration was read from, for messages.
    public var source: String
    public var sites: [SiteConfiguration]
    /// The `database` key, when the file sets one.
    public var database: DatabaseLocation?
    /// `defaults.concurrency`, when the file sets it: the most sites synced at once.
    public var concurrencyLimit: Int?
    /// `notify[]`: channels besides the journal.
    public var notify: [NotifyChannel]
    /// `feed`: the Atom file of the latest events, when the file asks for one.
    public var feed: FeedConfiguration?

    public init(source: String, sites: [SiteConfiguration], database: DatabaseLocation? = nil,
                concurrencyLimit: Int? = nil, notify: [NotifyChannel] = [], feed: FeedConfiguration? = nil) {
        self.source = source
        self.sites = sites
        self.database = database
        self.concurrencyLimit = concurrencyLimit
        self.notify = notify
        self.feed = feed
    }

    /// How many sites are synced at once: chosen from the enabled sites and their
    /// intervals (`SyncConcurrency`), never more than `concurrencyLimit`.
    public var concurrency: Int { SyncConcurrency.automatic(for: sites, limit: concurrencyLimit) }

    /// The database path when neither `--database` nor the file names one:
    /// `$STATE_DIRECTORY/feedwatch.db` under systemd, else `/var/lib/feedwatch/feedwatch.db`.
    public static func defaultDatabasePath(environment: [String: String]) -> String {
        // systemd passes one directory per StateDirectory= entry, separated by colons.
        if let state = environment["STATE_DIRECTORY"]?.split(separator: ":").first, !state.isEmpty {
            return "\(state)/feedwatch.db"
        }
        return "/var/lib/feedwatch/feedwatch.db"
    }

    /// The configuration path: `--config`, else `$FEEDWATCH_CONFIG`, else `/etc/feedwatch.json`.
    public static func path(option: String?, environment: [String: String]) -> String {
        option ?? environment["FEEDWATCH_CONFIG"] ?? "/etc/feedwatch.json"
    }
}

/// One watched WordPress site, with the `defaults` already applied.
public struct SiteConfiguration: Sendable, Equatable {
    public var name: String
    /// The site address as configured, always ending in `/`.
    public var url: String
    public var interval: Duration
    /// REST collections to watch, such as `posts` and `pages`.
    public var types: [String]
    public var timeout: Duration
    /// How often every post id is listed, to find posts missed or gone.
    public var reconcile: Duration
    /// How often every post's content is fetched again, to find silent edits.
    public var verify: Duration
    /// Regular expressions removed from content before hashing.
    public var ignore: [String]
    public var enabled: Bool
    /// An application password, for sites that show drafts and private posts to it.
    public var auth: SiteAuthentication?
    /// A PEM file of the certificate authorities to trust for this site instead
    /// of the system's: an intranet site behind a private CA.
    public var caFile: String?

    public static let defaultInterval = Duration.seconds(300)
    public static let minimumInterval = Duration.seconds(10)
    public static let defaultTimeout = Duration.seconds(30)
    public static let defaultTypes = ["posts"]
    public static let defaultReconcile = Duration.seconds(3600)
    public static let defaultVerify = Duration.seconds(86_400)

    public init(
        name: String, url: String, interval: Duration = defaultInterval, types: [String] = defaultTypes,
        timeout: Duration = defaultTimeout, reconcile: Duration = defaultReconcile, verify: Duration = defaultVerify,
        ignore: [String] = [], enabled: Bool = true, auth: SiteAuthentication? = nil, caFile: String? = nil
    ) {
        self.name = name
        self.url = url
        self.interval = interval
        self.types = types
        self.timeout = timeout
        self.reconcile = reconcile
        self.verify = verify
        self.ignore = ignore
        self.enabled = enabled
        self.auth = auth
        self.caFile = caFile
    }
}
