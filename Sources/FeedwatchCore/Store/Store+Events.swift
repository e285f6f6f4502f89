import GRDB
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension Store {
    /// Adds an event to the outbox inside the caller's transaction.
    static func enqueue(_ event: ChangeEvent, siteID: Int64, at time: String, in db: Database) throws -> PendingEvent {
        let payload = String(decoding: try JSONEncoder().encode(event), as: UTF8.self)
        try db.cachedStatement(sql: "INSERT INTO event (site_id, created_at, payload) VALUES (?, ?, ?)")
            .execute(arguments: [siteID, time, payload])
        return PendingEvent(id: db.lastInsertedRowID, event: event)
    }

    /// Events committed but not yet written to the journal, oldest first: after a
    /// crash these are what the previous process did not get to report.
    public func unemittedEvents(limit: Int = 1000) async throws(StoreError) -> [PendingEvent] {
        try await read("reading unreported events") { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(sql: "SELECT id, payload FROM event WHERE emitted_at IS NULL ORDER BY id LIMIT ?"),
                arguments: [limit])
            return try rows.map { row in
                let payload: String = row["payload"]
                return PendingEvent(id: row["id"], event: try JSONDecoder().decode(ChangeEvent.self, from: Data(payload.utf8)))
            }
        }
    }

    /// Removes reported events from the outbox, which so stays as small as
    /// what is waiting (the versions keep the history; ids are never reused).
    public func markEmitted(_ ids: [Int64]) async throws(StoreError) {
        guard !ids.isEmpty else { return }
        try await write("marking events as reported") { db in
            let statement = try db.cachedStatement(sql: "DELETE FROM event WHERE id = ?")
            for id in ids { try statement.execute(arguments: [id]) }
        }
    }
}
