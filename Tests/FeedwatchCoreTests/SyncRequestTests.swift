@testable import FeedwatchCore
import FakeWordPress
import Locking
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

    @Test func aRequestForASiteAReloadRemovesIsAnsweredAtTheReload() async throws {
        let server = try FakeWordPressServer()
        defer { server.stop() }
        let slow = server.addSite(uniqueSiteName("request-slow"))
        let removed = server.addSite(uniqueSiteName("request-removed"))
        let disabled = server.addSite(uniqueSiteName("request-disabled"))
        var configurations: [SiteConfiguration] = []
        for fake in [slow, removed, disabled] {
            fake.addPost(title: "Post of \(fake.name)", content: "<p>Text.</p>")
            var configuration = SiteConfiguration(name: fake.name, url: fake.url)
            configuration.interval = .seconds(3600)
            configurations.append(configuration)
            #expect(await engine.syncer(for: configuration).sync().error == nil)
        }
        let previous = Dictionary(uniqueKeysWithValues: try await engine.store.siteStatuses().map { ($0.name, $0) })
        // One slot, held by the slow site's sync while the others wait for it.
        let scheduler = Scheduler(Scheduler.Plan(syncers: configurations.map(engine.syncer(for:)), concurrency: 1,
                                                 previous: previous), logger: Logger(label: "test"))
        let (plans, planner) = AsyncStream.makeStream(of: Scheduler.Plan.self)
        let (requests, requester) = AsyncStream.makeStream(of: SyncRequest.self)
        let running = Task { await scheduler.run(plans: plans, requests: requests) }
        defer { running.cancel() }

        slow.injectFault(.slowBody(bytesPerSecond: 20))
        let slowAnswer = Task { await SyncRequest.ask(requester, sites: [slow.name], full: false) }
        try await Task.sleep(for: .milliseconds(300))
        let answered = Locked<[SiteOutcome]?>(nil)
        let waiting = Task {
            let answer = await SyncRequest.ask(requester, sites: [removed.name, disabled.name], full: false)
            answered.withLock { $0 = answer }
        }
        try await Task.sleep(for: .milliseconds(300))
        var disabledConfiguration = configurations[2]
        disabledConfiguration.enabled = false
        planner.yield(Scheduler.Plan(syncers: [engine.syncer(for: configurations[0])], concurrency: 1, previous: previous,
                                     standby: [engine.syncer(for: disabledConfiguration)]))

        // Answered at the reload, not at shutdown (looked for 10 s, so a regression fails instead of hanging).
        for _ in 0..<100 where answered.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(100)) }
        let answer = try #require(answered.withLock { $0 }, "no answer at the reload")
        #expect(answer.map(\.site) == [removed.name, disabled.name])
        #expect(answer[0].error == "a reload removed \"\(removed.name)\" from the configuration before it was synced")
        #expect(answer[1].error == nil, "a site the reload disabled is still synced when asked by name: \(answer[1])")
        #expect(await slowAnswer.value.map(\.site) == [slow.name])
        running.cancel()
        await running.value
        await waiting.value
    }
}
