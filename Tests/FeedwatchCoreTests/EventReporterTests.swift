@testable import FeedwatchCore
import Logging
import Testing
import TestSupport

@Suite struct EventReporterTests {
    @Test func concurrentFlushesWriteEachEventExactlyOnce() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.file("feedwatch.db"))
        let reporter = EventReporter(store: store, journal: JournalWriter(destination: .journal), logger: Logger(label: "test"))
        let names = (0..<20).map { uniqueSiteName("flush-\($0)") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for name in names {
                group.addTask {
                    let site = try await store.registerSite(name: name, url: "https://a.org/")
                    try await reporter.flush(after: store.recordSuccess(of: site))
                }
            }
            try await group.waitForAll()
        }
        for name in names {
            // Wait for the entry, then make sure no second one follows.
            #expect(try JournalReader.entries(site: name).count == 1)
        }
        try await Task.sleep(for: .milliseconds(300))
        for name in names {
            #expect(try JournalReader.read(match: "FEEDWATCH_SITE=\(name)").count == 1, "\(name)")
        }
        #expect(try await store.unemittedEvents().isEmpty)
    }

    @Test func theStatusLineCountsChangesToPostsNotBaselinesOrTouches() async throws {
        let watched = try WatchedSite("reporter-changes")
        let first = watched.site.addPost(title: "First", content: "<p>One.</p>")
        let second = watched.site.addPost(title: "Second", content: "<p>Two.</p>")
        #expect(await watched.sync() == nil)
        let reporter = watched.engine.reporter
        #expect(await reporter.changesReported(inLast: .seconds(3600)) == 0, "a baseline is no change")

        watched.site.edit(first, title: "First, revised")
        watched.site.edit(second)
        _ = watched.site.addPost(title: "Third", content: "<p>Three.</p>")
        #expect(await watched.sync() == nil)
        let kinds = try JournalReader.entries(site: watched.name, atLeast: 4).compactMap { $0["FEEDWATCH_EVENT"] }
        #expect(kinds.sorted() == ["baseline", "new", "revised", "touched"])
        #expect(await reporter.changesReported(inLast: .seconds(3600)) == 2, "revised and new")
        try await Task.sleep(for: .milliseconds(50))
        #expect(await reporter.changesReported(inLast: .milliseconds(10)) == 0, "older changes leave the window")
        await watched.shutdown()
    }
}
