import FakeWordPress
@testable import FeedwatchCore
import Foundation
import Logging
import Testing
import TestSupport

@Suite(.serialized) struct IncrementalSyncTests {
    private func watched(_ purpose: String, reconcile: Duration = .seconds(3600)) throws -> WatchedSite {
        try WatchedSite(purpose, configure: { configuration, _, _ in configuration.reconcile = reconcile })
    }

    @Test func steadyPollIsOneSmallRequestAfterTheMark() async throws {
        let harness = try watched("steady")
        harness.site.addGeneratedPosts(250)
        _ = try await harness.observedSync()
        let (requests, events) = try await harness.observedSync()
        #expect(events.isEmpty)
        let request = try #require(requests.first)
        #expect(requests.count == 1)
        #expect(request.target.contains("modified_after="))
        #expect(request.target.contains("%2B00%3A00"), "the mark carries an explicit UTC offset: \(request.target)")
        #expect(request.target.contains("orderby=modified&order=asc"))
        #expect(request.target.contains("_fields=id%2Cmodified_gmt") || request.target.contains("_fields=id,modified_gmt"))
        await harness.shutdown()
    }

    @Test func onlyChangedPostsHaveTheirContentFetched() async throws {
        let harness = try watched("changed")
        harness.site.addGeneratedPosts(120)
        _ = try await harness.observedSync()
        let edited = harness.site.addPost(title: "Later", content: "<p>x</p>")
        harness.site.edit(edited, content: "<p>y</p>")
        let (requests, events) = try await harness.observedSync()
        #expect(events == ["new"])
        let contentFetches = requests.filter { $0.target.contains("include=") }
        #expect(contentFetches.count == 1)
        #expect(contentFetches.first?.target.contains("include=\(edited)") == true)
        await harness.shutdown()
    }

    @Test func serverIgnoringModifiedAfterStillGivesCorrectEvents() async throws {
        let harness = try watched("old-wp")
        harness.site.supportsModifiedAfter = false
        harness.site.addGeneratedPosts(150)
        _ = try await harness.observedSync()
        #expect(try await harness.observedSync().events.isEmpty)
        let id = harness.site.addPost(title: "Fresh", content: "<p>new</p>")
        let (requests, events) = try await harness.observedSync()
        #expect(events == ["new"])
        #expect(requests.filter { $0.target.contains("include=") }.count == 1)
        #expect(requests.contains { $0.target.contains("include=\(id)") })
        await harness.shutdown()
    }

    @Test func reconcileFindsAPostTheIncrementalSyncCannotSee() async throws {
        // Long enough that the second sync, reading the journal back, comes before it,
        // also on a loaded machine or under a sanitizer.
        let harness = try watched("reconcile", reconcile: .seconds(8))
        harness.site.addGeneratedPosts(5)
        _ = try await harness.observedSync()
        // An imported post carries an old modified time: no modified_after query finds it.
        harness.site.addPost(title: "Imported", content: "<p>old</p>", modifiedGMT: Date(timeIntervalSince1970: 1_000_000_000))
        #expect(try await harness.observedSync().events.isEmpty)
        try await Task.sleep(for: .milliseconds(8200))
        let (requests, events) = try await harness.observedSync()
        #expect(events == ["new"])
        #expect(requests.contains { !$0.target.contains("modified_after") && $0.target.contains("orderby=id") })
        await harness.shutdown()
    }

    @Test func validatorsFromACacheInFrontMakeSteadyPollsConditional() async throws {
        let harness = try watched("etag")
        harness.site.sendsValidators = true
        harness.site.addGeneratedPosts(20)
        _ = try await harness.observedSync()
        _ = try await harness.observedSync()
        let (requests, events) = try await harness.observedSync()
        #expect(events.isEmpty)
        let conditional = try #require(requests.first)
        #expect(conditional.header("if-none-match") != nil, "\(conditional.headers)")
        #expect(requests.count == 1)
        harness.site.edit(3, content: "<p>changed behind the cache</p>")
        let (_, afterEdit) = try await harness.observedSync()
        #expect(afterEdit == ["revised"])
        await harness.shutdown()
    }

    @Test func highWaterMarkIsTheNewestCommittedModifiedTime() async throws {
        let harness = try watched("mark")
        harness.site.addGeneratedPosts(3)
        let id = harness.site.addPost(title: "Newest", content: "<p>n</p>")
        _ = try await harness.observedSync()
        let record = try await harness.engine.store.registerSite(name: harness.name, url: harness.site.url)
        let state = try await harness.engine.store.collectionState(siteID: record.id, type: "posts")
        let newest = try JSONSerialization.jsonObject(with: #require(harness.site.post(id))) as? [String: Any]
        #expect(state.highWaterGMT == newest?["modified_gmt"] as? String)
        #expect(state.lastVerify != nil && state.lastReconcile != nil)
        await harness.shutdown()
    }
}

/// `modified_gmt` has whole seconds: saves in the same second (SameSecondSave).
@Suite(.serialized) struct SameSecondSaveTests {
    private func modifiedGMT(of id: Int, on site: FakeSite) throws -> Date {
        let post = try JSONSerialization.jsonObject(with: #require(site.post(id))) as? [String: Any]
        let text = try #require(post?["modified_gmt"] as? String)
        return try #require(WordPressTime.date(fromGMT: text))
    }

    @Test func aSecondSaveInTheSameSecondIsRevisedAtTheNextPoll() async throws {
        let harness = try WatchedSite("same-second")
        harness.site.addGeneratedPosts(5)
        let id = harness.site.addPost(title: "Breaking", content: "<p>draft</p>", modifiedGMT: Date(timeIntervalSinceNow: -3600))
        _ = try await harness.observedSync()
        harness.site.edit(id, content: "<p>first save</p>")
        let saved = try modifiedGMT(of: id, on: harness.site)
        #expect(await harness.sync() == nil)
        // The second save of that second: WordPress writes the same modified_gmt again
        // (the fake moves it a second on, so it is put back).
        harness.site.edit(id, content: "<p>second save</p>")
        harness.site.setModifiedTimestamp(id, gmt: saved)
        try await Task.sleep(for: .seconds(SameSecondSave.margin + 1.2))
        let (requests, _) = try await harness.observedSync()
        #expect(requests.contains { $0.target.contains("include=\(id)") })
        // Read back once all three are there: journald stores entries asynchronously.
        let entries = try JournalReader.entries(site: harness.name, atLeast: 3)
        #expect(entries.compactMap { $0["FEEDWATCH_EVENT"] } == ["baseline", "revised", "revised"],
                "not a silent edit, and not a day later")
        #expect(entries.last?["FEEDWATCH_POST_ID"] == "\(id)" && entries.last?["FEEDWATCH_VERSION"] == "3")
        // Read well after its save, the post has settled: one small request a poll again.
        for _ in 0..<2 {
            let (quiet, none) = try await harness.observedSync()
            #expect(none.isEmpty)
            #expect(quiet.count == 1, "\(quiet.map(\.target))")
        }
        #expect(try await harness.observedSync(full: true).events.isEmpty, "the second save is what is stored")
        await harness.shutdown()
    }

    @Test func aRecentSaveIsFetchedOnceMoreAndThenLeftAlone() async throws {
        let harness = try WatchedSite("settles")
        harness.site.addGeneratedPosts(5)
        _ = try await harness.observedSync()
        let id = harness.site.addPost(title: "Fresh", content: "<p>one save only</p>")
        #expect(await harness.sync() == nil)
        #expect(try JournalReader.entries(site: harness.name, atLeast: 2).compactMap { $0["FEEDWATCH_EVENT"] } == ["baseline", "new"])
        try await Task.sleep(for: .seconds(SameSecondSave.margin + 1.2))
        let (recheck, nothing) = try await harness.observedSync()
        #expect(nothing.isEmpty)
        #expect(recheck.count == 2 && recheck.last?.target.contains("include=\(id)") == true, "\(recheck.map(\.target))")
        let (quiet, _) = try await harness.observedSync()
        #expect(quiet.count == 1, "\(quiet.map(\.target))")
        await harness.shutdown()
    }

    @Test func equalModifiedTimeWithOtherContentIsRevisedOnlyAfterARecentRead() {
        let before = PostFingerprint(hash: "a", fieldHashes: [:])
        let after = PostFingerprint(hash: "b", fieldHashes: [:])
        func classify(recheck: Bool) -> PostChange {
            ChangeClassifier.classify(
                modifiedGMT: "2026-12-03T10:00:00", fingerprint: after,
                stored: StoredPostState(modifiedGMT: "2026-12-03T10:00:00", fingerprint: before, version: 1, recheck: recheck),
                siteBaselined: true)
        }
        #expect(classify(recheck: true) == .revised(changed: []))
        #expect(classify(recheck: false) == .silentEdit(changed: []))
        let read = WordPressTime.date(fromGMT: "2026-12-03T10:00:02")
        #expect(SameSecondSave.isPossible(modifiedGMT: "2026-12-03T10:00:00", servedAt: read))
        #expect(!SameSecondSave.isPossible(modifiedGMT: "2026-12-03T09:59:59", servedAt: read))
        #expect(!SameSecondSave.isPossible(modifiedGMT: "2026-12-03T10:00:00", servedAt: nil))
    }
}

extension WatchedSite {
    /// Syncs once; returns the REST requests it made and the events it wrote.
    func observedSync(full: Bool = false) async throws -> (requests: [FakeRequest], events: [String]) {
        server.clearRequests()
        let before = try JournalReader.entries(site: name, atLeast: 0).count
        let error = await sync(full: full)
        #expect(error == nil, "\(error ?? "")")
        try waitUntilJournalHasEverythingWritten()
        let entries = try JournalReader.read(match: "FEEDWATCH_SITE=\(name)")
        return (server.requests.filter { $0.target.contains("wp/v2/") },
                entries.dropFirst(before).compactMap { $0["FEEDWATCH_EVENT"] })
    }
}

@Suite(.serialized) struct CollectionTypeTests {
    private func watched(types: [String]) throws -> WatchedSite {
        try WatchedSite("types", configure: { configuration, site, _ in
            configuration.types = types
            site.addGeneratedPosts(2)
            for title in ["About", "Contact", "Imprint"] { site.addPage(title: title, content: "<p>\(title)</p>") }
        })
    }

    @Test func aTypeSlugIsResolvedToItsRESTBaseOnceAndRemembered() async throws {
        let harness = try watched(types: ["page"])
        #expect(await harness.sync() == nil)
        #expect(try JournalReader.entries(site: harness.site.name).first?["FEEDWATCH_POST_COUNT"] == "3")
        #expect(harness.server.requests.contains { $0.target.contains("wp/v2/types") })
        harness.server.clearRequests()
        #expect(await harness.sync() == nil)
        #expect(!harness.server.requests.contains { $0.target.contains("wp/v2/types") || $0.target.contains("wp/v2/page?") })
        #expect(harness.server.requests.contains { $0.target.contains("wp/v2/pages") })
        await harness.shutdown()
    }

    @Test func anUnknownTypeListsWhatTheSiteHas() async throws {
        let harness = try watched(types: ["books"])
        let error = try #require(await harness.sync())
        #expect(error.hasPrefix(#"the site has no REST collection "books" (it has: "#), "\(error)")
        #expect(error.contains("posts") && error.contains("pages"))
        await harness.shutdown()
    }
}

@Suite struct SyncPassTests {
    private let site = SiteConfiguration(name: "s", url: "https://a.org/", reconcile: .seconds(3600), verify: .seconds(86_400))
    private let now = Date(timeIntervalSince1970: 2_000_000_000)

    @Test func firstSyncAndFullSyncVerify() {
        #expect(SyncPass.due(for: CollectionState(), site: site, full: false, now: now) == .verify)
        let fresh = CollectionState(highWaterGMT: "2025-01-01T00:00:00", lastReconcile: now, lastVerify: now)
        #expect(SyncPass.due(for: fresh, site: site, full: true, now: now) == .verify)
        #expect(SyncPass.due(for: fresh, site: site, full: false, now: now) == .incremental)
    }

    @Test func cadencesDecideBetweenReconcileAndVerify() {
        let state = CollectionState(highWaterGMT: "2025-01-01T00:00:00", lastReconcile: now.addingTimeInterval(-4000),
                                    lastVerify: now.addingTimeInterval(-4000))
        #expect(SyncPass.due(for: state, site: site, full: false, now: now) == .reconcile)
        let old = CollectionState(highWaterGMT: "2025-01-01T00:00:00", lastReconcile: now,
                                  lastVerify: now.addingTimeInterval(-100_000))
        #expect(SyncPass.due(for: old, site: site, full: false, now: now) == .verify)
        let empty = CollectionState(highWaterGMT: nil, lastReconcile: now, lastVerify: now)
        #expect(SyncPass.due(for: empty, site: site, full: false, now: now) == .reconcile)
    }

    @Test func sitesSpreadTheirHeavyPassesOverTime() {
        // Sites verified at the same moment are not all due again at the same moment.
        let state = CollectionState(highWaterGMT: "x", lastReconcile: now, lastVerify: now.addingTimeInterval(-86_400))
        let due = (0..<50).map { index in
            SyncPass.due(for: state, site: SiteConfiguration(name: "site-\(index)", url: "https://a.org/"), full: false, now: now)
        }
        #expect(due.contains(.verify))
        #expect(due.contains(.incremental))
    }
}

extension WatchedSite {
    /// journald stores entries asynchronously, but those of one socket in the
    /// order they were sent: once a marker sent after the sync is readable,
    /// so is everything the sync wrote.
    private func waitUntilJournalHasEverythingWritten() throws {
        let marker = UUID().uuidString
        try JournalWriter.send([("MESSAGE", "test marker"), ("FEEDWATCH_TEST_MARKER", marker)])
        for _ in 0..<100 where try JournalReader.read(match: "FEEDWATCH_TEST_MARKER=\(marker)").isEmpty {
            Thread.sleep(forTimeInterval: 0.05)
        }
    }
}
