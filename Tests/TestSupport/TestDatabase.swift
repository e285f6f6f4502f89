import Foundation

/// The database an end-to-end test's engine or daemon uses: an SQLite file
/// in the test's directory, or, when `FEEDWATCH_TEST_STORE=postgresql` (as
/// `make test-postgresql` sets it), a database on a PostgreSQL server of the
/// test's own, so that the same behaviour suite runs on both backends.
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
}
