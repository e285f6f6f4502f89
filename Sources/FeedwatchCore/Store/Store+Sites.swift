import GRDB

extension Store {
    /// After this many failed syncs in a row a site is reported as failing.
    public static let failingThreshold = 3

    /// The site's record, created on first sight; a changed URL forgets the
    /// discovered REST root.
    public func registerSite(name: String, url: String) async throws(StoreError) -> SiteRecord {
        // Read first: a known site with the same address needs no write transaction.
        if let known = try await read("reading site \(name)", { db in try Self.site(named: name, in: db) }), known.url == url {
            return known
        }
        return try await write("registering site \(name)") { db in
            try db.run("""
                INSERT INTO site (name, url) VALUES (?, ?)
                ON CONFLICT(name) DO UPDATE SET url = excluded.url,
                    rest_root = CASE WHEN site.url = excluded.url THEN site.rest_root END
                """, [name, url])
            guard let site = try Self.site(named: name, in: db) else {
                throw DatabaseError(resultCode: .SQLITE_INTERNAL, message: "site \(name) vanished after insertion")
            }
            return site
        }
    }

    public func saveRESTRoot(_ root: String?, siteID: Int64) async throws(StoreError) {
        try await write("saving the REST root") { db in
            try db.run("UPDATE site SET rest_root = ? WHERE id = ?", [root, siteID])
        }
    }

    /// Records a complete sync: the first one stores the `baseline` event, one
    /// after a run of failures stores `site-recovered`.
    public func recordSuccess(of site: SiteRecord) async throws(StoreError) -> [PendingEvent] {
        let events = try await write("recording a successful sync of \(site.name)") { db -> [PendingEvent] in
            let now = Timestamp.now()
            guard let current = try Self.site(named: site.name, in: db) else { return [] }
            var events: [PendingEvent] = []
            if !current.baselined {
                let count = try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM post WHERE site_id = ?"),
                                             arguments: [site.id]) ?? 0
                var event = ChangeEvent(kind: .baseline, site: site.name, siteURL: site.url)
                event.postCount = count
                events.append(try Self.enqueue(event, siteID: site.id, at: now, in: db))
            }
            if current.failuresInRow >= Self.failingThreshold {
                events.append(try Self.enqueue(ChangeEvent(kind: .siteRecovered, site: site.name, siteURL: site.url),
                                               siteID: site.id, at: now, in: db))
            }
            try db.run("""
                UPDATE site SET baselined_at = coalesce(baselined_at, ?), last_attempt_at = ?, last_success_at = ?,
                    last_error = NULL, failures_in_row = 0 WHERE id = ?
                """, [now, now, now, site.id])
            return events
        }
        clearWriteFailure()
        return events
    }

    /// Records a failed sync; the third in a row stores `site-failing`, once.
    public func recordFailure(of site: SiteRecord, error: String) async throws(StoreError) -> [PendingEvent] {
        try await write("recording a failed sync of \(site.name)") { db in
            let now = Timestamp.now()
            try db.run("""
                UPDATE site SET last_attempt_at = ?, last_error = ?, failures_in_row = failures_in_row + 1 WHERE id = ?
                """, [now, error, site.id])
            guard let current = try Self.site(named: site.name, in: db),
                  current.failuresInRow == Self.failingThreshold
            else { return [] }
            var event = ChangeEvent(kind: .siteFailing, site: site.name, siteURL: site.url)
            event.error = error
            return [try Self.enqueue(event, siteID: site.id, at: now, in: db)]
        }
    }

    static func site(named name: String, in db: Database) throws -> SiteRecord? {
        guard let row = try db.row("SELECT * FROM site WHERE name = ?", [name]) else { return nil }
        return SiteRecord(
            id: row["id"], name: row["name"], url: row["url"], restRoot: row["rest_root"],
            baselined: (row["baselined_at"] as String?) != nil, failuresInRow: row["failures_in_row"])
    }
}
