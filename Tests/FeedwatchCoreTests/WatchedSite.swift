import FakeWordPress
@testable import FeedwatchCore
import GRDB
import Logging
import TestSupport

/// A fake WordPress site on 127.0.0.1 and an engine watching it, with a
/// database of its own: what most end-to-end tests start from.
struct WatchedSite {
    let server: FakeWordPressServer
    let site: FakeSite
    let directory: TemporaryDirectory
    let database: TestDatabase
    let configuration: SiteConfiguration
    let engine: Engine

    /// - Parameter configure: adjusts the site's configuration (and may prepare
    ///   the fake site or files in the directory) before the engine starts.
    init(
        _ purpose: String, permalinks: FakePermalinks = .pretty, sendsLinkHeader: Bool = true,
        environment: (TemporaryDirectory) -> [String: String] = { _ in [:] }, notify: [NotifyChannel] = [],
        logger: Logger = Logger(label: "test"),
        configure: (inout SiteConfiguration, FakeSite, TemporaryDirectory) throws -> Void = { _, _, _ in }
    ) throws {
        server = try FakeWordPressServer()
        site = server.addSite(uniqueSiteName(purpose), permalinks: permalinks, sendsLinkHeader: sendsLinkHeader)
        directory = try TemporaryDirectory()
        var configuration = SiteConfiguration(name: site.name, url: site.url)
        try configure(&configuration, site, directory)
        self.configuration = configuration
        database = try TestDatabase(in: directory)
        engine = try Engine(configuration: Configuration(source: "test", sites: [configuration], notify: notify),
                            databasePath: database.location, environment: environment(directory), logger: logger)
    }

    var name: String { site.name }

    /// One sync; the error, if it failed.
    func sync(full: Bool = false) async -> String? {
        await engine.syncer(for: configuration).sync(full: full).error
    }

    /// The first column of what `query` (SQL both backends run) returns, as text.
    func column(_ query: String) async throws -> [String] {
        if let server = database.server, let name = database.name {
            return try server.psql(query, database: name).split(separator: "\n").map(String.init)
        }
        return try await engine.sqliteStore.read("test query") { db in
            try DatabaseValue.fetchAll(db, sql: query).map { value in
                switch value.storage {
                case .string(let text): text
                case .int64(let number): String(number)
                case .double(let number): String(number)
                case .null, .blob: String(describing: value)
                }
            }
        }
    }

    func shutdown() async {
        await engine.shutdown()
        server.stop()
    }
}
