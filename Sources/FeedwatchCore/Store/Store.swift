import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// The SQLite database: sites, the newest state of each post, every version,
/// and the outbox of events. WAL mode, so `status` and `history` can read while
/// the daemon writes.
public final class Store: Sendable {
    public let path: String
    let pool: DatabasePool

    public init(path: String) throws(StoreError) {
        self.path = path
        do {
            try Self.createParentDirectory(of: path)
            var configuration = GRDB.Configuration()
            configuration.busyMode = .timeout(10)
            configuration.label = "feedwatch"
            // In WAL mode NORMAL survives any crash of the process; only the last
            // commits can be lost to a power cut (as journald's own unsynced entries
            // are), and the database is never damaged. FULL would fsync every commit.
            // A small page cache per connection (1 MiB, not SQLite's 2 MiB default) and
            // two readers: the daemon's memory is mostly page caches otherwise.
            configuration.maximumReaderCount = 2
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -1024")
            }
            pool = try DatabasePool(path: path, configuration: configuration)
            try StoreSchema.migrator.migrate(pool)
        } catch {
            throw StoreError(path: path, operation: "opening the database", error: error)
        }
    }

    /// Runs `body` in one write transaction; a failure rolls everything back.
    func write<T: Sendable>(
        _ operation: String, _ body: @escaping @Sendable (Database) throws -> T
    ) async throws(StoreError) -> T {
        do {
            return try await pool.write(body)
        } catch {
            throw StoreError(path: path, operation: operation, error: error)
        }
    }

    func read<T: Sendable>(
        _ operation: String, _ body: @escaping @Sendable (Database) throws -> T
    ) async throws(StoreError) -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw StoreError(path: path, operation: operation, error: error)
        }
    }

    private static func createParentDirectory(of path: String) throws {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return }
        let directory = String(path[..<slash])
        var prefix = path.hasPrefix("/") ? "" : "."
        for part in directory.split(separator: "/") {
            prefix += "/\(part)"
            if mkdir(prefix, 0o750) != 0 && errno != EEXIST {
                throw StoreDirectoryError(directory: prefix, code: errno)
            }
        }
    }
}

private struct StoreDirectoryError: Error, CustomStringConvertible {
    let directory: String
    let code: Int32
    var description: String { "cannot create the directory \(directory): \(String(cString: strerror(code)))" }
}
