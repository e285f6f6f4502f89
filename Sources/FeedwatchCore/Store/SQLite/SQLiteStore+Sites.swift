import GRDB

extension SQLiteStore {
    public func startSync(name: String, url: String, types: [String]) async throws(StoreError) -> SiteSyncState {
        let known = try await read("reading site \(name)") { db -> SiteSyncState? in
            guard let record = try Self.site(named: name, in: db), record.url == url else { return nil }
            return SiteSyncState(record: record, collections: try Self.collectionStates(siteID: record.id, types: types, in: db))
        }
        if let known { return known }
        return try await write("registering site \(name)") { db in
            try db.run("""
                INSERT INTO site (name, url) VALUES (?, ?)
                ON CONFLICT(name) DO UPDATE SET url = excluded.url,
                    rest_root = CASE WHEN site.url = excluded.url THEN site.rest_root END
                """, [name, url])
            guard let record = try Self.site(named: name, in: db) else {
                throw DatabaseError(resultCode: .SQLITE_INTERNAL, message: "site \(name) vanished after insertion")
            }
            return SiteSyncState(record: record, collections: try Self.collectionStates(siteID: record.id, types: types, in: db))
        }
    }

    public func saveRESTRoot(_ root: String?, siteID: Int64) async throws(StoreError) {
        try await write("saving the REST root") { db in
            try db.run("UPDATE site SET rest_root = ? WHERE id = ?", [root, siteID])
        }
    }

    static func site(named name: String, in db: Database) throws -> SiteRecord? {
        guard let row = try db.row("SELECT * FROM site WHERE name = ?", [name]) else { return nil }
        return SiteRecord(
            id: row["id"], name: row["name"], url: row["url"], restRoot: row["rest_root"],
            baselined: (row["baselined_at"] as String?) != nil, failuresInRow: row["failures_in_row"])
    }
}
