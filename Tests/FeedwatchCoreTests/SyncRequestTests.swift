@testable import FeedwatchCore
import FakeWordPress
import Logging
import Testing
import TestSupport

/// A failing database is not the site's fault; a requested sync runs now.
@Suite struct SiteQueueRequestTests {
    private let engine: Engine
    private let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
        engine = try Engine(configuration: Configuration(source: "test", sites: []),
                            databasePath: directory.file("feedwatch.db"), environment: [:], logger: Logger(label: "test"))
    }

    private func syncer(_ name: String, interval: Duration = .seconds(60)) -> SiteSyncer {
        var site = SiteConfiguration(name: name, url: "http://127.0.0.1:9/\(name)/")
        site.interval = interval
        return engine.syncer(for: site)
    }

    @Test func aStoreFailureIsRetriedAtTheIntervalHoweverLongItLasted() {
        let now = ContinuousClock.now
        var queue = SiteQueue()
        queue.replace(with: [syncer("store"), syncer("site")], previous: [:], now: now)
        var clock = now + .seconds(10)
        for _ in 0..<10 {
            #expect(Set(queue.names) == ["site", "store"])
            var due: [String] = []
            while let syncer = queue.popDue(at: clock + .seconds(7200)) { due.append(syncer.site.name) }
            for name in due {
                queue.finished(name, with: SyncResult(error: "failed", storeFailed: name == "store"), now: clock)
            }
            clock += .seconds(10)
        }
        var store: [String] = []
        while let due = queue.popDue(at: clock + .seconds(63)) { store.append(due.site.name) }
        #expect(store == ["store"], "the database's failures back nothing off; the site's own do")
        #expect(queue.failing == 2)
    }

    @Test func aRequestedSyncRunsNowAndAnswersWithItsEvents() async throws {
        let server = try FakeWordPressServer()
        defer { server.stop() }
        let fake = server.addSite(uniqueSiteName("request"))
        let post = fake.addPost(title: "Before", content: "<p>One.</p>")
        var configuration = SiteConfiguration(name: fake.name, url: fake.url)
        configuration.interval = .seconds(3600)
        var disabled = SiteConfiguration(name: uniqueSiteName("request-disabled"), url: fake.url)
        disabled.enabled = false
        // Baselined already, so the scheduler itself waits out the hour.
        #expect(await engine.syncer(for: configuration).sync().error == nil)
        let previous = Dictionary(uniqueKeysWithValues: try await engine.store.siteStatuses().map { ($0.name, $0) })
        let scheduler = Scheduler(Scheduler.Plan(syncers: [engine.syncer(for: configuration)], previous: previous,
                                                 standby: [engine.syncer(for: disabled)]), logger: Logger(label: "test"))
        let (requests, requester) = AsyncStream.makeStream(of: SyncRequest.self)
        let running = Task { await scheduler.run(requests: requests) }
        defer { running.cancel() }

        let first = await SyncRequest.ask(requester, sites: [fake.name], full: false)
        #expect(first == [SiteOutcome(site: fake.name, error: nil)], "nothing changed")

        fake.edit(post, title: "After")
        let second = await SyncRequest.ask(requester, sites: [fake.name, disabled.name, "nowhere"], full: false)
        #expect(second.map(\.site) == [fake.name, disabled.name, "nowhere"])
        #expect(second[0].events.count == 1 && second[0].events[0].hasPrefix("revised: \(fake.name) post \(post) \"After\""),
                "\(second[0])")
        #expect(second[1].error == nil && second[1].events.first?.hasPrefix("baseline: ") == true, "a disabled site, by name")
        #expect(second[2].error?.contains("no site named \"nowhere\"") == true)
        running.cancel()
        await running.value
    }
}
