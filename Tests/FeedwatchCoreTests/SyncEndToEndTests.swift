import FakeWordPress
@testable import FeedwatchCore
import Foundation
import Logging
import Testing
import TestSupport

/// The whole path: fake WordPress on 127.0.0.1 → libcurl → SQLite → the real journal.
@Suite(.serialized) struct SyncEndToEndTests {
    @Test func firstPollGivesOneBaselineThenEachEditItsEvent() async throws {
        let harness = try WatchedSite("e2e")
        try harness.site.addPost(Fixture.postData())
        harness.site.addGeneratedPosts(150)

        let baseline = try await harness.poll(expecting: 1)
        #expect(baseline.map { $0["FEEDWATCH_EVENT"] } == ["baseline"])
        #expect(baseline.first?["FEEDWATCH_POST_COUNT"] == "151")
        #expect(baseline.first?["PRIORITY"] == "6")
        let listings = harness.server.requests.filter { $0.target.contains("wp/v2/posts") }
        #expect(listings.count == 2)
        #expect(listings.allSatisfy { $0.target.contains("per_page=100") })

        harness.site.edit(356473, content: "<p>The Kremlin issued a new statement.</p>")
        let revised = try #require(try await harness.poll(expecting: 1).first)
        #expect(revised["FEEDWATCH_EVENT"] == "revised")
        #expect(revised["FEEDWATCH_POST_ID"] == "356473")
        #expect(revised["FEEDWATCH_CHANGED_FIELDS"]?.split(separator: ",").contains("content") == true)
        #expect(revised["FEEDWATCH_VERSION"] == "2")
        #expect(revised["FEEDWATCH_POST_URL"] == "https://www.europesays.com/uk/356473/")
        #expect(revised["FEEDWATCH_TITLE"] == "How Putin\u{A0}Brushed Off\u{A0}Trump\u{2019}s Latest Push for Peace in Ukraine")
        #expect(revised["FEEDWATCH_PREVIOUS_MODIFIED_GMT"] == "2025-08-19T09:41:13")
        #expect(revised["FEEDWATCH_MODIFIED_GMT"] != revised["FEEDWATCH_PREVIOUS_MODIFIED_GMT"])
        #expect(revised["FEEDWATCH_HASH"] != revised["FEEDWATCH_PREVIOUS_HASH"])
        #expect(revised["MESSAGE_ID"] == EventKind.revised.messageID)
        #expect(revised["FEEDWATCH_SITE_URL"] == harness.site.url)

        harness.site.edit(356473, title: "Putin brushes off Trump")
        // Saved a minute ago: the quiet change below is no second save in the same second.
        harness.site.setModifiedTimestamp(356473, gmt: Date(timeIntervalSinceNow: -60))
        let retitled = try #require(try await harness.poll(expecting: 1).first)
        #expect(retitled["FEEDWATCH_EVENT"] == "revised")
        #expect(retitled["FEEDWATCH_CHANGED_FIELDS"] == "title")
        #expect(retitled["FEEDWATCH_VERSION"] == "3")

        let newID = harness.site.addPost(title: "Breaking: a new post", content: "<p>Fresh.</p>")
        let new = try #require(try await harness.poll(expecting: 1).first)
        #expect(new["FEEDWATCH_EVENT"] == "new")
        #expect(new["FEEDWATCH_POST_ID"] == String(newID))
        #expect(new["FEEDWATCH_VERSION"] == "1")

        harness.site.edit(356473, content: "<p>Quietly rewritten.</p>", bumpModified: false)
        #expect(try await harness.poll(expecting: 0).isEmpty, "a steady poll does not fetch unchanged posts' content")
        let silent = try #require(try await harness.poll(expecting: 1, full: true).first)
        #expect(silent["FEEDWATCH_EVENT"] == "silent-edit")
        #expect(silent["PRIORITY"] == "4")
        #expect(silent["FEEDWATCH_CHANGED_FIELDS"] == "content")
        #expect(silent["FEEDWATCH_MODIFIED_GMT"] == silent["FEEDWATCH_PREVIOUS_MODIFIED_GMT"])
        #expect(silent["FEEDWATCH_VERSION"] == "4")

        #expect(try await harness.poll(expecting: 0).isEmpty)
        #expect(try await harness.poll(expecting: 0, full: true).isEmpty)
        await harness.shutdown()
    }

    @Test(arguments: [(FakePermalinks.plain, true), (.plain, false), (.pretty, false)])
    func discoveryFindsTheRESTRootInEveryForm(permalinks: FakePermalinks, sendsLinkHeader: Bool) async throws {
        let harness = try WatchedSite("discovery", permalinks: permalinks, sendsLinkHeader: sendsLinkHeader)
        harness.site.addGeneratedPosts(3)
        let events = try await harness.poll(expecting: 1)
        #expect(events.first?["FEEDWATCH_POST_COUNT"] == "3")
        let listing = try #require(harness.server.requests.last { $0.target.contains("wp/v2/posts") })
        #expect(listing.target.contains(permalinks == .plain ? "rest_route=" : "/wp-json/wp/v2/posts"))
        await harness.shutdown()
    }

    @Test func siteFailingAfterThreeFailedSyncsWithNothingStoredLost() async throws {
        let harness = try WatchedSite("failing")
        harness.site.addGeneratedPosts(5)
        _ = try await harness.poll(expecting: 1)
        harness.server.stop()
        for _ in 0..<4 {
            let error = await harness.sync()
            #expect(error?.contains("cannot reach the server") == true, "\(error ?? "no error")")
        }
        let entries = try JournalReader.entries(site: harness.name, atLeast: 2)
        #expect(entries.map { $0["FEEDWATCH_EVENT"] } == ["baseline", "site-failing"])
        #expect(entries.last?["PRIORITY"] == "3")
        #expect(entries.last?["FEEDWATCH_ERROR"]?.contains("cannot reach the server") == true)
        #expect(try await harness.column("SELECT count(*) FROM version") == ["5"])
        await harness.engine.shutdown()
    }
}

extension WatchedSite {
    /// Polls as `feedwatch poll` does and returns the journal entries this poll added.
    func poll(expecting count: Int, full: Bool = false) async throws -> [[String: String]] {
        let before = try JournalReader.entries(site: name, atLeast: 0).count
        let failures = await Poller(syncers: [engine.syncer(for: configuration)]).pollOnce(full: full)
        #expect(failures.isEmpty, "\(failures)")
        let after = try JournalReader.entries(site: name, atLeast: before + count)
        return Array(after.dropFirst(before))
    }
}
