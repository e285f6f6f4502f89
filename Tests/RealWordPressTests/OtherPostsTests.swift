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
            // The same watch: a post it saw public, then unpublished.
            try watch.step("restore-counter-victim", anonymous: ["restored posts/\(victim)"],
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

        /// `wp_update_post` with the same content moves `modified`, and the
        /// post, numbered counters and all, to the end of a listing ordered by
        /// it: `touched` for that post, logged at debug level, and nothing for
        /// any other.
        @Test func touchingAPostWithoutEditReportsNoChange() throws {
            let wordpress = try RealWordPressTests.wordpress()
            let watch = try Watch(wordpress, "touch")
            let touched = try #require(wordpress.ids["touch-victim"])
            try watch.scenario("touch-touch-victim", anonymous: ["touched posts/\(touched)"],
                               authenticated: ["touched posts/\(touched)"]) {
                try wordpress.php("wp_update_post(['ID' => \(touched)]);")
            }
        }

        /// Posts whose markup prints the URL of the request (the comment
        /// form's cancel link, Login/out's `redirect_to`, Query Loop's
        /// pagination) touched: the incremental poll fetches them by other
        /// URLs than the full listing does. `touched`, nothing else.
        @Test func touchingPostsThatEchoTheRequestURLReportsNoChange() throws {
            let wordpress = try RealWordPressTests.wordpress()
            let watch = try Watch(wordpress, "touch-echo")
            let keys = ["comment-form", "loginout", "query-loop"]
            let ids = try keys.map { try #require(wordpress.ids[$0]) }
            try watch.scenario("touch-request-url-echoes", anonymous: ids.map { "touched posts/\($0)" },
                               authenticated: ids.map { "touched posts/\($0)" }) {
                try wordpress.php(ids.map { "wp_update_post(['ID' => \($0)]);" }.joined(separator: "\n"))
            }
        }
    }
}
