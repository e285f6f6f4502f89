import GRDB
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension SQLiteStore {
    /// The channel's oldest undelivered event: a channel gets its events one
    /// at a time, in the order they happened.
    public func nextDelivery(for channel: String) async throws(StoreError) -> Delivery? {
        try await read("reading the next notification for \(channel)") { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT event_id, created_at, payload, attempts, next_attempt_at FROM delivery
                WHERE channel = ? ORDER BY event_id LIMIT 1
                """), arguments: [channel])
            else { return nil }
            let payload: String = row["payload"]
            return Delivery(channel: channel, eventID: row["event_id"],
                            event: try JSONDecoder().decode(ChangeEvent.self, from: Data(payload.utf8)),
                            createdAt: Timestamp.date(row["created_at"]) ?? Date(), attempts: row["attempts"],
                            nextAttempt: Date(timeIntervalSince1970: row["next_attempt_at"]))
        }
    }

    /// The delivery is done: it leaves the queue.
    public func deliverySucceeded(_ delivery: Delivery) async throws(StoreError) {
        try await write("recording a notification sent to \(delivery.channel)") { db in
            try Self.remove(delivery, in: db)
            try db.execute(sql: """
                INSERT INTO channel (name, last_success_at) VALUES (?, ?)
                ON CONFLICT (name) DO UPDATE SET last_success_at = excluded.last_success_at
                """, arguments: [delivery.channel, Timestamp.now()])
        }
    }

    /// The attempt failed; the next one is at `retryAt`.
    public func deliveryFailed(_ delivery: Delivery, error: String, retryAt: Date) async throws(StoreError) {
        try await write("recording a failed notification to \(delivery.channel)") { db in
            try db.execute(sql: """
                UPDATE delivery SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?
                WHERE channel = ? AND event_id = ?
                """, arguments: [retryAt.timeIntervalSince1970, error, delivery.channel, delivery.eventID])
            try Self.recordError(error, channel: delivery.channel, in: db)
        }
    }

    /// The event will never reach the channel (refused for good, or too old):
    /// it leaves the queue, and the reason stays as the channel's last error.
    public func deliveryAbandoned(_ delivery: Delivery, reason: String) async throws(StoreError) {
        try await write("giving up a notification to \(delivery.channel)") { db in
            try Self.remove(delivery, in: db)
            try Self.recordError(reason, channel: delivery.channel, in: db)
        }
    }

    /// Forgets what waits for channels no longer configured; returns how many
    /// events each of them had waiting.
    public func dropDeliveries(exceptFor channels: [String]) async throws(StoreError) -> [String: Int] {
        try await write("forgetting notifications of removed channels") { db in
            let kept = Set(channels)
            var dropped: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT channel, count(*) AS waiting FROM delivery GROUP BY channel") {
                let name: String = row["channel"]
                guard !kept.contains(name) else { continue }
                dropped[name] = row["waiting"]
                try db.execute(sql: "DELETE FROM delivery WHERE channel = ?", arguments: [name])
            }
            return dropped
        }
    }

    /// Every configured channel's backlog and last outcome, in the order given.
    public func channelStatuses(_ channels: [String]) async throws(StoreError) -> [ChannelStatus] {
        try await read("reading the state of the notification channels") { db in
            try channels.map { name in
                let queue = try Row.fetchOne(db, sql: "SELECT count(*) AS backlog, min(created_at) AS oldest FROM delivery WHERE channel = ?",
                                             arguments: [name])
                let record = try Row.fetchOne(db, sql: "SELECT * FROM channel WHERE name = ?", arguments: [name])
                return ChannelStatus(name: name, backlog: queue?["backlog"] ?? 0, oldestWaiting: Timestamp.date(queue?["oldest"]),
                                     lastSuccess: Timestamp.date(record?["last_success_at"]), lastError: record?["last_error"],
                                     lastErrorAt: Timestamp.date(record?["last_error_at"]))
            }
        }
    }

    /// This database's name in idempotency keys.
    public func instanceID() async throws(StoreError) -> String {
        try await read("reading the database's instance id") { db in
            try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'instance'") ?? "feedwatch"
        }
    }

    private static func remove(_ delivery: Delivery, in db: Database) throws {
        try db.execute(sql: "DELETE FROM delivery WHERE channel = ? AND event_id = ?",
                       arguments: [delivery.channel, delivery.eventID])
    }

    private static func recordError(_ error: String, channel: String, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO channel (name, last_error, last_error_at) VALUES (?, ?, ?)
            ON CONFLICT (name) DO UPDATE SET last_error = excluded.last_error, last_error_at = excluded.last_error_at
            """, arguments: [channel, error, Timestamp.now()])
    }
}
