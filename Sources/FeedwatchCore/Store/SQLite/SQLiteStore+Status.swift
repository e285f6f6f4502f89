import GRDB

extension SQLiteStore {
    /// Every site the database knows, by name.
    public func siteStatuses() async throws(StoreError) -> [SiteStatus] {
        try await read("reading the state of the sites") { db in
            try Row.fetchAll(db, sql: """
                SELECT name, url, last_attempt_at, last_success_at, last_error, failures_in_row,
                    (SELECT count(*) FROM post WHERE post.site_id = site.id AND post.state != 'deleted') AS posts
                FROM site ORDER BY name
                """).map { row in
                SiteStatus(name: row["name"], url: row["url"], postsTracked: row["posts"],
                           lastAttempt: Timestamp.date(row["last_attempt_at"]),
                           lastSuccess: Timestamp.date(row["last_success_at"]), lastError: row["last_error"],
                           failuresInRow: row["failures_in_row"])
            }
        }
    }
}
