import GRDB
import Locking
#if canImport(Glibc)
import Glibc
#endif

/// The store in one SQLite file, the embedded default. WAL mode, so `status`
/// and `history` can read while the daemon writes; one daemon writes at a time
/// (`DatabaseLock`).
public final class SQLiteStore: Store {
    public let path: String
    public var location: String { path }
    let pool: DatabasePool
    /// The `notify[]` channels each committed event is queued for.
    private let channels = Locked<[NotifyChannel]>([])
    private let lastWriteFailure = Locked<StoreError?>(nil)
    /// Writes of posts and of sync outcomes waiting for the writer, to be run in one transaction.
    let batches = WriteBatches()

    public var writeFailure: StoreError? { lastWriteFailure.withLock { $0 } }

    /// - Parameter readOnly: for commands that only read (`history`, `diff`):
    ///   nothing is created or migrated, and the daemon may be writing meanwhile.
    public init(path: String, readOnly: Bool = false) throws(StoreError) {
        self.path = path
        do {
            if readOnly {
                guard access(path, F_OK) == 0 else {
                    throw StoreProblem("no such file; nothing has been stored there yet (check --database or the "
                        + "configuration's \"database\")")
                }
            } else {
                try Self.createParentDirectory(of: path)
            }
            var configuration = GRDB.Configuration()
            configuration.readonly = readOnly
            configuration.busyMode = .timeout(10)
            configuration.label = "feedwatch"
            // In WAL mode NORMAL survives any crash of the process; only the last
            // commits can be lost to a power cut (as journald's own unsynced entries
            // are), and the database is never damaged. FULL would fsync every commit.
            // A small page cache per connection (1 MiB, not SQLite's 2 MiB default) and
            // two readers: the daemon's memory is mostly page caches otherwise. (An
            // 8 MiB writer cache stores a 100,000-post first sync 40% faster, the
            // content hash index being written at random, for 7 MB more at peak.)
            // A new database gets 8 KiB pages (SQLite can change an existing one's only by
            // a VACUUM outside WAL mode): a compressed content of a typical post is about
            // 2.5 KB, of which a 4 KiB page holds one and wastes the rest, 40% of the file.
            configuration.maximumReaderCount = 2
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA page_size = 8192; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -1024")
            }
            pool = try DatabasePool(path: path, configuration: configuration)
            if readOnly {
                try Self.checkSchema(of: pool)
            } else {
                try SQLiteSchema.migrator.migrate(pool)
                try ContentV7.compressPlainRows(in: pool)
            }
        } catch {
            throw StoreError(path: path, operation: "opening the database", error: error)
        }
    }

    public func route(to channels: [NotifyChannel]) {
        self.channels.withLock { $0 = channels }
    }

    /// Runs `body` in one write transaction; a failure rolls everything back.
    /// Events the transaction added to the outbox are queued for the notify
    /// channels in it too, so a channel never waits for the journal.
    /// - Parameter notesFailure: whether a failure is the database's health
    ///   (`writeFailure`); not for a batch that is tried again write by write.
    func write<T: Sendable>(
        _ operation: String, notesFailure: Bool = true, _ body: @escaping @Sendable (Database) throws -> T
    ) async throws(StoreError) -> T {
        let channels = channels.withLock { $0 }
        do {
            let result = try await pool.write { db in
                let result = try body(db)
                if !channels.isEmpty { try Self.queueDeliveries(to: channels, in: db) }
                return result
            }
            return result
        } catch {
            let failure = StoreError(path: path, operation: operation, error: error)
            if notesFailure, !(error is CancellationError) { lastWriteFailure.withLock { $0 = failure } }
            throw failure
        }
    }

    /// Batched with the other writes waiting for the writer (`WriteBatches`):
    /// the scheduler starts the syncs due within a tick together, so quiet
    /// syncs end together, and each records its outcome in a fraction of a
    /// transaction.
    public func writeChanges(
        _ operation: String, completingSync: Bool,
        _ body: @escaping @Sendable (any StoreTransaction) throws -> [PendingEvent]
    ) async throws(StoreError) -> [PendingEvent] {
        let events = try await batchedWrite(operation) { db in try body(SQLiteTransaction(db)) }
        if completingSync { lastWriteFailure.withLock { $0 = nil } }
        return events
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

    private static func checkSchema(of pool: DatabasePool) throws {
        let migrator = SQLiteSchema.migrator
        try pool.read { db in
            if try migrator.hasBeenSuperseded(db) {
                throw StoreProblem("it was written by a newer feedwatch; use that version")
            }
            if try !migrator.hasCompletedMigrations(db) {
                throw StoreProblem("it was written by an older feedwatch; restart the service (or run feedwatch poll) "
                    + "once to upgrade it")
            }
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

/// A reason, in words, why the database cannot be used.
private struct StoreProblem: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

private struct StoreDirectoryError: Error, CustomStringConvertible {
    let directory: String
    let code: Int32
    var description: String { "cannot create the directory \(directory): \(String(cString: strerror(code)))" }
}
