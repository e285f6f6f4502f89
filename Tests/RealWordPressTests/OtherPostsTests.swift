import Testing

/// Changes to one post, or to the site's settings, that must not be reported
/// on any other post: the counters, echoed URLs and dynamic blocks of issue 10.
extension RealWordPressTests {
    @Suite struct OtherPosts {
        @Test func unpublishingAndRestoringAPostReportsThatPostAlone() throws {
            let wordpress = try RealWordPressTests.wordpress()
            let watch = try Watch(wordpress, "unpublish")
            let victim = try #require(wordpress.ids["counter-victim"])
            try watch.scenario("unpublish-counter-victim", anonymous: ["unpublished posts/\(victim)"],
                               authenticated: ["unpublished posts/\(victim)"]) {
                try wordpress.php("wp_update_post(['ID' => \(victim), 'post_status' => 'draft']);")
            }
            let restore = try Watch(wordpress, "restore")
            try restore.scenario("restore-counter-victim", anonymous: ["restored posts/\(victim)"],
                                 authenticated: ["restored posts/\(victim)"]) {
                try wordpress.php("wp_update_post(['ID' => \(victim), 'post_status' => 'publish']);")
            }
        }

        /// Anonymous, a trashed post is 401 like a draft: `unpublished`;
        /// authenticated, its status says `trash`: `deleted`.
        @Test func trashingAPostReportsThatPostAlone() throws {
            let wordpress = try RealWordPressTests.wordpress()
            let watch = try Watch(wordpress, "trash")
            let victim = try #require(wordpress.ids["trash-victim"])
            try watch.scenario("trash-trash-victim", anonymous: ["unpublished posts/\(victim)"],
                               authenticated: ["deleted posts/\(victim)"]) {
                try wordpress.php("wp_trash_post(\(victim));")
            }
        }

        @Test func publishingANewPostReportsThatPostAlone() throws {
            let wordpress = try RealWordPressTests.wordpress()
            let watch = try Watch(wordpress, "publish")
            // The id is known only once the post exists, after the change.
            try watch.baseline()
            let before = try RenderedFixtures.take(wordpress)
            let output = try wordpress.php("""
                echo wp_insert_post(['post_title' => 'Freshly published', 'post_status' => 'publish', 'post_category' => [2],
                    'tags_input' => ['alpha', 'zeta'],
                    'post_content' => "<!-- wp:paragraph -->\\n<p>News of the day.</p>\\n<!-- /wp:paragraph -->"]);
                """)
            let id = try #require(Int(output.split(separator: "\n").last ?? ""), "wp_insert_post printed \(output)")
            try RenderedFixtures.save("publish-new-post", before: before, after: RenderedFixtures.take(wordpress), ids: wordpress.ids)
            try watch.expectAfterChange([watch.anonymous: ["new posts/\(id)"], watch.authenticated: ["new posts/\(id)"]],
                                        "publish a new post")
        }

        @Test func changingDateFormatAndTimezoneReportsNothing() throws {
            let wordpress = try RealWordPressTests.wordpress()
            let watch = try Watch(wordpress, "settings")
            defer {
                _ = try? wordpress.php("update_option('date_format', 'F j, Y'); update_option('timezone_string', 'UTC');")
            }
            try watch.scenario("date-format-and-timezone", anonymous: [], authenticated: []) {
                try wordpress.php("update_option('date_format', 'Y-m-d'); update_option('timezone_string', 'Europe/Berlin');")
            }
        }

        /// `wp_update_post` with the same content moves `modified` (and the
        /// post to the end of a listing ordered by it): `touched` for that
        /// post, which is logged at debug level, and nothing for any other.
        @Test func touchingAPostWithoutEditReportsNoChange() throws {
            let wordpress = try RealWordPressTests.wordpress()
            let watch = try Watch(wordpress, "touch")
            let touched = try #require(wordpress.ids["counters"])
            try watch.scenario("touch-counters", anonymous: ["touched posts/\(touched)"],
                               authenticated: ["touched posts/\(touched)"]) {
                try wordpress.php("wp_update_post(['ID' => \(touched)]);")
            }
        }
    }
}
