import Logging

/// The parts a sync needs, assembled once from a configuration: the store, the
/// HTTP client, the journal, and a syncer per site.
public struct Engine: Sendable {
    public let configuration: Configuration
    public let store: Store
    public let http: HTTPClient
    public let reporter: EventReporter
    private let environment: [String: String]
    private let logger: Logger

    /// - Parameter databasePath: `--database`, which wins over the file's `database`.
    public init(configuration: Configuration, databasePath: String?, environment: [String: String], logger: Logger)
        throws(EngineError)
    {
        let path = databasePath ?? configuration.databasePath
            ?? Configuration.defaultDatabasePath(environment: environment)
        self.configuration = configuration
        self.environment = environment
        self.logger = logger
        do {
            store = try Store(path: path)
        } catch {
            throw .store(error)
        }
        do {
            http = try HTTPClient()
        } catch {
            throw .http(error)
        }
        reporter = EventReporter(store: store, journal: JournalWriter.detect(), logger: logger)
        warnAboutExposedPasswords()
    }

    public func syncer(for site: SiteConfiguration) -> SiteSyncer {
        SiteSyncer(site: site, store: store, http: http, reporter: reporter, environment: environment, logger: logger)
    }

    private func warnAboutExposedPasswords() {
        for site in configuration.sites {
            guard let auth = site.auth, case .success(let path) = auth.passwordPath(environment: environment),
                  FileContents.isReadableByOthers(path)
            else { continue }
            logger.warning("""
                \(path) (the application password of \(site.name)) is readable by group or others; \
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

    public func shutdown() async {
        await http.shutdown()
    }
}

public enum EngineError: Error, CustomStringConvertible {
    case store(StoreError)
    case http(HTTPError)
    case unknownSite(String, known: [String])

    public var description: String {
        switch self {
        case .store(let error): error.description
        case .http(let error): error.detail
        case let .unknownSite(name, known):
            "no site named \"\(name)\" in the configuration (sites: \(known.isEmpty ? "none" : known.joined(separator: ", ")))"
        }
    }
}
