import GRDB

/// `StoreTransaction` in SQLite: one of the writer's transactions.
final class SQLiteTransaction: StoreTransaction {
    let db: Database
    /// Content ids looked up in this transaction.
    private var contents = ContentTable()

    init(_ db: Database) {
        self.db = db
    }

    func site(named name: String) throws -> SiteRecord? {
        try SQLiteStore.site(named: name, in: db)
    }

    func storedState(of key: PostKey) throws -> StoredPostState? {
        guard let row = try db.row("""
            SELECT version, modified_gmt, hash, field_hashes, state, was_public, normalizer, recheck FROM post
            WHERE site_id = ? AND type = ? AND post_id = ?
            """, [key.siteID, key.type, key.id])
        else { return nil }
        return Self.storedState(row)
    }

    func storedStates(of ids: [Int], siteID: Int64, type: String) throws -> [Int: StoredPostState] {
        guard !ids.isEmpty else { return [:] }
        let rows = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT post_id, version, modified_gmt, hash, field_hashes, state, was_public, normalizer, recheck FROM post
            WHERE site_id = ? AND type = ? AND post_id IN (SELECT value FROM json_each(?))
            """), arguments: [siteID, type, "[" + ids.map(String.init).joined(separator: ",") + "]"])
        var states: [Int: StoredPostState] = [:]
        while let row = try rows.next() { states[row["post_id"]] = Self.storedState(row) }
        return states
    }

    private static func storedState(_ row: Row) -> StoredPostState {
        let fingerprint = PostFingerprint(hash: row["hash"], fieldHashes: SnapshotCoding.decodeHashes(row["field_hashes"]))
        return StoredPostState(modifiedGMT: row["modified_gmt"], fingerprint: fingerprint, version: row["version"],
                               state: PostState(rawValue: row["state"]) ?? .public, wasPublic: row["was_public"],
                               normalizer: row["normalizer"], recheck: row["recheck"])
    }

    func storedHeader(of key: PostKey) throws -> StoredPostHeader? {
        guard let row = try db.row("""
            SELECT version, modified_gmt, hash, title, link, state FROM post WHERE site_id = ? AND type = ? AND post_id = ?
            """, [key.siteID, key.type, key.id]),
            let state = PostState(rawValue: row["state"])
        else { return nil }
        return StoredPostHeader(version: row["version"], modifiedGMT: row["modified_gmt"], hash: row["hash"],
                                title: row["title"], link: row["link"], state: state)
    }

    func snapshot(of key: PostKey, version: Int) throws -> PostSnapshot? {
        guard let ids = try String.fetchOne(db.cachedStatement(sql: """
            SELECT content_ids FROM version WHERE site_id = ? AND type = ? AND post_id = ? AND number = ?
            """), arguments: [key.siteID, key.type, key.id, version])
        else { return nil }
        return try ContentTable.snapshot(ids: ids, in: db)
    }

    func postCount(siteID: Int64) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM post WHERE site_id = ?"), arguments: [siteID]) ?? 0
    }

    func storeVersion(
        _ number: Int, of post: FetchedPost, key: PostKey, change: String, changed: [TrackedField], title: String,
        at now: String
    ) throws {
        let state = post.state
        try db.run("""
            INSERT INTO post (site_id, type, post_id, version, modified_gmt, hash, field_hashes, title, link,
                              first_seen_at, last_seen_at, state, was_public, normalizer, recheck)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (site_id, type, post_id) DO UPDATE SET version = excluded.version,
                modified_gmt = excluded.modified_gmt, hash = excluded.hash, field_hashes = excluded.field_hashes,
                title = excluded.title, link = excluded.link, last_seen_at = excluded.last_seen_at,
                state = excluded.state, was_public = post.was_public OR excluded.was_public,
                normalizer = excluded.normalizer, recheck = excluded.recheck
            """, [key.siteID, key.type, key.id, number, post.modifiedGMT, post.fingerprint.hash,
                  SnapshotCoding.encode(post.fingerprint.fieldHashes), title, post.snapshot[.link], now, now,
                  state.rawValue, state == .public, post.normalizerKey, post.recheck])
        try db.run("""
            INSERT INTO version (site_id, type, post_id, number, seen_at, modified_gmt, hash, change, changed_fields,
                                 content_ids)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [key.siteID, key.type, key.id, number, now, post.modifiedGMT, post.fingerprint.hash,
                  change, changed.map(\.rawValue).joined(separator: ","),
                  try contents.ids(of: post.snapshot, hashes: post.textHashes, stored: post.storedTexts,
                                   likelyNew: post.likelyNew, in: db)])
    }

    func saveTouch(of key: PostKey, modifiedGMT: String?, recheck: Bool, at now: String) throws {
        try db.run("""
            UPDATE post SET modified_gmt = ?, last_seen_at = ?, recheck = ? WHERE site_id = ? AND type = ? AND post_id = ?
            """, [modifiedGMT, now, recheck, key.siteID, key.type, key.id])
    }

    func saveRecheck(_ recheck: Bool, of key: PostKey) throws {
        try db.run("UPDATE post SET recheck = ? WHERE site_id = ? AND type = ? AND post_id = ?",
                   [recheck, key.siteID, key.type, key.id])
    }

    func saveFingerprint(_ fingerprint: PostFingerprint, normalizer: String?, of key: PostKey) throws {
        try db.run("UPDATE post SET hash = ?, field_hashes = ?, normalizer = ? WHERE site_id = ? AND type = ? AND post_id = ?",
                   [fingerprint.hash, SnapshotCoding.encode(fingerprint.fieldHashes), normalizer,
                    key.siteID, key.type, key.id])
    }

    func addRawTexts(of post: FetchedPost, to key: PostKey, version: Int) throws {
        let ids = try contents.rawIDs(of: post.snapshot, in: db).joined(separator: ",")
        try db.run("""
            UPDATE version SET content_ids = content_ids || ',' || ?
            WHERE site_id = ? AND type = ? AND post_id = ? AND number = ?
            """, [ids, key.siteID, key.type, key.id, version])
    }

    func saveState(_ state: PostState, of key: PostKey, at now: String) throws {
        try db.run("UPDATE post SET state = ?, last_seen_at = ? WHERE site_id = ? AND type = ? AND post_id = ?",
                   [state.rawValue, now, key.siteID, key.type, key.id])
    }

    func advanceHighWater(to mark: String, siteID: Int64, type: String) throws {
        try SQLiteStore.advanceHighWater(to: mark, siteID: siteID, type: type, in: db)
    }

    func saveSuccess(siteID: Int64, at now: String) throws {
        try db.run("""
            UPDATE site SET baselined_at = coalesce(baselined_at, ?), last_attempt_at = ?, last_success_at = ?,
                last_error = NULL, failures_in_row = 0 WHERE id = ?
            """, [now, now, now, siteID])
    }

    func saveFailure(siteID: Int64, error: String, at now: String) throws -> Int {
        try Int.fetchOne(db, sql: """
            UPDATE site SET last_attempt_at = ?, last_error = ?, failures_in_row = failures_in_row + 1 WHERE id = ?
            RETURNING failures_in_row
            """, arguments: [now, error, siteID]) ?? 0
    }

    func enqueue(_ event: ChangeEvent, siteID: Int64, at now: String) throws -> PendingEvent {
        try SQLiteStore.enqueue(event, siteID: siteID, at: now, in: db)
    }
}
