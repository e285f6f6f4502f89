extension PostgresStore {
    public func startSync(name: String, url: String, types: [String]) async throws(StoreError) -> SiteSyncState {
        let known = try await read("reading site \(name)") { connection -> SiteSyncState? in
            guard let record = try Self.site(named: name, in: connection), record.url == url else { return nil }
            return SiteSyncState(record: record, collections: try Self.collectionStates(siteID: record.id, types: types, in: connection))
        }
        if let known { return known }
        return try await write("registering site \(name)") { connection in
            try connection.run("""
                INSERT INTO site (name, url) VALUES ($1, $2)
                ON CONFLICT (name) DO UPDATE SET url = excluded.url,
                    rest_root = CASE WHEN site.url = excluded.url THEN site.rest_root END
                """, [name, url])
            guard let record = try Self.site(named: name, in: connection) else {
                throw PostgresError("site \(name) vanished after insertion")
            }
            return SiteSyncState(record: record, collections: try Self.collectionStates(siteID: record.id, types: types, in: connection))
        }
    }

    public func saveRESTRoot(_ root: String?, siteID: Int64) async throws(StoreError) {
        try await write("saving the REST root") { connection in
            try connection.run("UPDATE site SET rest_root = $1 WHERE id = $2", [root, siteID])
        }
    }

    static func site(named name: String, in connection: PostgresConnection) throws -> SiteRecord? {
        guard let row = try connection.query("""
            SELECT id, name, url, rest_root, baselined_at, failures_in_row FROM site WHERE name = $1
            """, [name]).first,
            let id = row.int64("id")
        else { return nil }
        return SiteRecord(id: id, name: name, url: row.string("url") ?? "", restRoot: row.string("rest_root"),
                          baselined: row.string("baselined_at") != nil, failuresInRow: row.int("failures_in_row") ?? 0)
    }

    public func collectionState(siteID: Int64, type: String) async throws(StoreError) -> CollectionState {
        try await read("reading the sync state of \(type)") { connection in
            try Self.collectionStates(siteID: siteID, types: [type], in: connection)[type] ?? CollectionState()
        }
    }

    static func collectionStates(siteID: Int64, types: [String], in connection: PostgresConnection) throws
        -> [String: CollectionState]
    {
        var states: [String: CollectionState] = [:]
        for type in types { states[type] = CollectionState() }
        guard !types.isEmpty else { return states }
        for row in try connection.query("""
            SELECT type, rest_base, high_water_gmt, last_reconcile_at, last_verify_at, validated_url, etag, last_modified
            FROM collection WHERE site_id = $1
            """, [siteID]).rows {
            guard let type = row.string("type"), states[type] != nil else { continue }
            states[type] = CollectionState(
                restBase: row.string("rest_base"),
                highWaterGMT: row.string("high_water_gmt"),
                lastReconcile: Timestamp.date(row.string("last_reconcile_at")),
                lastVerify: Timestamp.date(row.string("last_verify_at")),
                validators: row.string("validated_url").map {
                    Validators(url: $0, etag: row.string("etag"), lastModified: row.string("last_modified"))
                })
        }
        return states
    }

    public func storedStamps(siteID: Int64, type: String) async throws(StoreError) -> [Int: PostStamp] {
        try await read("reading stored posts of \(type)") { connection in
            Self.stamps(try connection.query("""
                SELECT post_id, modified_gmt, state, recheck FROM post WHERE site_id = $1 AND type = $2
                """, [siteID, type]))
        }
    }

    public func storedStamps(siteID: Int64, type: String, ids: [Int]) async throws(StoreError) -> [Int: PostStamp] {
        guard !ids.isEmpty else { return [:] }
        return try await read("reading stored posts of \(type)") { connection in
            Self.stamps(try connection.query("""
                SELECT post_id, modified_gmt, state, recheck FROM post
                WHERE site_id = $1 AND type = $2 AND post_id = ANY($3::bigint[])
                """, [siteID, type, PostgresArray.integers(ids)]))
        }
    }

    private static func stamps(_ result: PostgresResult) -> [Int: PostStamp] {
        var stamps: [Int: PostStamp] = [:]
        for row in result.rows {
            guard let id = row.int("post_id") else { continue }
            stamps[id] = PostStamp(modifiedGMT: row.string("modified_gmt"),
                                   state: row.string("state").flatMap(PostState.init(rawValue:)) ?? .public,
                                   recheck: row.bool("recheck") ?? false)
        }
        return stamps
    }

    public func saveValidators(_ validators: Validators?, siteID: Int64, type: String) async throws(StoreError) {
        try await write("saving validators of \(type)") { connection in
            try connection.run("""
                INSERT INTO collection (site_id, type, validated_url, etag, last_modified) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (site_id, type) DO UPDATE SET validated_url = excluded.validated_url, etag = excluded.etag,
                    last_modified = excluded.last_modified
                """, [siteID, type, validators?.url, validators?.etag, validators?.lastModified])
        }
    }

    public func saveRESTBase(_ restBase: String, siteID: Int64, type: String) async throws(StoreError) {
        try await write("saving the REST route of \(type)") { connection in
            try connection.run("""
                INSERT INTO collection (site_id, type, rest_base) VALUES ($1, $2, $3)
                ON CONFLICT (site_id, type) DO UPDATE SET rest_base = excluded.rest_base
                """, [siteID, type, restBase])
        }
    }

    public func recordPass(
        siteID: Int64, type: String, reconciled: Bool, verified: Bool, highWater: String?
    ) async throws(StoreError) {
        let now = Timestamp.now()
        try await write("recording a pass over \(type)") { connection in
            if let highWater { try Self.advanceHighWater(to: highWater, siteID: siteID, type: type, in: connection) }
            try connection.run("""
                INSERT INTO collection (site_id, type, last_reconcile_at, last_verify_at)
                VALUES ($1, $2, CASE WHEN $3::boolean THEN $5 END, CASE WHEN $4::boolean THEN $5 END)
                ON CONFLICT (site_id, type) DO UPDATE SET
                    last_reconcile_at = coalesce(excluded.last_reconcile_at, collection.last_reconcile_at),
                    last_verify_at = coalesce(excluded.last_verify_at, collection.last_verify_at)
                """, [siteID, type, reconciled, verified, now])
        }
    }

    /// Moves the high-water mark forward, never back, inside the caller's transaction.
    static func advanceHighWater(to mark: String, siteID: Int64, type: String, in connection: PostgresConnection) throws {
        try connection.run("""
            INSERT INTO collection (site_id, type, high_water_gmt) VALUES ($1, $2, $3)
            ON CONFLICT (site_id, type) DO UPDATE SET high_water_gmt = excluded.high_water_gmt
                WHERE collection.high_water_gmt IS NULL OR collection.high_water_gmt < excluded.high_water_gmt
            """, [siteID, type, mark])
    }
}
