#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `StoreTransaction` in PostgreSQL: one transaction on one connection. The
/// post rows it reads are locked (`FOR UPDATE`) until it ends, so two daemons
/// never number versions of one post at once. Each event it adds to the
/// outbox is queued in it for the notify channels that want it.
final class PostgresTransaction: StoreTransaction {
    let connection: PostgresConnection
    private let channels: [NotifyChannel]
    /// The daemon committing: the events it adds are its to report.
    private let node: String
    private var contents = PostgresContents()

    init(_ connection: PostgresConnection, channels: [NotifyChannel], node: String) {
        self.connection = connection
        self.channels = channels
        self.node = node
    }

    func site(named name: String) throws -> SiteRecord? {
        try PostgresStore.site(named: name, in: connection)
    }

    private static let stateColumns = "post_id, version, modified_gmt, hash, field_hashes, state, was_public, normalizer, recheck"

    func storedState(of key: PostKey) throws -> StoredPostState? {
        try connection.query("""
            SELECT \(Self.stateColumns) FROM post WHERE site_id = $1 AND type = $2 AND post_id = $3 FOR UPDATE
            """, [key.siteID, key.type, key.id]).first.map(Self.storedState)
    }

    func storedStates(of ids: [Int], siteID: Int64, type: String) throws -> [Int: StoredPostState] {
        guard !ids.isEmpty else { return [:] }
        var states: [Int: StoredPostState] = [:]
        // Locked in id order, as every writer locks them, so two never wait on each other.
        for row in try connection.query("""
            SELECT \(Self.stateColumns) FROM post WHERE site_id = $1 AND type = $2 AND post_id = ANY($3::bigint[])
            ORDER BY post_id FOR UPDATE
            """, [siteID, type, PostgresArray.integers(ids)]).rows {
            guard let id = row.int("post_id") else { continue }
            states[id] = Self.storedState(row)
        }
        return states
    }

    private static func storedState(_ row: PostgresRow) -> StoredPostState {
        let fingerprint = PostFingerprint(hash: row.string("hash") ?? "",
                                          fieldHashes: SnapshotCoding.decodeHashes(row.string("field_hashes") ?? ""))
        return StoredPostState(modifiedGMT: row.string("modified_gmt"), fingerprint: fingerprint,
                               version: row.int("version") ?? 0,
                               state: row.string("state").flatMap(PostState.init(rawValue:)) ?? .public,
                               wasPublic: row.bool("was_public") ?? false, normalizer: row.string("normalizer"),
                               recheck: row.bool("recheck") ?? false)
    }

    func storedHeader(of key: PostKey) throws -> StoredPostHeader? {
        guard let row = try connection.query("""
            SELECT version, modified_gmt, hash, title, link, state FROM post
            WHERE site_id = $1 AND type = $2 AND post_id = $3 FOR UPDATE
            """, [key.siteID, key.type, key.id]).first,
            let state = row.string("state").flatMap(PostState.init(rawValue:))
        else { return nil }
        return StoredPostHeader(version: row.int("version") ?? 0, modifiedGMT: row.string("modified_gmt"),
                                hash: row.string("hash") ?? "", title: row.string("title") ?? "",
                                link: row.string("link") ?? "", state: state)
    }

    func snapshot(of key: PostKey, version: Int) throws -> PostSnapshot? {
        guard let ids = try connection.query("""
            SELECT content_ids FROM version WHERE site_id = $1 AND type = $2 AND post_id = $3 AND number = $4
            """, [key.siteID, key.type, key.id, version]).first?.string("content_ids")
        else { return nil }
        return try PostgresContents.snapshot(ids: ids, in: connection)
    }

    func postCount(siteID: Int64) throws -> Int {
        try connection.query("SELECT count(*) AS n FROM post WHERE site_id = $1", [siteID]).first?.int("n") ?? 0
    }

    func storeVersion(
        _ number: Int, of post: FetchedPost, key: PostKey, change: String, changed: [TrackedField], title: String,
        at now: String
    ) throws {
        let state = post.state
        try connection.run("""
            INSERT INTO post (site_id, type, post_id, version, modified_gmt, hash, field_hashes, title, link,
                              first_seen_at, last_seen_at, state, was_public, normalizer, recheck)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12, $13, $14)
            ON CONFLICT (site_id, type, post_id) DO UPDATE SET version = excluded.version,
                modified_gmt = excluded.modified_gmt, hash = excluded.hash, field_hashes = excluded.field_hashes,
                title = excluded.title, link = excluded.link, last_seen_at = excluded.last_seen_at,
                state = excluded.state, was_public = post.was_public OR excluded.was_public,
                normalizer = excluded.normalizer, recheck = excluded.recheck
            """, [key.siteID, key.type, key.id, number, post.modifiedGMT, post.fingerprint.hash,
                  SnapshotCoding.encode(post.fingerprint.fieldHashes), title, post.snapshot[.link], now,
                  state.rawValue, state == .public, post.normalizerKey, post.recheck])
        let ids = try contents.ids(of: post.snapshot, hashes: post.textHashes, stored: post.storedTexts, in: connection)
        try connection.run("""
            INSERT INTO version (site_id, type, post_id, number, seen_at, modified_gmt, hash, change, changed_fields,
                                 content_ids)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            """, [key.siteID, key.type, key.id, number, now, post.modifiedGMT, post.fingerprint.hash,
                  change, changed.map(\.rawValue).joined(separator: ","), ids])
    }

    func saveTouch(of key: PostKey, modifiedGMT: String?, recheck: Bool, at now: String) throws {
        try connection.run("""
            UPDATE post SET modified_gmt = $1, last_seen_at = $2, recheck = $3 WHERE site_id = $4 AND type = $5 AND post_id = $6
            """, [modifiedGMT, now, recheck, key.siteID, key.type, key.id])
    }

    func saveRecheck(_ recheck: Bool, of key: PostKey) throws {
        try connection.run("UPDATE post SET recheck = $1 WHERE site_id = $2 AND type = $3 AND post_id = $4",
                             [recheck, key.siteID, key.type, key.id])
    }

    func saveFingerprint(_ fingerprint: PostFingerprint, normalizer: String?, of key: PostKey) throws {
        try connection.run("""
            UPDATE post SET hash = $1, field_hashes = $2, normalizer = $3 WHERE site_id = $4 AND type = $5 AND post_id = $6
            """, [fingerprint.hash, SnapshotCoding.encode(fingerprint.fieldHashes), normalizer, key.siteID, key.type, key.id])
    }

    func addRawTexts(of post: FetchedPost, to key: PostKey, version: Int) throws {
        let ids = try contents.rawIDs(of: post.snapshot, in: connection).joined(separator: ",")
        try connection.run("""
            UPDATE version SET content_ids = content_ids || ',' || $1
            WHERE site_id = $2 AND type = $3 AND post_id = $4 AND number = $5
            """, [ids, key.siteID, key.type, key.id, version])
    }

    func saveState(_ state: PostState, of key: PostKey, at now: String) throws {
        try connection.run("UPDATE post SET state = $1, last_seen_at = $2 WHERE site_id = $3 AND type = $4 AND post_id = $5",
                             [state.rawValue, now, key.siteID, key.type, key.id])
    }

    func advanceHighWater(to mark: String, siteID: Int64, type: String) throws {
        try PostgresStore.advanceHighWater(to: mark, siteID: siteID, type: type, in: connection)
    }

    func saveSuccess(siteID: Int64, at now: String) throws {
        try connection.run("""
            UPDATE site SET baselined_at = coalesce(baselined_at, $1), last_attempt_at = $1, last_success_at = $1,
                last_error = NULL, failures_in_row = 0 WHERE id = $2
            """, [now, siteID])
    }

    func saveFailure(siteID: Int64, error: String, at now: String) throws -> Int {
        try connection.query("""
            UPDATE site SET last_attempt_at = $1, last_error = $2, failures_in_row = failures_in_row + 1 WHERE id = $3
            RETURNING failures_in_row
            """, [now, error, siteID]).first?.int("failures_in_row") ?? 0
    }

    func enqueue(_ event: ChangeEvent, siteID: Int64, at now: String) throws -> PendingEvent {
        let payload = String(decoding: try JSONEncoder().encode(event), as: UTF8.self)
        let id = try connection.query(
            "INSERT INTO event (site_id, created_at, payload, node) VALUES ($1, $2, $3, $4) RETURNING id",
            [siteID, now, payload, node]).first?.int64("id")
        guard let id else { throw PostgresError("INSERT INTO event returned no id") }
        let attemptAt = Date().timeIntervalSince1970
        for channel in channels where channel.wants(event.kind, site: event.site) {
            try connection.run("""
                INSERT INTO delivery (channel, event_id, created_at, payload, next_attempt_at) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT DO NOTHING
                """, [channel.name, id, now, payload, attemptAt])
        }
        return PendingEvent(id: id, event: event, createdAt: now)
    }
}
