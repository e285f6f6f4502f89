import FakeWordPress
@testable import FeedwatchCore
import Foundation
import GRDB
import Logging
import Testing
import TestSupport

/// With an application password feedwatch hashes `title.raw`, `content.raw` and `excerpt.raw`,
/// what the author wrote, and keeps the rendered text for display; anonymous sites hash what
/// visitors see. And upgrading (new built-in rules, raw hashing) reports nothing by itself.
@Suite(.serialized) struct AuthoredContentTests {
    private static let password = "abcd EFGH ijkl MNOP qrst UVWX"
    private let plain = ContentNormalizer(ignorePatterns: [])

    // MARK: - Decoding and hashing

    @Test func rawFieldsAreDecodedAndHashedWhileTheRenderedTextIsKept() throws {
        let json = #"""
        {"id": 7, "modified_gmt": "2025-08-19T09:41:13",
         "title": {"raw": "Harbour notes", "rendered": "Harbour notes"},
         "content": {"raw": "<!-- wp:latest-posts /-->\n\n<!-- wp:paragraph -->\n<p>Text.</p>\n<!-- /wp:paragraph -->",
                     "rendered": "<ul class=\"wp-block-latest-posts\"><li>One</li></ul>\n<p>Text.</p>\n", "protected": false,
                     "block_version": 1},
         "excerpt": {"raw": "", "rendered": "<p>Text.</p>\n", "protected": false}}
        """#
        let post = try JSONDecoder().decode(WordPressPost.self, from: Data(json.utf8))
        #expect(post.content == "<ul class=\"wp-block-latest-posts\"><li>One</li></ul>\n<p>Text.</p>\n")
        #expect(post.contentRaw?.hasPrefix("<!-- wp:latest-posts /-->") == true)
        #expect(post.excerptRaw == "")
        let snapshot = PostSnapshot(post)
        #expect(snapshot.hasRaw && snapshot[.content] == post.content && snapshot.raw[.excerpt] == "")

        var rerendered = snapshot
        rerendered.fields[.content] = "<p>Another post listed.</p><p>Text.</p>"
        #expect(PostFingerprint(rerendered, normalizer: plain) == PostFingerprint(snapshot, normalizer: plain),
                "what the server derives is not hashed")
        var edited = snapshot
        edited.raw[.content] = snapshot.raw[.content]?.replacingOccurrences(of: "Text.", with: "New text.")
        #expect(PostFingerprint(edited, normalizer: plain).changedFields(since: PostFingerprint(snapshot, normalizer: plain))
            == [.content])
        #expect(PostFingerprint(rerendered, normalizer: plain, usingRaw: false) != PostFingerprint(snapshot, normalizer: plain, usingRaw: false))
        let anonymous = try JSONDecoder().decode(WordPressPost.self, from: Data(#"{"id": 7, "content": {"rendered": "<p>x</p>"}}"#.utf8))
        #expect(!PostSnapshot(anonymous).hasRaw)
    }

    // MARK: - End to end

    /// A local-environment site (application passwords over http), with one post of ours.
    private func watched(_ purpose: String, authenticated: Bool, content: String = "<p>The minister resigned on Monday.</p>",
                         post: inout Int) throws -> WatchedSite {
        var id = 0
        let harness = try WatchedSite(purpose, configure: { configuration, site, directory in
            site.addGeneratedPosts(3)
            // Saved an hour ago: its quiet changes below are no second saves in the same second.
            id = site.addPost(title: "Harbour notes", content: content, modifiedGMT: Date(timeIntervalSinceNow: -3600))
            guard authenticated else { return }
            site.environmentType = "local"
            site.addApplicationPassword(user: "monitor", password: Self.password)
            try directory.write("monitor.pass", Self.password + "\n")
            configuration.auth = SiteAuthentication(username: "monitor", secret: .file(directory.file("monitor.pass")))
        })
        post = id
        return harness
    }

    @Test func anAuthenticatedSiteIgnoresRenderedChurnAndReportsWhatTheAuthorChanged() async throws {
        var id = 0
        let harness = try watched("raw-hashing", authenticated: true, post: &id)
        #expect(try await harness.observedSync().events == ["baseline"])
        #expect(harness.server.requests.contains { $0.target.contains("context=edit") })

        // Another post is published and a block lists it: the rendered content changes, the post's does not.
        harness.site.rerender(id, content: "<p>The minister resigned on Monday.</p>\n<ul><li>Newest post</li></ul>\n")
        #expect(try await harness.observedSync(full: true).events.isEmpty)

        harness.site.edit(id, content: "The minister resigned on Tuesday.", bumpModified: false)
        #expect(try await harness.observedSync(full: true).events == ["silent-edit"])
        let entries = try JournalReader.entries(site: harness.name, atLeast: 2)
        #expect(entries.last?["FEEDWATCH_CHANGED_FIELDS"] == "content")

        let versions = try await harness.engine.store.versions(site: harness.name, postID: id, numbers: [1, 2])
        #expect(versions.count == 2)
        #expect(versions.last?.snapshot.raw[.content] == "The minister resigned on Tuesday.")
        #expect(versions.last?.snapshot[.content].contains("<p>The minister resigned on Tuesday.</p>") == true,
                "the rendered text is kept for display")
        if versions.count == 2 {
            let diff = PostDiff(site: harness.name, postID: id, from: versions[0], to: versions[1]).text
            #expect(diff.contains("-The minister resigned on Monday.") && diff.contains("+The minister resigned on Tuesday."))
        }
        await harness.shutdown()
    }

    @Test func anAnonymousSiteStillHashesWhatVisitorsSee() async throws {
        var id = 0
        let harness = try watched("rendered-hashing", authenticated: false, post: &id)
        #expect(try await harness.observedSync().events == ["baseline"])
        #expect(!harness.server.requests.contains { $0.target.contains("context=edit") })
        harness.site.rerender(id, content: "<p>The minister resigned on Monday.</p>\n<p>Added by a plugin.</p>\n")
        #expect(try await harness.observedSync(full: true).events == ["silent-edit"])
        await harness.shutdown()
    }

    /// The application password taken away: the stored raw hashes give way to rendered ones.
    @Test func removingTheApplicationPasswordIsQuietToo() async throws {
        var id = 0
        let harness = try watched("raw-removed", authenticated: true, post: &id)
        #expect(try await harness.observedSync().events == ["baseline"])
        var configuration = harness.configuration
        configuration.auth = nil
        let engine = try Engine(configuration: Configuration(source: "test", sites: [configuration]),
                                databasePath: harness.database.location, environment: [:],
                                logger: Logger(label: "test"))
        #expect(await engine.syncer(for: configuration).sync(full: true).error == nil)
        #expect(await engine.syncer(for: configuration).sync(full: true).error == nil)
        harness.site.edit(id, content: "The minister resigned on Tuesday.", bumpModified: false)
        #expect(await engine.syncer(for: configuration).sync(full: true).error == nil)
        let events = try JournalReader.entries(site: harness.name, atLeast: 2).compactMap { $0["FEEDWATCH_EVENT"] }
        #expect(events == ["baseline", "silent-edit"])
        await engine.shutdown()
        await harness.shutdown()
    }

    @Test func theDiffShowsTheRawTextWhenOnlyItChanged() {
        func version(_ number: Int, raw: String) -> StoredVersion {
            StoredVersion(
                summary: VersionSummary(version: number, seenAt: "2025-08-19T10:00:00Z", modifiedGMT: "2025-08-19T09:41:13",
                                        hash: String(repeating: "0", count: 64), change: "silent-edit", changedFields: [.content]),
                snapshot: PostSnapshot(fields: [.content: "<p>Text.</p>\n<div>{block:latest-posts}</div>"],
                                       raw: [.title: "", .content: raw, .excerpt: ""]))
        }
        let diff = PostDiff(site: "s", postID: 1, from: version(1, raw: "<!-- wp:latest-posts {\"postsToShow\":5} /-->"),
                            to: version(2, raw: "<!-- wp:latest-posts {\"postsToShow\":2} /-->")).text
        #expect(diff.contains("content.raw (version 1)"))
        #expect(diff.contains(#"+<!-- wp:latest-posts {"postsToShow":2} /-->"#), "\(diff)")
        #expect(PostDiff(site: "s", postID: 1, from: version(1, raw: "a"), to: version(2, raw: "a")).fields.isEmpty)
    }

    // MARK: - Upgrading

    /// What a database written by the previous release holds: hashes made under other rules (a
    /// value no rule makes), the previous rules' version in `normalizer`, and, without raw texts,
    /// versions of ten fields.
    private func ageDatabase(_ harness: WatchedSite) async throws {
        try await harness.engine.sqliteStore.write("ageing") { db in
            let rows = try Row.fetchAll(db, sql: "SELECT site_id, type, post_id, version, normalizer FROM post")
            for row in rows {
                let key: String = row["normalizer"]
                let siteID: Int64 = row["site_id"], type: String = row["type"], postID: Int = row["post_id"]
                let version: Int = row["version"]
                let old = "1:" + String(key.drop { $0 != ":" }.dropFirst().prefix(16))
                try db.execute(sql: """
                    UPDATE post SET normalizer = ?, hash = ?, field_hashes = ? WHERE site_id = ? AND type = ? AND post_id = ?
                    """, arguments: [old, String(repeating: "e", count: 64), String(repeating: "e,", count: 9) + "e",
                                     siteID, type, postID])
                let ids = try String.fetchOne(db, sql: """
                    SELECT content_ids FROM version WHERE site_id = ? AND type = ? AND post_id = ? AND number = ?
                    """, arguments: [siteID, type, postID, version]) ?? ""
                try db.execute(sql: """
                    UPDATE version SET content_ids = ? WHERE site_id = ? AND type = ? AND post_id = ? AND number = ?
                    """, arguments: [ids.split(separator: ",").prefix(10).joined(separator: ","), siteID, type, postID, version])
            }
        }
    }

    private func normalizerKeys(_ harness: WatchedSite) async throws -> Set<String> {
        try await Set(harness.column("SELECT normalizer FROM post"))
    }

    @Test(.sqliteDatabasesOnly) func aDatabaseBaselinedUnderTheOldRulesGivesNoEventAfterTheUpgrade() async throws {
        var id = 0
        let harness = try watched("upgrade-rules", authenticated: false, post: &id)
        let listed = { (titles: [String]) in
            "<p>The minister resigned on Monday.</p>\n<ul class=\"wp-block-latest-posts__list wp-block-latest-posts\">"
                + titles.map { "<li><a href=\"http://example.org/\">\($0)</a></li>" }.joined() + "</ul>\n"
        }
        harness.site.rerender(id, content: listed(["Older post"]))
        #expect(try await harness.observedSync().events == ["baseline"])
        try await ageDatabase(harness)
        #expect(try await normalizerKeys(harness).allSatisfy { $0.hasPrefix("1:") })

        // The upgraded feedwatch meets a post whose block now lists another post.
        harness.site.rerender(id, content: listed(["Newest post", "Older post"]))
        #expect(try await harness.observedSync(full: true).events.isEmpty)
        #expect(try await harness.observedSync(full: true).events.isEmpty)
        #expect(try await normalizerKeys(harness) == [ContentNormalizer(ignorePatterns: []).key])

        harness.site.rerender(id, content: listed(["Newest post"]).replacingOccurrences(of: "Monday", with: "Tuesday"))
        #expect(try await harness.observedSync(full: true).events == ["silent-edit"])
        await harness.shutdown()
    }

    @Test(.sqliteDatabasesOnly) func anAuthenticatedDatabaseBaselinedOnRenderedContentGivesNoEventAfterTheUpgrade() async throws {
        var id = 0
        let harness = try watched("upgrade-raw", authenticated: true, post: &id)
        #expect(try await harness.observedSync().events == ["baseline"])
        try await ageDatabase(harness)
        let aged = try await harness.engine.store.versions(site: harness.name, postID: id, numbers: [1])
        #expect(aged.first?.snapshot.hasRaw == false, "the old release kept no raw text")

        #expect(try await harness.observedSync(full: true).events.isEmpty)
        #expect(try await harness.observedSync(full: true).events.isEmpty)
        #expect(try await normalizerKeys(harness) == [ContentNormalizer(ignorePatterns: []).key + "+raw"])
        let adopted = try await harness.engine.store.versions(site: harness.name, postID: id, numbers: [1])
        #expect(adopted.first?.snapshot.raw[.content] == "<p>The minister resigned on Monday.</p>",
                "the raw text joined the stored version")

        harness.site.rerender(id, content: "<p>The minister resigned on Monday.</p>\n<p>Listed: newest post.</p>\n")
        #expect(try await harness.observedSync(full: true).events.isEmpty)
        harness.site.edit(id, title: "Harbour notes, corrected", bumpModified: false)
        #expect(try await harness.observedSync(full: true).events == ["silent-edit"])
        #expect(try JournalReader.entries(site: harness.name, atLeast: 2).last?["FEEDWATCH_CHANGED_FIELDS"] == "title")
        await harness.shutdown()
    }
}
