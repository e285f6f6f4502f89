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

    public static var backend: String { ProcessInfo.processInfo.environment["FEEDWATCH_TEST_STORE"] ?? "sqlite" }

    public static var isPostgreSQL: Bool { backend == "postgresql" }

    public init(in directory: TemporaryDirectory) throws {
        if Self.isPostgreSQL {
            let server = try PostgresServer()
            self.server = server
            location = server.socketURL(database: try server.createDatabase())
        } else {
            server = nil
            location = directory.file("feedwatch.db")
        }
    }
}
