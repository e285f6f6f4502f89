import Foundation
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

@Suite struct SiteQueueTests {
    private let engine: Engine
    private let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
        engine = try Engine(configuration: Configuration(source: "test", sites: []),
                            databasePath: directory.file("feedwatch.db"), environment: [:], logger: Logger(label: "test"))
    }

    private func syncer(_ name: String, interval: Duration = .seconds(600)) -> SiteSyncer {
        var site = SiteConfiguration(name: name, url: "http://127.0.0.1:9/\(name)/")
        site.interval = interval
        return engine.syncer(for: site)
    }

    /// Every site due by `instant`, in due order.
    private func drain(_ queue: inout SiteQueue, at instant: ContinuousClock.Instant) -> [String] {
        var names: [String] = []
        while let syncer = queue.popDue(at: instant) { names.append(syncer.site.name) }
        return names
    }

    @Test func aNewSetAddsRemovesAndChangesSitesByName() {
        let now = ContinuousClock.now
        var queue = SiteQueue()
        #expect(queue.replace(with: [syncer("a"), syncer("b")], previous: [:], now: now)
            == SiteQueue.Changes(added: ["a", "b"]))
        let changes = queue.replace(with: [syncer("b", interval: .seconds(60)), syncer("c")], previous: [:], now: now)
        #expect(changes == SiteQueue.Changes(added: ["c"], removed: ["a"], changed: ["b"], shortened: ["b": .seconds(60)]))
        #expect(queue.replace(with: [syncer("b", interval: .seconds(60)), syncer("c")], previous: [:], now: now)
            == SiteQueue.Changes(), "the same set again changes nothing")
        #expect(queue.count == 2)
        #expect(drain(&queue, at: now + .seconds(10)).sorted() == ["b", "c"], "new sites start within seconds")
    }

    @Test func aShorterIntervalBringsAQueuedSiteForward() {
        let now = ContinuousClock.now
        var queue = SiteQueue()
        queue.replace(with: [syncer("a", interval: .seconds(3600))], previous: [:], now: now)
        _ = drain(&queue, at: now + .seconds(10))
        queue.finished("a", with: SyncResult(error: nil), now: now + .seconds(10))
        #expect(drain(&queue, at: now + .seconds(120)).isEmpty, "due in an hour")
        queue.replace(with: [syncer("a", interval: .seconds(60))], previous: [:], now: now + .seconds(20))
        #expect(drain(&queue, at: now + .seconds(84)) == ["a"], "due a minute (±5%) after the reload")
    }

    @Test func aSiteRemovedAndAddedBackWhileSyncingIsQueuedOnceItsSyncEnds() {
        let now = ContinuousClock.now
        var queue = SiteQueue()
        queue.replace(with: [syncer("a")], previous: [:], now: now)
        #expect(drain(&queue, at: now + .seconds(10)) == ["a"])
        queue.replace(with: [], previous: [:], now: now + .seconds(11))
        queue.replace(with: [syncer("a")], previous: [:], now: now + .seconds(12))
        #expect(drain(&queue, at: now + .seconds(30)).isEmpty, "never two syncs of one site at once")
        queue.finished("a", with: SyncResult(error: "timed out"), now: now + .seconds(13))
        #expect(queue.failing == 1)
        #expect(drain(&queue, at: now + .seconds(13 + 3600)) == ["a"], "queued again, once, after a backoff")
    }

    @Test func aSharedSiteIsQueuedAgainOnlyOnceItsLeaseIsBackEvenIfAReloadRemovedAndAddedIt() {
        let now = ContinuousClock.now
        var queue = SiteQueue()
        queue.replace(with: [syncer("a"), syncer("b")], previous: [:], now: now)
        #expect(Set(drain(&queue, at: now + .seconds(10))) == ["a", "b"])
        let wait = queue.finished("a", with: SyncResult(error: nil), now: now + .seconds(11), holding: true)
        #expect(wait.map { $0 >= .seconds(570) && $0 <= .seconds(630) } == true, "its interval, for the database")
        _ = queue.finished("b", with: SyncResult(error: nil), now: now + .seconds(11), holding: true)
        #expect(drain(&queue, at: now + .seconds(2000)).isEmpty, "not while its lease is out")
        queue.replace(with: [syncer("b")], previous: [:], now: now + .seconds(12))
        queue.replace(with: [syncer("a"), syncer("b")], previous: [:], now: now + .seconds(13))
        queue.released("a", now: now + .seconds(14))
        queue.released("b", now: now + .seconds(14))
        #expect(drain(&queue, at: now + .seconds(14)) == ["a"], "back at once, its due time gone with the reload")
        #expect(drain(&queue, at: now + .seconds(2000)) == ["b"])
    }

    @Test func aSharedSiteRemovedDuringItsSyncAndAddedBackWaitsForItsLease() {
        let now = ContinuousClock.now
        var queue = SiteQueue()
        queue.replace(with: [syncer("a")], previous: [:], now: now)
        #expect(drain(&queue, at: now + .seconds(10)) == ["a"])
        queue.replace(with: [], previous: [:], now: now + .seconds(11))
        #expect(queue.finished("a", with: SyncResult(error: nil), now: now + .seconds(12), holding: true) == nil)
        queue.replace(with: [syncer("a")], previous: [:], now: now + .seconds(13))
        #expect(drain(&queue, at: now + .seconds(2000)).isEmpty, "its last lease is still out")
        queue.released("a", now: now + .seconds(14))
        #expect(drain(&queue, at: now + .seconds(14)) == ["a"])
    }
}

@Suite struct DueQueueTests {
    /// A queue kept the slow way, to check the heap against.
    private struct Model {
        var due: [String: (at: Int, sequence: Int)] = [:]
        var sequence = 0

        mutating func insert(_ name: String, at time: Int) {
            sequence += 1
            due[name] = (time, sequence)
        }

        mutating func popDue(at now: Int) -> String? {
            guard let first = due.min(by: { ($0.value.at, $0.value.sequence) < ($1.value.at, $1.value.sequence) }),
                  first.value.at <= now else { return nil }
            due[first.key] = nil
            return first.key
        }
    }

    @Test func theHeapPopsWhatASortedListWouldUnderRandomInsertsMovesAndRemovals() {
        let start = ContinuousClock.now
        func instant(_ seconds: Int) -> ContinuousClock.Instant { start + .seconds(seconds) }
        var generator = SeededGenerator(seed: 11)
        var queue = DueQueue()
        var model = Model()
        var now = 0
        for _ in 0..<20_000 {
            let name = "site-\(generator.below(300))"
            switch generator.below(10) {
            case 0..<5:  // queued, or moved if it was
                let time = now + generator.below(50)
                queue.insert(name, at: instant(time))
                model.insert(name, at: time)
            case 5..<7:
                #expect(queue.remove(name) == model.due.removeValue(forKey: name).map { instant($0.at) })
            default:
                now += generator.below(5)
                #expect(queue.popDue(at: instant(now)) == model.popDue(at: now))
            }
            #expect(queue.count == model.due.count)
            #expect(queue.nextDue == model.due.values.min { ($0.at, $0.sequence) < ($1.at, $1.sequence) }.map { instant($0.at) })
        }
        while let name = model.popDue(at: .max) {
            #expect(queue.popDue(at: instant(now + 1000)) == name)
        }
        #expect(queue.nextDue == nil)
    }
}

/// The scheduler on a database daemons share: a site is synced only under
/// its lease, a site another daemon has waits for the due time the database
/// gives, and each lease goes back with the next due time.
@Suite struct SchedulerSharingTests {
    /// Leases as another daemon would leave them: `held` is always someone
    /// else's, due in an hour; every other site is free. Records each call.
    private final class RecordingSharing: WorkSharing, @unchecked Sendable {
        let node = "test-node"
        let lease = Duration.seconds(30)
        let held: String
        private let lock = NSLock()
        private var calls: [String] = []

        init(held: String) { self.held = held }

        var log: [String] { lock.withLock { calls } }

        private func record(_ call: String) { lock.withLock { calls.append(call) } }

        func acquire(site: String, url: String, requested: Bool) async throws(StoreError) -> SiteLease {
            record("acquire \(site)")
            return site == held ? .elsewhere(dueIn: .seconds(3600), leased: false) : .taken
        }

        func release(site: String, nextDue: Duration) async throws(StoreError) {
            record("release \(site) \(nextDue > .milliseconds(250) && nextDue < .milliseconds(350))")
        }

        func heartbeat(command: String) async throws(StoreError) {}
        func leave() async throws(StoreError) {}
        func keepNodeLock() async throws(StoreError) -> Bool { true }
        func bringForward(site: String, dueWithin: Duration) async throws(StoreError) { record("bring forward \(site)") }
        func nodes() async throws(StoreError) -> [NodeStatus] { [] }
    }

    @Test func aSiteIsSyncedOnlyUnderItsLeaseAndGivenBackWithItsNextDueTime() async throws {
        let server = try FakeWordPressServer()
        let (free, held) = (server.addSite(uniqueSiteName("lease-free")), server.addSite(uniqueSiteName("lease-held")))
        free.addGeneratedPosts(1)
        held.addGeneratedPosts(1)
        let directory = try TemporaryDirectory()
        let sites = [free, held].map { site in
            var watched = SiteConfiguration(name: site.name, url: site.url)
            watched.interval = .milliseconds(300)
            return watched
        }
        let engine = try Engine(configuration: Configuration(source: "test", sites: sites),
                                databasePath: directory.file("feedwatch.db"), environment: [:], logger: Logger(label: "test"))
        let sharing = RecordingSharing(held: held.name)
        let plan = Scheduler.Plan(syncers: sites.map(engine.syncer), sharing: sharing)
        let scheduler = Scheduler(plan, logger: Logger(label: "test"))
        let task = Task { await scheduler.run() }
        try await Task.sleep(for: .milliseconds(5000))
        task.cancel()
        await task.value

        let requests = server.requests.map(\.target)
        #expect(requests.contains { $0.hasPrefix("/\(free.name)/") })
        #expect(!requests.contains { $0.hasPrefix("/\(held.name)/") }, "another daemon's site is left alone")
        let log = sharing.log
        #expect(log.filter { $0 == "acquire \(held.name)" }.count == 1, "then it waits out the hour: \(log)")
        let freeCalls = log.filter { $0.contains(free.name) }
        #expect(freeCalls.count >= 4, "\(freeCalls)")
        // Taken, given back, taken again: never taken while its last lease is still out.
        for (index, call) in freeCalls.enumerated() {
            #expect(call.hasPrefix(index.isMultiple(of: 2) ? "acquire" : "release"), "\(freeCalls)")
        }
        #expect(freeCalls.filter { $0.hasPrefix("release") }.allSatisfy { $0.hasSuffix("true") },
                "given back with its interval: \(freeCalls)")
        await engine.shutdown()
        server.stop()
    }
}
