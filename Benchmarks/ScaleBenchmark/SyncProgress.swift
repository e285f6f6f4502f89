import Foundation
import GRDB

/// The daemon's progress, read from its database beside it (WAL lets a reader in
/// while it writes): what the benchmark waits for and counts.
struct SyncProgress {
    private let database: DatabaseQueue

    init(databasePath: String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        // The daemon creates the file once it starts; READY=1 comes after that.
        database = try DatabaseQueue(path: databasePath, configuration: configuration)
    }

    struct FirstCycle {
        var baselined: Int
        var failing: Int
        /// Events committed but not yet written to the journal.
        var unreported: Int
    }

    func firstCycle() throws -> FirstCycle {
        try database.read { db in
            FirstCycle(
                baselined: try Int.fetchOne(db, sql: "SELECT count(*) FROM site WHERE baselined_at IS NOT NULL") ?? 0,
                failing: try Int.fetchOne(db, sql: "SELECT count(*) FROM site WHERE failures_in_row > 0") ?? 0,
                unreported: try Int.fetchOne(db, sql: "SELECT count(*) FROM event WHERE emitted_at IS NULL") ?? 0)
        }
    }

    /// Sites whose last successful sync was at or after `time`.
    func synced(since time: Date) throws -> Int {
        try database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM site WHERE last_success_at >= ?",
                             arguments: [Self.stamp(time)]) ?? 0
        }
    }

    /// Sites whose last attempt since `time` failed.
    func failing(since time: Date) throws -> Int {
        try database.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM site WHERE last_attempt_at >= ? AND failures_in_row > 0",
                             arguments: [Self.stamp(time)]) ?? 0
        }
    }

    /// Failed syncs since each site's last success, summed over the sites.
    func failedAttempts() throws -> Int {
        try database.read { db in try Int.fetchOne(db, sql: "SELECT coalesce(sum(failures_in_row), 0) FROM site") ?? 0 }
    }

    /// As the store writes times: ISO 8601 in UTC, whole seconds.
    private static func stamp(_ time: Date) -> String { time.ISO8601Format() }
}
