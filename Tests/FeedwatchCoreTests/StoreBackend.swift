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
        store = try await Self.open(backend, database: database, server: server)
    }

    /// The same database opened again, as a restarted daemon would.
    func reopened() async throws -> any Store {
        try await Self.open(backend, database: database, server: server)
    }

    private static func open(_ backend: StoreBackend, database: String, server: PostgresServer?) async throws -> any Store {
        switch (backend, server) {
        case (.postgresql, let server?):
            try await PostgresStore.open(url: server.tcpURL(database: database), password: server.password)
        default:
            try SQLiteStore(path: database)
        }
    }

    /// The one integer a query portable to both backends' SQL answers.
    func integer(_ sql: String) async throws -> Int? {
        if let server { return Int(try server.psql(sql, database: database)) }
        return try await (store as? SQLiteStore)?.read("test query") { db in try Int.fetchOne(db, sql: sql) }
    }
}
