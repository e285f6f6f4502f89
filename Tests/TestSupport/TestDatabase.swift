import Foundation
import GRDB

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

    /// The rows a one-column query answers, as text, read the way each
    /// backend's own client reads them (SQL both backends understand).
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
