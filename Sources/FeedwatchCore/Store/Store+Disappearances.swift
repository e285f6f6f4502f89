import GRDB

extension Store {
    /// Records posts that a direct request showed gone (404/410: `deleted`) or
    /// refused (401/403: `unpublished`), with no content to store: a public
    /// post is reported once, at the transition; one already hidden only
    /// changes state.
    public func recordDisappeared(
        _ ids: [Int], as state: PostState, type: String, site: SiteRecord
    ) async throws(StoreError) -> [PendingEvent] {
        guard !ids.isEmpty, state != .public else { return [] }
        return try await write("recording posts of \(site.name) gone from the site") { db in
            let now = Timestamp.now()
            var events: [PendingEvent] = []
            for id in ids {
                guard let row = try db.row("""
                    SELECT version, modified_gmt, hash, title, link, state FROM post
                    WHERE site_id = ? AND type = ? AND post_id = ?
                    """, [site.id, type, id]),
                    let stored = PostState(rawValue: row["state"]), stored != state, stored != .deleted
                else { continue }
                try db.run("UPDATE post SET state = ?, last_seen_at = ? WHERE site_id = ? AND type = ? AND post_id = ?",
                           [state.rawValue, now, site.id, type, id])
                guard stored == .public else { continue }
                var event = ChangeEvent(kind: state == .deleted ? .deleted : .unpublished, site: site.name, siteURL: site.url)
                event.postType = type
                event.postID = id
                event.title = row["title"]
                let link: String = row["link"]
                event.postURL = link.isEmpty ? nil : link
                event.modifiedGMT = row["modified_gmt"]
                event.hash = row["hash"]
                event.version = row["version"]
                events.append(try Self.enqueue(event, siteID: site.id, at: now, in: db))
            }
            return events
        }
    }
}
