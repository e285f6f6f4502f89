import Foundation
import Testing

/// An edit straight in the database, `post_modified` left alone: what
/// feedwatch exists to catch.
extension RealWordPressTests {
    @Suite struct SilentEdits {
        @Test func sqlEditWithoutModifiedIsASilentEditAtTheNextFullPoll() throws {
            let wordpress = try RealWordPressTests.wordpress()
            let id = try #require(wordpress.ids["classic-2"])
            let watch = try Watch(wordpress, "silent")
            try watch.scenario("silent-sql-edit", anonymous: ["silent-edit posts/\(id)"],
                               authenticated: ["silent-edit posts/\(id)"]) {
                try wordpress.sql("""
                    UPDATE wp_posts SET post_content = REPLACE(post_content, 'A second one', 'A quietly rewritten one')
                    WHERE ID = \(id)
                    """)
                let changed = try wordpress.sql("SELECT COUNT(*) FROM wp_posts WHERE ID = \(id) AND post_content LIKE '%quietly rewritten%'")
                #expect(changed.trimmingCharacters(in: .whitespacesAndNewlines) == "1", "the UPDATE changed the row")
            }
            for site in watch.sites {
                let diff = try watch.diff(site, id)
                #expect(diff.contains("quietly rewritten"), "feedwatch diff \(site) \(id):\n\(diff)")
            }
        }
    }
}
