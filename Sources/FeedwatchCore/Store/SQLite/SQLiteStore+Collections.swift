import GRDB
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension SQLiteStore {
    public func collectionState(siteID: Int64, type: String) async throws(StoreError) -> CollectionState {
        try await read("reading the sync state of \(type)") { db in
            try Self.collectionStates(siteID: siteID, types: [type], in: db)[type] ?? CollectionState()
        }
    }

    /// The state of each of `types` (a fresh one for a collection never synced).
    static func collectionStates(siteID: Int64, types: [String], in db: Database) throws -> [String: CollectionState] {
        var states: [String: CollectionState] = [:]
        for type in types {
            guard let row = try db.row("""
                SELECT rest_base, high_water_gmt, last_reconcile_at, last_verify_at, validated_url, etag, last_modified
                FROM collection WHERE site_id = ? AND type = ?
                """, [siteID, type])
            else {
                states[type] = CollectionState()
                continue
            }
            states[type] = CollectionState(
                restBase: row["rest_base"],
                highWaterGMT: row["high_water_gmt"],
                lastReconcile: Timestamp.date(row["last_reconcile_at"]),
                lastVerify: Timestamp.date(row["last_verify_at"]),
                validators: (row["validated_url"] as String?).map {
                    Validators(url: $0, etag: row["etag"], lastModified: row["last_modified"])
                })
        }
        return states
    }

    /// The stored stamp of every post of a collection, by id.
    public func storedStamps(siteID: Int64, type: String) async throws(StoreError) -> [Int: PostStamp] {
        try await read("reading stored posts of \(type)") { db in
            var stamps: [Int: PostStamp] = [:]
            let rows = try Row.fetchCursor(
                db.cachedStatement(sql: "SELECT post_id, modified_gmt, state, recheck FROM post WHERE site_id = ? AND type = ?"),
                arguments: [siteID, type])
            while let row = try rows.next() { stamps[row["post_id"]] = PostStamp(row) }
            return stamps
        }
    }

    /// Keeps (or, with `nil`, forgets) the validators of the last incremental listing.
    public func saveValidators(_ validators: Validators?, siteID: Int64, type: String) async throws(StoreError) {
        try await write("saving validators of \(type)") { db in
            try Self.ensureCollection(siteID: siteID, type: type, in: db)
            try db.run("UPDATE collection SET validated_url = ?, etag = ?, last_modified = ? WHERE site_id = ? AND type = ?",
                       [validators?.url, validators?.etag, validators?.lastModified, siteID, type])
        }
    }

    public func saveRESTBase(_ restBase: String, siteID: Int64, type: String) async throws(StoreError) {
        try await write("saving the REST route of \(type)") { db in
            try Self.ensureCollection(siteID: siteID, type: type, in: db)
            try db.run("UPDATE collection SET rest_base = ? WHERE site_id = ? AND type = ?", [restBase, siteID, type])
        }
    }

    /// The stored stamps of some posts of a collection, by id: what an
    /// incremental sync compares one listed page with.
    public func storedStamps(siteID: Int64, type: String, ids: [Int]) async throws(StoreError) -> [Int: PostStamp] {
        guard !ids.isEmpty else { return [:] }
        let list = "[" + ids.map(String.init).joined(separator: ",") + "]"
        return try await read("reading stored posts of \(type)") { db in
            var stamps: [Int: PostStamp] = [:]
            // json_each keeps one cached statement for any number of ids.
            let rows = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT post_id, modified_gmt, state, recheck FROM post
                WHERE site_id = ? AND type = ? AND post_id IN (SELECT value FROM json_each(?))
                """), arguments: [siteID, type, list])
            while let row = try rows.next() { stamps[row["post_id"]] = PostStamp(row) }
            return stamps
        }
    }

    /// Records that a pass listing every post of the collection completed, and
    /// moves the high-water mark to the newest `modified_gmt` it saw.
    public func recordPass(
        siteID: Int64, type: String, reconciled: Bool, verified: Bool, highWater: String?
    ) async throws(StoreError) {
        let now = Timestamp.now()
        try await write("recording a pass over \(type)") { db in
            try Self.ensureCollection(siteID: siteID, type: type, in: db)
            if let highWater { try Self.advanceHighWater(to: highWater, siteID: siteID, type: type, in: db) }
            try db.run("""
                UPDATE collection SET
                    last_reconcile_at = CASE WHEN ? THEN ? ELSE last_reconcile_at END,
                    last_verify_at = CASE WHEN ? THEN ? ELSE last_verify_at END
                WHERE site_id = ? AND type = ?
                """, [reconciled, now, verified, now, siteID, type])
        }
    }

    /// Moves the high-water mark forward, never back, inside the caller's transaction.
    static func advanceHighWater(to mark: String, siteID: Int64, type: String, in db: Database) throws {
        try ensureCollection(siteID: siteID, type: type, in: db)
        try db.run("""
            UPDATE collection SET high_water_gmt = ? WHERE site_id = ? AND type = ?
                AND (high_water_gmt IS NULL OR high_water_gmt < ?)
            """, [mark, siteID, type, mark])
    }

    private static func ensureCollection(siteID: Int64, type: String, in db: Database) throws {
        try db.run("INSERT OR IGNORE INTO collection (site_id, type) VALUES (?, ?)", [siteID, type])
    }
}
