import FakeWordPress
import Foundation
@testable import FeedwatchCore
import GRDB
import Logging
import Testing
import TestSupport

/// Stored hashes follow the normalization: a new `ignore` pattern (or new
/// built-in rules) re-fingerprints stored posts instead of reporting every post
/// as silently edited.
@Suite struct RenormalizationTests {
    @Test func anIgnorePatternAddedLaterIsNotReportedAsAnEdit() async throws {
        var id = 0
        let harness = try WatchedSite("renormalize", configure: { _, site, _ in
            // A manual excerpt: WordPress's automatic one would show the counter as text.
            // Saved an hour ago: its quiet changes below are no second saves in the same second.
            id = site.addPost(title: "Counted", content: #"Text.<span class="views">12 views</span>"#, excerpt: "Text.",
                              modifiedGMT: Date(timeIntervalSinceNow: -3600))
            site.addGeneratedPosts(3)
        })
        #expect(await harness.sync() == nil)
        harness.site.edit(id, content: #"Text.<span class="views">13 views</span>"#, bumpModified: false)

        // The administrator adds a pattern for the counter and restarts feedwatch.
        var configuration = harness.configuration
        configuration.ignore = [#"<span class="views">\d+ views</span>"#]
        let engine = try Engine(configuration: Configuration(source: "test", sites: [configuration]),
                                databasePath: harness.database.location, environment: [:],
                                logger: Logger(label: "test"))
        let syncer = engine.syncer(for: configuration)
        #expect(await syncer.sync(full: true).error == nil)
        #expect(try JournalReader.entries(site: harness.name).map { $0["FEEDWATCH_EVENT"] } == ["baseline"])
        let keys = try await Set(harness.column("SELECT normalizer FROM post"))
        #expect(keys == [ContentNormalizer(ignorePatterns: configuration.ignore).key])

        harness.site.edit(id, content: #"Other text.<span class="views">14 views</span>"#, bumpModified: false)
        #expect(await syncer.sync(full: true).error == nil)
        let entries = try JournalReader.entries(site: harness.name, atLeast: 2)
        #expect(entries.map { $0["FEEDWATCH_EVENT"] } == ["baseline", "silent-edit"])
        #expect(entries.last?["FEEDWATCH_CHANGED_FIELDS"] == "content")
        await engine.shutdown()
        await harness.shutdown()
    }
}
