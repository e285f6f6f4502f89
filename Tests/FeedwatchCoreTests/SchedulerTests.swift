import FakeWordPress
@testable import FeedwatchCore
import Logging
import Testing
import TestSupport

@Suite struct SchedulerTests {
    @Test func dueQueuePopsInDueOrderAndOnlyWhenDue() {
        let now = ContinuousClock.now
        var queue = DueQueue()
        queue.insert("c", at: now + .seconds(3))
        queue.insert("a", at: now + .seconds(1))
        queue.insert("b", at: now + .seconds(2))
        #expect(queue.popDue(at: now) == nil)
        #expect(queue.nextDue == now + .seconds(1))
        #expect(queue.popDue(at: now + .seconds(5)) == "a")
        #expect(queue.remove("c") == now + .seconds(3))
        #expect(queue.popDue(at: now + .seconds(5)) == "b")
        #expect(queue.popDue(at: now + .seconds(5)) == nil)
    }

    @Test func withNoSitesTheSchedulerIdlesUntilCancelled() async throws {
        let scheduler = Scheduler(syncers: [], logger: Logger(label: "test"))
        let task = Task { await scheduler.run() }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        let start = ContinuousClock.now
        await task.value
        #expect(ContinuousClock.now - start < .seconds(1))
    }

    @Test func eachSiteIsPolledAgainAtItsInterval() async throws {
        let server = try FakeWordPressServer()
        let name = uniqueSiteName("scheduler")
        let site = server.addSite(name)
        site.addGeneratedPosts(2)
        let directory = try TemporaryDirectory()
        var watched = SiteConfiguration(name: name, url: site.url)
        watched.interval = .milliseconds(300)
        let engine = try Engine(configuration: Configuration(source: "test", sites: [watched]),
                                databasePath: directory.file("feedwatch.db"), environment: [:], logger: Logger(label: "test"))
        let scheduler = Scheduler(syncers: [engine.syncer(for: watched)], logger: Logger(label: "test"))
        let task = Task { await scheduler.run() }
        try await Task.sleep(for: .milliseconds(1500))
        task.cancel()
        await task.value
        let listings = server.requests.filter { $0.target.contains("wp/v2/posts") }.count
        #expect((3...6).contains(listings), "\(listings) listings in 1.5 s at a 300 ms interval")
        await engine.shutdown()
        server.stop()
    }
}

@Suite struct SchedulerResumeTests {
    /// A site synced just before a restart, and a scheduler started with or
    /// without the database's record of that sync.
    private func listingsInFirstSecond(resuming: Bool) async throws -> Int {
        let server = try FakeWordPressServer()
        let site = server.addSite(uniqueSiteName("resume"))
        site.addGeneratedPosts(2)
        let directory = try TemporaryDirectory()
        var watched = SiteConfiguration(name: site.name, url: site.url)
        watched.interval = .seconds(30)
        let engine = try Engine(configuration: Configuration(source: "test", sites: [watched]),
                                databasePath: directory.file("feedwatch.db"), environment: [:], logger: Logger(label: "test"))
        #expect(await engine.syncer(for: watched).sync().error == nil)
        server.clearRequests()
        let previous = resuming ? try await engine.store.siteStatuses() : []
        let scheduler = Scheduler(syncers: [engine.syncer(for: watched)],
                                  previous: Dictionary(uniqueKeysWithValues: previous.map { ($0.name, $0) }),
                                  logger: Logger(label: "test"))
        let task = Task { await scheduler.run() }
        try await Task.sleep(for: .milliseconds(1000))
        task.cancel()
        await task.value
        let listings = server.requests.filter { $0.target.contains("wp/v2/posts") }.count
        await engine.shutdown()
        server.stop()
        return listings
    }

    @Test func aRestartWaitsOutTheIntervalOfASiteJustSynced() async throws {
        #expect(try await listingsInFirstSecond(resuming: true) == 0)
        #expect(try await listingsInFirstSecond(resuming: false) > 0, "without the record, the site is polled at once")
    }
}
