import GRDB

extension SQLiteStore {
    /// The post's versions, oldest first; `nil` when the site or post is not stored.
    public func history(site: String, postID: Int) async throws(StoreError) -> PostHistory? {
        try await read("reading the history of \(site) post \(postID)") { db in
            guard let post = try Self.post(site: site, postID: postID, in: db) else { return nil }
            let rows = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT number, seen_at, modified_gmt, hash, change, changed_fields FROM version
                WHERE site_id = ? AND type = ? AND post_id = ? ORDER BY number
                """), arguments: [post.key.siteID, post.key.type, postID])
            return PostHistory(
                site: site, type: post.key.type, postID: postID, title: post.title, link: post.link, state: post.state,
                versions: rows.map(Self.summary))
        }
    }

    /// Some versions of a post with their texts, in the order asked; a number
    /// not stored is left out.
    public func versions(site: String, postID: Int, numbers: [Int]) async throws(StoreError) -> [StoredVersion] {
        try await read("reading versions of \(site) post \(postID)") { db in
            guard let post = try Self.post(site: site, postID: postID, in: db) else { return [] }
            return try numbers.compactMap { number in
                guard let row = try db.row("""
                    SELECT number, seen_at, modified_gmt, hash, change, changed_fields, content_ids FROM version
                    WHERE site_id = ? AND type = ? AND post_id = ? AND number = ?
                    """, [post.key.siteID, post.key.type, postID, number])
                else { return nil }
                return StoredVersion(summary: Self.summary(row),
                                     snapshot: try ContentTable.snapshot(ids: row["content_ids"], in: db))
            }
        }
    }

    private static func post(
        site: String, postID: Int, in db: Database
    ) throws -> (key: PostKey, title: String, link: String, state: PostState)? {
        // WordPress numbers every post type from one sequence: an id names one post of a site.
        guard let siteID = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM site WHERE name = ?"), arguments: [site]),
              let row = try db.row("""
                  SELECT site_id, type, title, link, state FROM post INDEXED BY post_by_id WHERE site_id = ? AND post_id = ?
                  """, [siteID, postID])
        else { return nil }
        return (PostKey(siteID: row["site_id"], type: row["type"], id: postID), row["title"], row["link"],
                PostState(rawValue: row["state"]) ?? .public)
    }

    private static func summary(_ row: Row) -> VersionSummary {
        let changed: String = row["changed_fields"]
        return VersionSummary(
            version: row["number"], seenAt: row["seen_at"], modifiedGMT: row["modified_gmt"], hash: row["hash"],
            change: row["change"], changedFields: changed.split(separator: ",").compactMap { TrackedField(rawValue: String($0)) })
    }
}
