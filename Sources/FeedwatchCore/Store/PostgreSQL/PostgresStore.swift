import Locking

/// The store in a PostgreSQL database, which several daemons may share.
/// Connections come from a pool (`PostgresPool`) and do their blocking work on
/// queues of their own; the schema is migrated when the store opens.
public final class PostgresStore: Store {
    /// The database's URL, as given (it never holds a password).
    public let location: String
    let pool: PostgresPool
    private let channels = Locked<[NotifyChannel]>([])
    private let lastWriteFailure = Locked<StoreError?>(nil)

    public var writeFailure: StoreError? { lastWriteFailure.withLock { $0 } }

    /// Connects to `url` (`postgresql://…`) and brings its schema up to date.
    /// - Parameters:
    ///   - password: from the configuration's `passwordFile` or `credential`.
    ///   - connections: at most this many connections at once.
    public static func open(url: String, password: String?, connections: Int = 8) async throws(StoreError) -> PostgresStore {
        var settings = [("dbname", url), ("application_name", "feedwatch"), ("connect_timeout", "10")]
        if let password { settings.append(("password", password)) }
        let store = PostgresStore(location: url, pool: PostgresPool(settings: settings, capacity: connections))
        try await store.read("opening the database") { connection in try PostgresSchema.migrate(connection) }
        return store
    }

    private init(location: String, pool: PostgresPool) {
        self.location = location
        self.pool = pool
    }

    public func route(to channels: [NotifyChannel]) {
        self.channels.withLock { $0 = channels }
    }

    public func writeChanges(
        _ operation: String, completingSync: Bool,
        _ body: @escaping @Sendable (any StoreTransaction) throws -> [PendingEvent]
    ) async throws(StoreError) -> [PendingEvent] {
        let channels = channels.withLock { $0 }
        let events = try await write(operation) { connection in
            let events = try body(PostgresTransaction(connection))
            try Self.queueDeliveries(of: events, to: channels, in: connection)
            return events
        }
        if completingSync { lastWriteFailure.withLock { $0 = nil } }
        return events
    }

    /// Runs `body` in one transaction; a failure rolls everything back.
    func write<T: Sendable>(
        _ operation: String, _ body: @escaping @Sendable (PostgresConnection) throws -> T
    ) async throws(StoreError) -> T {
        do {
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
            return try await pool.withConnection(body)
        } catch {
            throw StoreError(path: location, operation: operation, error: error)
        }
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
