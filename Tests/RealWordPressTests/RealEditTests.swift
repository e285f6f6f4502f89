import Testing

/// A real edit of each kind of post: exactly one event, `revised`, naming
/// the content, whose `feedwatch diff` shows the new words.
extension RealWordPressTests {
    @Suite struct RealEdits {
        @Test func editingABlockPostIsOneRevision() throws {
            try expectOneRevision("block", "edit-block-post", added: "A paragraph added by the block editor.",
                                  edit: #"$c . "\n\n<!-- wp:paragraph -->\n<p>A paragraph added by the block editor.</p>\n<!-- /wp:paragraph -->""#)
        }

        @Test func editingAClassicPostIsOneRevision() throws {
            try expectOneRevision("classic", "edit-classic-post", added: "A sentence added in the classic editor.",
                                  edit: #"$c . "\n\nA sentence added in the classic editor.""#)
        }

        @Test func editingAPageIsOneRevision() throws {
            try expectOneRevision("page", "edit-page", type: "pages", added: "The page says more now.",
                                  edit: #"$c . "\n\n<!-- wp:paragraph -->\n<p>The page says more now.</p>\n<!-- /wp:paragraph -->""#)
        }

        @Test func editingAShortcodeCaptionIsOneRevision() throws {
            try expectOneRevision("shortcodes", "edit-shortcode-post", added: "A red square, recaptioned",
                                  edit: #"str_replace('A red square, captioned', 'A red square, recaptioned', $c)"#)
        }

        /// Anonymous clients get no text of a password-protected post: they
        /// see its date move (`touched`), authors see the edit.
        @Test func editingAPasswordProtectedPostIsOneRevisionForAuthors() throws {
            try expectOneRevision("protected", "edit-protected-post", added: "A secret added.", anonymous: "touched",
                                  edit: #"$c . "\n\n<!-- wp:paragraph -->\n<p>A secret added.</p>\n<!-- /wp:paragraph -->""#)
        }

        /// Edits seeded post `key` through `wp_update_post`, as an editor
        /// does, setting its content to the PHP expression `edit` of the old
        /// content `$c`; expects `revised` (`anonymous` for the anonymous
        /// site) and `added` in feedwatch's diff.
        private func expectOneRevision(
            _ key: String, _ scenario: String, type: String = "posts", added: String, anonymous: String = "revised",
            edit: String, sourceLocation: SourceLocation = #_sourceLocation
        ) throws {
            let wordpress = try RealWordPressTests.wordpress()
            let id = try #require(wordpress.ids[key])
            let watch = try Watch(wordpress, scenario)
            try watch.scenario(scenario, anonymous: ["\(anonymous) \(type)/\(id)"], authenticated: ["revised \(type)/\(id)"],
                               sourceLocation: sourceLocation) {
                try wordpress.php("""
                    $c = get_post(\(id))->post_content;
                    wp_update_post(wp_slash(['ID' => \(id), 'post_content' => \(edit)]));
                    """)
            }
            for site in [watch.authenticated] + (anonymous == "revised" ? [watch.anonymous] : []) {
                let diff = try watch.diff(site, id)
                #expect(diff.contains("+") && diff.contains(added), "feedwatch diff \(site) \(id):\n\(diff)",
                        sourceLocation: sourceLocation)
            }
        }
    }
}
