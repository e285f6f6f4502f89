import Logging

/// The parts a sync needs, assembled once from a configuration: the store, the
/// HTTP client, the journal, and a syncer per site.
public struct Engine: Sendable {
    public private(set) var configuration: Configuration
    public let store: any Store
    /// Where `store` is.
    public let database: DatabaseLocation
    public let http: HTTPClient
    public let reporter: EventReporter
    /// The `feed` file, rewritten by the reporter.
    public let feed: FeedWriter
    private let databaseOption: String?
    private let environment: [String: String]
    private let logger: Logger
    /// The open-file limit, raised as far as the system allows (`OpenFileLimit`).
    private let openFiles: Int

    /// - Parameter databasePath: `--database` (a path or a URL), which wins over the file's `database`.
    public init(configuration: Configuration, databasePath: String?, environment: [String: String], logger: Logger)
        throws(EngineError)
    {
        database = try Self.database(option: databasePath, configuration, environment: environment)
        self.configuration = configuration
        databaseOption = databasePath
        self.environment = environment
        self.logger = logger
        openFiles = OpenFileLimit.raise()
        switch database {
        case .sqlite(let path):
            do {
                store = try SQLiteStore(path: path)
            } catch {
                throw .store(error)
            }
        case .postgresql(let location):
            store = PostgresStore(location, environment: environment)
        }
        do {
            http = try HTTPClient()
        } catch {
            throw .http(error)
        }
        store.route(to: configuration.notify)
        feed = FeedWriter(configuration.feed, store: store, logger: logger)
        reporter = EventReporter(store: store, journal: JournalWriter.detect(environment: environment), feed: feed,
                                 logger: logger)
        warnAboutExposedPasswords()
        warnAboutOpenFileLimit()
    }

    /// How many sites are synced at once: the configuration's choice, within
    /// what the open-file limit leaves room for.
    public var concurrency: Int {
        min(configuration.concurrency, OpenFileLimit.concurrency(allowedBy: openFiles))
    }

    private func warnAboutOpenFileLimit() {
        guard concurrency < configuration.concurrency else { return }
        logger.warning("""
            feedwatch may open only \(openFiles) files (RLIMIT_NOFILE), so it syncs \(concurrency) sites at once, \
            not \(configuration.concurrency); raise the limit (LimitNOFILE= in the unit) to sync every site in time
            """)
    }

    /// `--database`, else the configuration's `database`, else the default file.
    public static func database(
        option: String?, _ configuration: Configuration, environment: [String: String]
    ) throws(EngineError) -> DatabaseLocation {
        if let option {
            switch DatabaseLocation.parse(option) {
            case .success(let location): return location
            case .failure(let error): throw .badDatabase(error)
            }
        }
        return configuration.database ?? .sqlite(path: Configuration.defaultDatabasePath(environment: environment))
    }

    /// The same engine (store, client, journal) running a new configuration: a
    /// reload. A new `database` takes effect at the next start only.
    public func reconfigured(_ configuration: Configuration) async -> Engine {
        store.route(to: configuration.notify)
        await feed.configure(configuration.feed)
        await feed.refresh()
        var engine = self
        engine.configuration = configuration
        engine.warnAboutExposedPasswords()
        engine.warnAboutOpenFileLimit()
        if let next = try? Self.database(option: databaseOption, configuration, environment: environment), next != database {
            logger.warning("the database is now \(next), but \(database) stays in use until feedwatch restarts")
        }
        return engine
    }

    /// What the scheduler runs: the enabled sites.
    public func schedulerPlan(previous: [SiteStatus]) -> Scheduler.Plan {
        Scheduler.Plan(syncers: configuration.sites.filter(\.enabled).map(syncer), concurrency: concurrency,
                       previous: Dictionary(previous.map { ($0.name, $0) }) { first, _ in first },
                       standby: configuration.sites.filter { !$0.enabled }.map(syncer), sharing: store.sharing)
    }

    public var sender: NotificationSender {
        NotificationSender(http: http, journal: reporter.journal, environment: environment)
    }

    /// Delivers what waits for the configuration's `notify[]` channels.
    public func dispatcher(retryBase: Duration = .seconds(10), idlePoll: Duration = .seconds(1)) -> NotificationDispatcher {
        NotificationDispatcher(
            channels: configuration.notify,
            sender: sender,
            store: store, logger: logger, retryBase: retryBase, idlePoll: idlePoll)
    }

    public func syncer(for site: SiteConfiguration) -> SiteSyncer {
        SiteSyncer(site: site, store: store, http: http, reporter: reporter, environment: environment, logger: logger)
    }

    /// Warns about each application password or webhook secret that other
    /// users of the machine can read.
    private func warnAboutExposedPasswords() {
        var secrets: [(path: String, what: String)] = []
        for site in configuration.sites {
            guard let auth = site.auth, case .success(let path) = auth.passwordPath(environment: environment) else { continue }
            secrets.append((path, "the application password of \(site.name)"))
        }
        for channel in configuration.notify {
            guard case .webhook(_, let secret?, let format) = channel.target,
                  case .success(let path) = secret.path(environment: environment, fileKey: "secretFile")
            else { continue }
            secrets.append((path, "\(format.secretMeaning ?? "the secret") of notify channel \(channel.name)"))
        }
        for (path, what) in secrets where FileContents.isReadableByOthers(path) {
            logger.warning("""
                \(path) (\(what)) is readable by group or others; \
                chmod 600 it, or chmod 640 with a group only feedwatch belongs to
                """)
        }
    }

    /// The enabled sites, or the named ones (enabled or not).
    public func sites(named names: [String]) throws(EngineError) -> [SiteConfiguration] {
        guard !names.isEmpty else { return configuration.sites.filter(\.enabled) }
        return try names.map { name throws(EngineError) in
            guard let site = configuration.sites.first(where: { $0.name == name }) else {
                throw .unknownSite(name, known: configuration.sites.map(\.name))
            }
            return site
        }
    }

    /// Takes the database's one-writer lock for `command` (`run`), waiting up
    /// to `patience` while a `feedwatch poll` holds it; another daemon holding
    /// it is an error that names it.
    public func lockDatabase(for command: String, patience: Duration = .seconds(60)) async throws(EngineError) -> DatabaseLock {
        let deadline = ContinuousClock.now + patience
        var waited = false
        while true {
            do {
                if let lock = try await store.lockWriter() {
                    try await store.recordWriter(command: command)
                    return lock
                }
                let holder = try await store.writer()
                guard holder?.command == "poll", ContinuousClock.now < deadline else {
                    if let sharing = store.sharing { throw EngineError.nodeInUse(sharing.node, store.location, by: holder) }
                    throw EngineError.databaseInUse(store.location, by: holder)
                }
                if !waited { logger.notice("waiting for \(holder.map(\.description) ?? "feedwatch poll") to finish with \(store.location)") }
                waited = true
                try await Task.sleep(for: .milliseconds(200))
            } catch let error as EngineError {
                throw error
            } catch let error as StoreError {
                throw .store(error)
            } catch let error as DatabaseLockError {
                throw .lock(error)
            } catch {
                throw .cancelled
            }
        }
    }

    public func shutdown() async {
        await http.shutdown()
    }
}

public enum EngineError: Error, CustomStringConvertible {
    case store(StoreError)
    case http(HTTPError)
    case unknownSite(String, known: [String])
    case lock(DatabaseLockError)
    case databaseInUse(String, by: DatabaseWriter?)
    /// Another process acts as this node of a shared database.
    case nodeInUse(String, String, by: DatabaseWriter?)
    case badDatabase(DatabaseLocation.LocationError)
    case cancelled

    public var description: String {
        switch self {
        case .lock(let error): error.description
        case let .databaseInUse(path, writer):
            """
            \(writer.map { "another \($0)" } ?? "another feedwatch process") is using \(path); \
            stop it first (systemctl stop feedwatch), or give this one another --database
            """
        case let .nodeInUse(node, location, writer):
            """
            \(writer.map { "another \($0)" } ?? "another feedwatch process") is node \(node) of \(location); \
            stop it first, or give this daemon a name of its own ("node" in "database")
            """
        case .badDatabase(let error): "--database: \(error)"
        case .cancelled: "cancelled"
        case .store(let error): error.description
        case .http(let error): error.detail
        case let .unknownSite(name, known):
            "no site named \"\(name)\" in the configuration (sites: \(known.isEmpty ? "none" : known.joined(separator: ", ")))"
        }
    }
}
