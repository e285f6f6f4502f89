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
        try await write("storing posts of \(site.name)") { db in
            if let highWater { try Self.advanceHighWater(to: highWater, siteID: site.id, type: type, in: db) }
            let now = Timestamp.now()
            let baselined = try Self.site(named: site.name, in: db)?.baselined ?? site.baselined
            var events: [PendingEvent] = []
            for post in posts {
                let stored = try Self.storedState(site: site.id, type: type, id: post.id, in: db)
                let change = ChangeClassifier.classify(
                    modifiedGMT: post.modifiedGMT, fingerprint: post.fingerprint, stored: stored, siteBaselined: baselined)
                guard let event = try Self.apply(change, to: post, stored: stored, type: type, site: site, at: now, in: db)
                else { continue }
                events.append(try Self.enqueue(event, siteID: site.id, at: now, in: db))
            }
            return events
        }
    }

    private static func apply(
        _ change: PostChange, to post: FetchedPost, stored: StoredPostState?, type: String, site: SiteRecord,
        at now: String, in db: Database
    ) throws -> ChangeEvent? {
        let title = HTMLText.plain(post.snapshot[.title])
        let link = post.snapshot[.link]
        var event = ChangeEvent(kind: .new, site: site.name, siteURL: site.url)
        event.postType = type
        event.postID = post.id
        event.postURL = link.isEmpty ? nil : link
        event.title = title
        event.modifiedGMT = post.modifiedGMT
        event.hash = post.fingerprint.hash
        event.previousModifiedGMT = stored?.modifiedGMT
        event.previousHash = stored?.fingerprint.hash
        switch change {
        case .unchanged:
            return nil
        case .touched:
            try db.cachedStatement(
                sql: "UPDATE post SET modified_gmt = ?, last_seen_at = ? WHERE site_id = ? AND type = ? AND post_id = ?"
            ).execute(arguments: [post.modifiedGMT, now, site.id, type, post.id])
            event.kind = .touched
            event.version = stored?.version
            return event
        case .baseline, .new, .revised, .silentEdit:
            let number = (stored?.version ?? 0) + 1
            let changed: [TrackedField]
            switch change {
            case .revised(let fields): event.kind = .revised; changed = fields
            case .silentEdit(let fields): event.kind = .silentEdit; changed = fields
            default: changed = []
            }
            try storeVersion(number, of: post, change: change, changed: changed, title: title, type: type,
                             siteID: site.id, at: now, in: db)
            event.version = number
            event.changedFields = changed.isEmpty ? nil : changed
            return change == .baseline ? nil : event
        }
    }

    private static func storeVersion(
        _ number: Int, of post: FetchedPost, change: PostChange, changed: [TrackedField], title: String, type: String,
        siteID: Int64, at now: String, in db: Database
    ) throws {
        let fieldHashes = SnapshotCoding.encode(post.fingerprint.fieldHashes)
        let fields = SnapshotCoding.encode(post.snapshot)
        try db.cachedStatement(sql: """
            INSERT INTO post (site_id, type, post_id, version, modified_gmt, hash, field_hashes, title, link,
                              first_seen_at, last_seen_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (site_id, type, post_id) DO UPDATE SET version = excluded.version,
                modified_gmt = excluded.modified_gmt, hash = excluded.hash, field_hashes = excluded.field_hashes,
                title = excluded.title, link = excluded.link, last_seen_at = excluded.last_seen_at
            """).execute(arguments: [siteID, type, post.id, number, post.modifiedGMT, post.fingerprint.hash, fieldHashes,
                                     title, post.snapshot[.link], now, now])
        try db.cachedStatement(sql: """
            INSERT INTO version (site_id, type, post_id, number, seen_at, modified_gmt, hash, field_hashes, fields,
                                 change, changed_fields)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [siteID, type, post.id, number, now, post.modifiedGMT, post.fingerprint.hash,
                                     fieldHashes, fields, changeName(change), changed.map(\.rawValue).joined(separator: ",")])
    }

    private static func changeName(_ change: PostChange) -> String {
        switch change {
        case .baseline: "baseline"
        case .new: EventKind.new.rawValue
        case .revised: EventKind.revised.rawValue
        case .silentEdit: EventKind.silentEdit.rawValue
        case .touched: EventKind.touched.rawValue
        case .unchanged: "unchanged"
        }
    }

    static func storedState(site: Int64, type: String, id: Int, in db: Database) throws -> StoredPostState? {
        let statement = try db.cachedStatement(sql: """
            SELECT version, modified_gmt, hash, field_hashes FROM post WHERE site_id = ? AND type = ? AND post_id = ?
            """)
        guard let row = try Row.fetchOne(statement, arguments: [site, type, id]) else { return nil }
        let fingerprint = PostFingerprint(hash: row["hash"], fieldHashes: SnapshotCoding.decodeHashes(row["field_hashes"]))
        return StoredPostState(modifiedGMT: row["modified_gmt"], fingerprint: fingerprint, version: row["version"])
    }
}
