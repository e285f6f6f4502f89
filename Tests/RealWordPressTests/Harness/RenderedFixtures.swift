import Foundation
import TestSupport

/// Real output of WordPress 6.1 saved for unit tests: `content.rendered` of
/// posts as the REST API served them, before and after a change elsewhere on
/// the site, in Tests/Fixtures/wordpress-6.1/<scenario>/. Only when
/// FEEDWATCH_RECORD_FIXTURES is set (the files name a random port and today's
/// dates, so a normal run leaves the tree alone).
struct RenderedFixtures {
    static var recording: Bool { ProcessInfo.processInfo.environment["FEEDWATCH_RECORD_FIXTURES"] != nil }
    static let directory = Fixture.repository.appendingPathComponent("Tests/Fixtures/wordpress-6.1")

    /// The posts of dynamic blocks and counters, by seed key.
    static let keys = ["counter-victim", "trash-victim", "touch-victim", "shortcodes", "latest-posts", "query-loop", "archives", "calendar",
                       "categories", "tag-cloud", "latest-comments", "page-list", "rss", "loginout", "post-date",
                       "comment-form", "counters"]

    let listing: [Int: String]
    let single: [Int: String]

    /// The anonymous listing of every post, by the URL of feedwatch's full
    /// poll (one page), and each post of `keys` fetched alone, as they are
    /// now; nothing unless recording.
    static func take(_ wordpress: RealWordPress) throws -> RenderedFixtures? {
        guard recording else { return nil }
        let fields = "id,modified_gmt,status,slug,link,title,content,excerpt,author,featured_media,categories,tags"
        let page = try rendered(wordpress.rest("wp/v2/posts?per_page=100&page=1&orderby=id&order=asc&_fields=\(fields)"))
        var single: [Int: String] = [:]
        for key in keys {
            guard let id = wordpress.ids[key], let text = try? rendered(wordpress.rest("wp/v2/posts/\(id)")).first?.value else { continue }
            single[id] = text
        }
        return RenderedFixtures(listing: page, single: single)
    }

    /// Writes `<key>.listing.before.html` and `.after.html` (and `.single.`)
    /// for each post whose markup the change altered; `always` writes every one
    /// as it was before, as `<key>.listing.html` and `<key>.single.html`.
    static func save(_ scenario: String, before: RenderedFixtures?, after: RenderedFixtures?, ids: [String: Int],
                     always: Bool = false) throws {
        guard let before, let after else { return }
        let folder = directory.appendingPathComponent(scenario)
        try? FileManager.default.removeItem(at: folder)
        for key in keys {
            guard let id = ids[key] else { continue }
            for (source, old, new) in [("listing", before.listing[id], after.listing[id]), ("single", before.single[id], after.single[id])]
            where always || old != new {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                let name = always ? "\(key).\(source).html" : "\(key).\(source).before.html"
                try (old ?? "").write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
                if !always {
                    try (new ?? "").write(to: folder.appendingPathComponent("\(key).\(source).after.html"), atomically: true, encoding: .utf8)
                }
            }
        }
    }

    /// id → content.rendered of a post or a list of posts.
    private static func rendered(_ body: Data) throws -> [Int: String] {
        let json = try JSONSerialization.jsonObject(with: body)
        let posts = (json as? [[String: Any]]) ?? [(json as? [String: Any]) ?? [:]]
        var result: [Int: String] = [:]
        for post in posts {
            if let id = post["id"] as? Int, let content = post["content"] as? [String: Any], let text = content["rendered"] as? String {
                result[id] = text
            }
        }
        return result
    }
}
