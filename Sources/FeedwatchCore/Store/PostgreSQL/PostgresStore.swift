import Locking

/// The store in a PostgreSQL database, which several daemons may share.
/// Connections come from a pool (`PostgresPool`) and do their blocking work on
/// queues of their own; the schema is migrated when this process first uses it.
public final class PostgresStore: Store {
    /// The database's URL, as given (it never holds a password).
    public let location: String
    /// This daemon's name among those sharing the database.
    public let node: String
    public let lease: Duration
    let pool: PostgresPool
    private let channels = Locked<[NotifyChannel]>([])
    private let lastWriteFailure = Locked<StoreError?>(nil)
    /// Whether this process has brought the schema up to date.
    private let migrated = Locked(false)
    /// The session holding the node's advisory lock, once this process took
    /// it; weak, so the lock lasts as long as the `DatabaseLock` holding it.
    let nodeSession = Locked(NodeSession())

    struct NodeSession: Sendable {
        weak var session: PostgresSession?
    }

    public var writeFailure: StoreError? { lastWriteFailure.withLock { $0 } }

    /// A store on `location`'s database; nothing is connected until it is
    /// first used, when the schema is brought up to date.
    /// - Parameter connections: at most this many connections at once.
    public init(_ location: PostgresLocation, environment: [String: String], connections: Int = 8) {
        self.location = location.url
        node = location.node ?? Self.hostName
        lease = location.lease
        pool = PostgresPool(capacity: connections) {
            var settings = [("dbname", location.url), ("application_name", "feedwatch"), ("connect_timeout", "10")]
            if let password = try Self.password(location.password, environment: environment) {
                settings.append(("password", password))
            }
            return settings
        }
    }

    /// The database's password, read from its file.
    private static func password(_ source: SecretSource?, environment: [String: String]) throws -> String? {
        guard let source else { return nil }
        let path = try source.path(environment: environment, fileKey: "passwordFile").get()
        let bytes: [UInt8]
        do {
            bytes = try FileContents.read(path, limit: 4096)
        } catch {
            throw PostgresPasswordError(path: path, reason: "\(error)")
        }
        let password = String(decoding: bytes, as: UTF8.self).trimmingWhitespace()
        guard !password.isEmpty else { throw PostgresPasswordError(path: path, reason: "it is empty") }
        return password
    }

    public func route(to channels: [NotifyChannel]) {
        self.channels.withLock { $0 = channels }
    }

    public func writeChanges(
        _ operation: String, completingSync: Bool,
        _ body: @escaping @Sendable (any StoreTransaction) throws -> [PendingEvent]
    ) async throws(StoreError) -> [PendingEvent] {
        let channels = channels.withLock { $0 }
        let events = try await write(operation) { [node] connection in
            try body(PostgresTransaction(connection, channels: channels, node: node))
        }
        if completingSync { lastWriteFailure.withLock { $0 = nil } }
        return events
    }

    /// Runs `body` in one transaction; a failure rolls everything back.
    func write<T: Sendable>(
        _ operation: String, _ body: @escaping @Sendable (PostgresConnection) throws -> T
    ) async throws(StoreError) -> T {
        do {
            try await migrateOnce()
            return try await pool.transaction(body)
        } catch {
            let failure = StoreError(path: location, operation: operation, error: error)
            if !(error is CancellationError) { lastWriteFailure.withLock { $0 = failure } }
            throw failure
        }
    }

    func read<T: Sendable>(
        _ operation: String, _ body: @escaping @Sendable (PostgresConnection) throws -> T
    ) async throws(StoreError) -> T {
        do {
            try await migrateOnce()
            return try await pool.withConnection(body)
        } catch {
            throw StoreError(path: location, operation: operation, error: error)
        }
    }

    /// Applies the migrations the database lacks, before this process first uses it.
    func migrateOnce() async throws {
        guard !migrated.withLock({ $0 }) else { return }
        try await pool.withConnection { connection in try PostgresSchema.migrate(connection) }
        migrated.withLock { $0 = true }
    }

    /// PostgreSQL checks its own pages as it reads them; this checks that
    /// the database answers and that its schema is one this feedwatch knows.
    public func quickCheck() async throws(StoreError) -> [String] {
        try await read("checking the database") { connection in
            let version = try connection.query("SELECT max(version) AS version FROM schema_migration").first?.int("version")
            return version == PostgresSchema.migrations.count ? [] : ["schema version \(version ?? 0), not \(PostgresSchema.migrations.count)"]
        }
    }
}

private struct PostgresPasswordError: Error, CustomStringConvertible {
    let path: String
    let reason: String
    var description: String { "cannot read the database's password from \(path): \(reason)" }
}
