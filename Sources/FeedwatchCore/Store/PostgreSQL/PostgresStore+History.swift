#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#endif

extension PostgresStore {
    public func siteStatuses() async throws(StoreError) -> [SiteStatus] {
        try await read("reading the state of the sites") { connection in
            try connection.query("""
                SELECT name, url, last_attempt_at, last_success_at, last_error, failures_in_row, last_node,
                    extract(epoch FROM next_due) AS next_due,
                    (SELECT count(*) FROM post WHERE post.site_id = site.id AND post.state != 'deleted') AS posts
                FROM site ORDER BY name COLLATE "C"
                """).rows.map { row in
                SiteStatus(name: row.string("name") ?? "", url: row.string("url") ?? "", postsTracked: row.int("posts") ?? 0,
                           lastAttempt: Timestamp.date(row.string("last_attempt_at")),
                           lastSuccess: Timestamp.date(row.string("last_success_at")), lastError: row.string("last_error"),
                           failuresInRow: row.int("failures_in_row") ?? 0, node: row.string("last_node"),
                           nextDue: row.double("next_due").map(Date.init(timeIntervalSince1970:)))
            }
        }
    }

    public func history(site: String, postID: Int) async throws(StoreError) -> PostHistory? {
        try await read("reading the history of \(site) post \(postID)") { connection in
            guard let post = try Self.post(site: site, postID: postID, in: connection) else { return nil }
            let rows = try connection.query("""
                SELECT number, seen_at, modified_gmt, hash, change, changed_fields FROM version
                WHERE site_id = $1 AND type = $2 AND post_id = $3 ORDER BY number
                """, [post.key.siteID, post.key.type, postID]).rows
            return PostHistory(site: site, type: post.key.type, postID: postID, title: post.title, link: post.link,
                               state: post.state, versions: rows.map(Self.summary))
        }
    }

    public func versions(site: String, postID: Int, numbers: [Int]) async throws(StoreError) -> [StoredVersion] {
        try await read("reading versions of \(site) post \(postID)") { connection in
            guard let post = try Self.post(site: site, postID: postID, in: connection) else { return [] }
            return try numbers.compactMap { number in
                guard let row = try connection.query("""
                    SELECT number, seen_at, modified_gmt, hash, change, changed_fields, content_ids FROM version
                    WHERE site_id = $1 AND type = $2 AND post_id = $3 AND number = $4
                    """, [post.key.siteID, post.key.type, postID, number]).first
                else { return nil }
                return StoredVersion(summary: Self.summary(row),
                                     snapshot: try PostgresContents.snapshot(ids: row.string("content_ids") ?? "", in: connection))
            }
        }
    }

    private static func post(
        site: String, postID: Int, in connection: PostgresConnection
    ) throws -> (key: PostKey, title: String, link: String, state: PostState)? {
        // WordPress numbers every post type from one sequence: an id names one post of a site.
        guard let row = try connection.query("""
            SELECT post.site_id, post.type, post.title, post.link, post.state FROM post JOIN site ON site.id = post.site_id
            WHERE site.name = $1 AND post.post_id = $2 LIMIT 1
            """, [site, postID]).first,
            let siteID = row.int64("site_id"), let type = row.string("type")
        else { return nil }
        return (PostKey(siteID: siteID, type: type, id: postID), row.string("title") ?? "", row.string("link") ?? "",
                row.string("state").flatMap(PostState.init(rawValue:)) ?? .public)
    }

    private static func summary(_ row: PostgresRow) -> VersionSummary {
        VersionSummary(
            version: row.int("number") ?? 0, seenAt: row.string("seen_at") ?? "", modifiedGMT: row.string("modified_gmt"),
            hash: row.string("hash") ?? "", change: row.string("change") ?? "",
            changedFields: (row.string("changed_fields") ?? "").split(separator: ",")
                .compactMap { TrackedField(rawValue: String($0)) })
    }
}
