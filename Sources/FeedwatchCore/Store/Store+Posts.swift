import GRDB

extension Store {
    /// Compares one page of fetched posts with the stored versions and stores
    /// what changed, with the events that report it, in one transaction: a
    /// version is never half written and never reported without being stored.
    ///
    /// - Parameter highWater: the collection's new high-water mark, moved
    ///   forward in the same transaction, so it never passes an uncommitted post.
    public func record(
        _ posts: [FetchedPost], type: String, site: SiteRecord, highWater: String? = nil
    ) async throws(StoreError) -> [PendingEvent] {
        try await batchedWrite("storing posts of \(site.name)") { db in
            if let highWater { try Self.advanceHighWater(to: highWater, siteID: site.id, type: type, in: db) }
            let now = Timestamp.now()
            let baselined = try Self.site(named: site.name, in: db)?.baselined ?? site.baselined
            var contents = ContentTable()
            var events: [PendingEvent] = []
            // The page's stored states in one query; a post that comes twice in
            // a page is looked up again, after its first write.
            let states = try Self.storedStates(of: posts.map(\.id), siteID: site.id, type: type, in: db)
            var seen = Set<Int>()
            for post in posts {
                let key = PostKey(siteID: site.id, type: type, id: post.id)
                var stored = try seen.insert(post.id).inserted ? states[post.id] : Self.storedState(of: key, in: db)
                var fingerprint = post.fingerprint
                var adoptsRaw = false
                if let outdated = stored, outdated.normalizer != post.normalizerKey {
                    stored = try Self.refingerprint(outdated, of: key, with: post.normalizer, raw: post.snapshot.hasRaw, in: db)
                    if stored?.normalizer != post.normalizerKey {
                        // Stored before feedwatch kept the author's raw text: compared on the
                        // rendered fields, as it was hashed then.
                        fingerprint = PostFingerprint(post.snapshot, normalizer: post.normalizer, usingRaw: false)
                        adoptsRaw = true
                    }
                }
                let change = ChangeClassifier.classify(
                    modifiedGMT: post.modifiedGMT, fingerprint: fingerprint, state: post.state, stored: stored,
                    siteBaselined: baselined)
                if adoptsRaw, let version = stored?.version, change == .unchanged || change == .touched {
                    try Self.adoptRaw(of: post, key: key, version: version, contents: &contents, in: db)
                    stored?.fingerprint = post.fingerprint
                    stored?.normalizer = post.normalizerKey
                }
                guard let event = try Self.apply(change, to: post, stored: stored, key: key, site: site, at: now,
                                                 contents: &contents, in: db)
                else { continue }
                events.append(try Self.enqueue(event, siteID: site.id, at: now, in: db))
            }
            return events
        }
    }

    private static func apply(
        _ change: PostChange, to post: FetchedPost, stored: StoredPostState?, key: PostKey, site: SiteRecord,
        at now: String, contents: inout ContentTable, in db: Database
    ) throws -> ChangeEvent? {
        let title = post.titleText
        let link = post.snapshot[.link]
        var event = ChangeEvent(kind: .new, site: site.name, siteURL: site.url)
        event.postType = key.type
        event.postID = post.id
        event.postURL = link.isEmpty ? nil : link
        event.title = title
        event.modifiedGMT = post.modifiedGMT
        event.hash = post.fingerprint.hash
        event.previousModifiedGMT = stored?.modifiedGMT
        event.previousHash = stored?.fingerprint.hash
        let changed: [TrackedField]
        switch change {
        case .unchanged:
            if stored?.recheck != post.recheck {
                try db.run("UPDATE post SET recheck = ? WHERE site_id = ? AND type = ? AND post_id = ?",
                           [post.recheck, key.siteID, key.type, key.id])
            }
            return nil
        case .touched:
            try db.run("""
                UPDATE post SET modified_gmt = ?, last_seen_at = ?, recheck = ? WHERE site_id = ? AND type = ? AND post_id = ?
                """, [post.modifiedGMT, now, post.recheck, key.siteID, key.type, key.id])
            event.kind = .touched
            event.version = stored?.version
            return event
        case .baseline, .new:
            changed = []
        case .revised(let fields), .silentEdit(let fields), .deleted(let fields), .unpublished(let fields),
             .restored(let fields):
            changed = fields
        }
        let number = (stored?.version ?? 0) + 1
        try storeVersion(number, of: post, key: key, change: change, changed: changed, title: title, at: now,
                         contents: &contents, in: db)
        guard let kind = change.eventKind else { return nil }
        event.kind = kind
        event.version = number
        event.changedFields = changed.isEmpty ? nil : changed
        return event
    }

    private static func storeVersion(
        _ number: Int, of post: FetchedPost, key: PostKey, change: PostChange, changed: [TrackedField], title: String,
        at now: String, contents: inout ContentTable, in db: Database
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
                  change.eventKind?.rawValue ?? "baseline", changed.map(\.rawValue).joined(separator: ","),
                  try contents.ids(of: post.snapshot, hashes: post.textHashes, stored: post.storedTexts,
                                   likelyNew: post.likelyNew, in: db)])
    }

    static func storedState(of key: PostKey, in db: Database) throws -> StoredPostState? {
        guard let row = try db.row("""
            SELECT version, modified_gmt, hash, field_hashes, state, was_public, normalizer, recheck FROM post
            WHERE site_id = ? AND type = ? AND post_id = ?
            """, [key.siteID, key.type, key.id])
        else { return nil }
        return storedState(row)
    }

    /// The stored states of those of `ids` that are stored, by id.
    static func storedStates(of ids: [Int], siteID: Int64, type: String, in db: Database) throws -> [Int: StoredPostState] {
        guard !ids.isEmpty else { return [:] }
        let rows = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT post_id, version, modified_gmt, hash, field_hashes, state, was_public, normalizer, recheck FROM post
            WHERE site_id = ? AND type = ? AND post_id IN (SELECT value FROM json_each(?))
            """), arguments: [siteID, type, "[" + ids.map(String.init).joined(separator: ",") + "]"])
        var states: [Int: StoredPostState] = [:]
        while let row = try rows.next() { states[row["post_id"]] = storedState(row) }
        return states
    }

    private static func storedState(_ row: Row) -> StoredPostState {
        let fingerprint = PostFingerprint(hash: row["hash"], fieldHashes: SnapshotCoding.decodeHashes(row["field_hashes"]))
        return StoredPostState(modifiedGMT: row["modified_gmt"], fingerprint: fingerprint, version: row["version"],
                               state: PostState(rawValue: row["state"]) ?? .public, wasPublic: row["was_public"],
                               normalizer: row["normalizer"], recheck: row["recheck"])
    }

    /// Hashes the newest stored version again under `normalizer` (after new
    /// `ignore` patterns or built-in rules), so that only real edits differ.
    /// - Parameter raw: hash its raw texts, if it has them (the fetched post has).
    private static func refingerprint(
        _ stored: StoredPostState, of key: PostKey, with normalizer: ContentNormalizer, raw: Bool, in db: Database
    ) throws -> StoredPostState {
        guard let ids = try String.fetchOne(db.cachedStatement(sql: """
            SELECT content_ids FROM version WHERE site_id = ? AND type = ? AND post_id = ? AND number = ?
            """), arguments: [key.siteID, key.type, key.id, stored.version])
        else { return stored }
        let snapshot = try ContentTable.snapshot(ids: ids, in: db)
        let usesRaw = raw && snapshot.hasRaw
        var updated = stored
        updated.fingerprint = PostFingerprint(snapshot, normalizer: normalizer, usingRaw: usesRaw)
        updated.normalizer = FetchedPost.key(normalizer, raw: usesRaw)
        try saveFingerprint(updated.fingerprint, normalizer: updated.normalizer, of: key, in: db)
        return updated
    }

    /// A post stored from its rendered fields, fetched unchanged with its raw
    /// texts (the first authenticated fetch after upgrading): the raw texts join
    /// the newest version and its hashes become theirs, without a new version.
    private static func adoptRaw(
        of post: FetchedPost, key: PostKey, version: Int, contents: inout ContentTable, in db: Database
    ) throws {
        let ids = try contents.rawIDs(of: post.snapshot, in: db).joined(separator: ",")
        try db.run("""
            UPDATE version SET content_ids = content_ids || ',' || ?
            WHERE site_id = ? AND type = ? AND post_id = ? AND number = ?
            """, [ids, key.siteID, key.type, key.id, version])
        try saveFingerprint(post.fingerprint, normalizer: post.normalizerKey, of: key, in: db)
    }

    /// Replaces a post's stored hashes and the normalization they were made with.
    private static func saveFingerprint(
        _ fingerprint: PostFingerprint, normalizer: String?, of key: PostKey, in db: Database
    ) throws {
        try db.run("UPDATE post SET hash = ?, field_hashes = ?, normalizer = ? WHERE site_id = ? AND type = ? AND post_id = ?",
                   [fingerprint.hash, SnapshotCoding.encode(fingerprint.fieldHashes), normalizer,
                    key.siteID, key.type, key.id])
    }
}

/// A post's identity in the store: site, REST collection, WordPress id.
struct PostKey: Hashable, Sendable {
    var siteID: Int64
    var type: String
    var id: Int
}

extension PostChange {
    /// The event reporting this change; `nil` for a baseline, reported per site.
    var eventKind: EventKind? {
        switch self {
        case .baseline, .unchanged: nil
        case .new: .new
        case .revised: .revised
        case .touched: .touched
        case .silentEdit: .silentEdit
        case .deleted: .deleted
        case .unpublished: .unpublished
        case .restored: .restored
        }
    }
}
