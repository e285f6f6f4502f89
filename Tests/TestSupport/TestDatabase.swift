import Foundation
import GRDB
import Testing

/// The database an end-to-end test's engine or daemon uses: an SQLite file
/// in the test's directory, or, when `FEEDWATCH_TEST_STORE=postgresql` (as
/// `make test-postgresql` sets it), a database on a PostgreSQL server of the
/// test's own, so that the same behaviour suites run on both backends.
public final class TestDatabase: Sendable {
    /// What `--database` or the configuration's `database` is given: a path or a URL.
    public let location: String
    /// The server, when on PostgreSQL (stopped when this goes).
    public let server: PostgresServer?
    /// The database's name on `server`.
    public let name: String?

    public static var backend: String { ProcessInfo.processInfo.environment["FEEDWATCH_TEST_STORE"] ?? "sqlite" }

    public static var isPostgreSQL: Bool { backend == "postgresql" }

    public init(in directory: TemporaryDirectory) throws {
        if Self.isPostgreSQL {
            let server = try PostgresServer()
            let name = try server.createDatabase()
            self.server = server
            self.name = name
            location = server.socketURL(database: name)
        } else {
            server = nil
            name = nil
            location = directory.file("feedwatch.db")
        }
    }

    /// The first column of each row `sql` answers, as text, read the way
    /// each backend's own client reads it (SQL both backends understand).
    public func column(_ sql: String) throws -> [String] {
        if let server, let name {
            let output = try server.psql(sql, database: name)
            return output.isEmpty ? [] : output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        return try DatabaseQueue(path: location).read { db in
            try Row.fetchAll(db, sql: sql).map { row in
                switch (row[0] as DatabaseValue).storage {
                case .null: ""
                case .int64(let value): String(value)
                case .double(let value): String(value)
                case .string(let value): value
                case .blob(let value): value.base64EncodedString()
                }
            }
        }
    }

    /// Runs statements that change the database, as an administrator might.
    public func execute(_ sql: String) throws {
        if let server, let name {
            _ = try server.psql(sql, database: name)
        } else {
            try DatabaseQueue(path: location).write { db in try db.execute(sql: sql) }
        }
    }

    /// The one value `sql` answers.
    public func value(_ sql: String) throws -> String? {
        try column(sql).first
    }
}

extension Trait where Self == ConditionTrait {
    /// For a test of what only an SQLite file has (a database an older
    /// release wrote, a file on a full disk, its one-writer lock), skipped
    /// when the behaviour suites run on PostgreSQL (`make test-postgresql`).
    public static var sqliteDatabasesOnly: Self {
        .enabled(if: !TestDatabase.isPostgreSQL, "an SQLite database's own behaviour")
    }

    /// For a test that runs on a database of its own choosing (its own
    /// PostgreSQL server, or none), run once: skipped when the behaviour
    /// suites run again on PostgreSQL.
    public static var onceForBothBackends: Self {
        .enabled(if: !TestDatabase.isPostgreSQL, "its database does not depend on FEEDWATCH_TEST_STORE")
    }
}
