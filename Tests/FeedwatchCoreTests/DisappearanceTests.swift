import FakeWordPress
@testable import FeedwatchCore
import Testing
import TestSupport

/// Deleted, unpublished and restored posts (SPEC §4): a post gone from a
/// complete listing is confirmed with a direct request before it is reported,
/// and each transition is reported once.
@Suite(.serialized) struct DisappearanceTests {
    private func events(_ site: String, atLeast count: Int) throws -> [(kind: String, post: String, version: String)] {
        try JournalReader.entries(site: site, atLeast: count).map {
            ($0["FEEDWATCH_EVENT"] ?? "", $0["FEEDWATCH_POST_ID"] ?? "", $0["FEEDWATCH_VERSION"] ?? "")
        }
    }

    @Test func deletedAndUnpublishedPostsAreReportedOnceEachThenRestored() async throws {
        var ids: [Int] = []
        let harness = try WatchedSite("gone", configure: { _, site, _ in
            ids = (1...4).map { site.addPost(title: "Post \($0)", content: "<p>Body \($0)</p>") }
        })
        #expect(await harness.sync() == nil)
        harness.site.remove(ids[0])
        harness.site.setStatus(ids[1], "draft")
        harness.site.setStatus(ids[2], "trash")
        #expect(await harness.sync(full: true) == nil)
        #expect(await harness.sync(full: true) == nil, "a second pass reports nothing again")

        let afterGone = try events(harness.name, atLeast: 4)
        #expect(afterGone.map(\.kind) == ["baseline", "deleted", "unpublished", "unpublished"],
                "404 is a deletion; to an anonymous client a trashed post is refused (401) like a draft")
        #expect(afterGone.dropFirst().map(\.post) == ids[0...2].map(String.init))
        #expect(afterGone.dropFirst().allSatisfy { $0.version == "1" }, "the version reported is the last one stored")
        let deleted = try #require(try JournalReader.entries(site: harness.name, atLeast: 2).dropFirst().first)
        #expect(deleted["PRIORITY"] == "4")
        #expect(deleted["FEEDWATCH_TITLE"] == "Post 1")
        #expect(deleted["MESSAGE"]?.hasPrefix("deleted: \(harness.name) post \(ids[0]) \"Post 1\"") == true)

        harness.site.setStatus(ids[1], "publish")
        #expect(await harness.sync() == nil, "an incremental sync sees the post published again")
        let restored = try events(harness.name, atLeast: 5).last
        #expect(restored?.kind == "restored")
        #expect(restored?.post == String(ids[1]))
        #expect(restored?.version == "2")
        let history = try await harness.engine.store.history(site: harness.name, postID: ids[1])
        #expect(history?.versions.map(\.change) == ["baseline", "restored"])
        #expect(history?.state == .public)
        await harness.shutdown()
    }

    @Test func authenticatedSitesTellTrashFromDraft() async throws {
        var ids: [Int] = []
        let harness = try WatchedSite("gone-auth", configure: { configuration, site, directory in
            site.environmentType = "local"
            site.addApplicationPassword(user: "monitor", password: "abcd EFGH 1234 ijkl MNOP 6789")
            ids = (1...3).map { site.addPost(title: "Post \($0)", content: "<p>Body \($0)</p>") }
            try directory.write("monitor.pass", "abcd EFGH 1234 ijkl MNOP 6789\n")
            configuration.auth = SiteAuthentication(username: "monitor", secret: .file(directory.file("monitor.pass")))
        })
        #expect(await harness.sync() == nil)
        harness.site.setStatus(ids[0], "trash")
        harness.site.setStatus(ids[1], "private")
        #expect(await harness.sync(full: true) == nil)
        harness.site.setStatus(ids[0], "publish")
        #expect(await harness.sync(full: true) == nil)

        let seen = try events(harness.name, atLeast: 4)
        #expect(seen.map(\.kind) == ["baseline", "unpublished", "deleted", "restored"])
        #expect(seen.dropFirst().map(\.post) == [ids[1], ids[0], ids[0]].map(String.init))
        // With the content in hand, the transitions are versions too.
        #expect(seen.dropFirst().map(\.version) == ["2", "2", "3"])
        await harness.shutdown()
    }

    @Test func onlyWordPressItselfCanSayAPostIsGone() async throws {
        let server = try FakeWordPressServer()
        let site = server.addSite(uniqueSiteName("gone-proxy"))
        let removed = site.addPost(title: "Removed", content: "<p>x</p>")
        let draft = site.addPost(title: "Draft", content: "<p>y</p>", status: "draft")
        let http = try HTTPClient()
        let wordpress = WordPressClient(http: http, timeout: .seconds(10))
        let root = try await wordpress.discoverRoot(siteURL: site.url)
        site.remove(removed)

        // A proxy's or WAF's own error page says nothing about the post.
        for status in [404, 403, 500] {
            site.injectFault(.status(status))
            await #expect(throws: WordPressError.self) { try await wordpress.fetchPost(removed, root: root, type: "posts") }
        }
        guard case .gone = try await wordpress.fetchPost(removed, root: root, type: "posts") else {
            Issue.record("404 rest_post_invalid_id is a deletion")
            return
        }
        guard case .refused = try await wordpress.fetchPost(draft, root: root, type: "posts") else {
            Issue.record("401 rest_forbidden is a hidden post")
            return
        }
        await http.shutdown()
        server.stop()
    }
}
