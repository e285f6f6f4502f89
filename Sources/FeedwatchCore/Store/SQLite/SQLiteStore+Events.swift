import GRDB
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension SQLiteStore {
    /// Adds an event to the outbox inside the caller's transaction.
    static func enqueue(_ event: ChangeEvent, siteID: Int64, at time: String, in db: Database) throws -> PendingEvent {
        let payload = String(decoding: try JSONEncoder().encode(event), as: UTF8.self)
        try db.cachedStatement(sql: "INSERT INTO event (site_id, created_at, payload) VALUES (?, ?, ?)")
            .execute(arguments: [siteID, time, payload])
        return PendingEvent(id: db.lastInsertedRowID, event: event, createdAt: time)
    }

    /// Events committed but not yet written to the journal, oldest first: after a
    /// crash these are what the previous process did not get to report.
    public func unemittedEvents(limit: Int) async throws(StoreError) -> [PendingEvent] {
        try await read("reading unreported events") { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(sql: "SELECT id, created_at, payload FROM event WHERE emitted_at IS NULL ORDER BY id LIMIT ?"),
                arguments: [limit])
            return try rows.map(Self.pendingEvent)
        }
    }

    public func markEmitted(_ pending: PendingEvent) async throws(StoreError) {
        let now = Date()
        try await write("marking an event as reported") { db in
            try db.cachedStatement(sql: "UPDATE event SET emitted_at = ? WHERE id = ?")
                .execute(arguments: [now.ISO8601Format(), pending.id])
            try db.cachedStatement(sql: "DELETE FROM event WHERE created_at < ? AND emitted_at IS NOT NULL")
                .execute(arguments: [now.addingTimeInterval(-EventQuery.retention.inSeconds).ISO8601Format()])
        }
    }

    public func events(matching query: EventQuery) async throws(StoreError) -> [PendingEvent] {
        try await read("reading recorded events") { db in
            let kinds = String(decoding: try JSONEncoder().encode(query.kinds.map(\.rawValue)), as: UTF8.self)
            let rows = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT event.id, event.created_at, event.payload FROM event JOIN site ON site.id = event.site_id
                WHERE event.created_at >= ? AND (?2 IS NULL OR site.name = ?2)
                    AND json_extract(event.payload, '$.kind') IN (SELECT value FROM json_each(?3))
                ORDER BY event.id DESC LIMIT ?4
                """), arguments: [query.since?.ISO8601Format() ?? "", query.site, kinds, query.limit])
            return try rows.map(Self.pendingEvent)
        }
    }

    private static func pendingEvent(_ row: Row) throws -> PendingEvent {
        let payload: String = row["payload"]
        return PendingEvent(id: row["id"], event: try JSONDecoder().decode(ChangeEvent.self, from: Data(payload.utf8)),
                            createdAt: row["created_at"])
    }

    /// How many events wait for the journal.
    public func unemittedCount() async throws(StoreError) -> Int {
        try await read("counting unreported events") { db in
            try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM event WHERE emitted_at IS NULL")) ?? 0
        }
    }

    /// Queues each event of the outbox not yet queued (those the current
    /// transaction added, and any an older feedwatch left) for the channels
    /// that want it, inside the caller's transaction.
    static func queueDeliveries(to channels: [NotifyChannel], in db: Database) throws {
        let rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT id, created_at, payload FROM event WHERE routed = 0"))
        guard !rows.isEmpty else { return }
        let now = Date().timeIntervalSince1970
        let insert = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO delivery (channel, event_id, created_at, payload, next_attempt_at) VALUES (?, ?, ?, ?, ?)
            """)
        for row in rows {
            let id: Int64 = row["id"]
            let payload: String = row["payload"]
            let event = try JSONDecoder().decode(ChangeEvent.self, from: Data(payload.utf8))
            for channel in channels where channel.wants(event.kind, site: event.site) {
                try insert.execute(arguments: [channel.name, id, row["created_at"], payload, now])
            }
        }
        try db.cachedStatement(sql: "UPDATE event SET routed = 1 WHERE routed = 0").execute()
    }
}
