@testable import FeedwatchCore
import GRDB
import Testing
import TestSupport

/// The store's backends, for tests that run on each.
enum StoreBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgresql

    var testDescription: String { rawValue }
}

/// An empty store of one backend, for one test, with what it lives in: a
/// temporary SQLite file, or a database on a PostgreSQL server of the test's
/// own (stopped when this goes).
final class TestStore: Sendable {
    let backend: StoreBackend
    let store: any Store
    private let directory: TemporaryDirectory
    private let server: PostgresServer?
    private let database: String

    init(_ backend: StoreBackend) async throws {
        self.backend = backend
        directory = try TemporaryDirectory()
        switch backend {
        case .sqlite:
            server = nil
            database = directory.file("feedwatch.db")
        case .postgresql:
            let server = try PostgresServer()
            self.server = server
            database = try server.createDatabase()
        }
        store = try Self.open(backend, database: database, server: server, directory: directory)
    }

    /// The same database opened again, as a restarted daemon would.
    func reopened() throws -> any Store {
        try Self.open(backend, database: database, server: server, directory: directory)
    }

    private static func open(
        _ backend: StoreBackend, database: String, server: PostgresServer?, directory: TemporaryDirectory
    ) throws -> any Store {
        guard backend == .postgresql, let server else { return try SQLiteStore(path: database) }
        let passwordFile = try directory.write("database.password", server.password)
        let location = PostgresLocation(url: server.tcpURL(database: database), password: .file(passwordFile))
        return PostgresStore(location, environment: [:])
    }

    /// The one integer a query portable to both backends' SQL answers.
    func integer(_ sql: String) async throws -> Int? {
        if let server { return Int(try server.psql(sql, database: database)) }
        return try await (store as? SQLiteStore)?.read("test query") { db in try Int.fetchOne(db, sql: sql) }
    }
}

extension Trait where Self == ConditionTrait {
    /// For a test of what only an SQLite file has (a database an older
    /// release wrote, a file on a full disk), skipped when the behaviour
    /// suites run on PostgreSQL (`make test-postgresql`).
    static var sqliteDatabasesOnly: Self {
        .enabled(if: !TestDatabase.isPostgreSQL, "an SQLite database's own behaviour")
    }
}
