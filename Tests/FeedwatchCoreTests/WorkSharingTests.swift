@testable import FeedwatchCore
import Foundation
import Logging
import Testing
import TestSupport

/// Daemons sharing one PostgreSQL database divide its sites, events and
/// channels by leases (`WorkSharing`), against a real server.
@Suite struct WorkSharingTests {
    /// One database on a server of the test's own, opened as any number of nodes.
    private final class SharedDatabase: Sendable {
        let server: PostgresServer
        let name: String

        init() throws {
            server = try PostgresServer()
            name = try server.createDatabase()
        }

        func node(_ node: String, lease: Duration = .seconds(30)) -> PostgresStore {
            var location = PostgresLocation(url: server.socketURL(database: name))
            location.node = node
            location.lease = lease
            return PostgresStore(location, environment: [:])
        }
    }

    @Test func aSiteLeasedByOneNodeIsNotTakenByAnother() async throws {
        let database = try SharedDatabase()
        let (a, b) = (database.node("a"), database.node("b"))
        #expect(try await a.acquire(site: "s", url: "https://a.org/", requested: false) == .taken)
        guard case .elsewhere(_, let leased) = try await b.acquire(site: "s", url: "https://a.org/", requested: false) else {
            Issue.record("b took a site a holds")
            return
        }
        #expect(leased)
        guard case .elsewhere(_, true) = try await b.acquire(site: "s", url: "https://a.org/", requested: true) else {
            Issue.record("a request let b take a site a is syncing")
            return
        }
    }

    @Test func aReleasedSiteWaitsOutItsDueTimeUnlessRequested() async throws {
        let database = try SharedDatabase()
        let (a, b) = (database.node("a"), database.node("b"))
        #expect(try await a.acquire(site: "s", url: "https://a.org/", requested: false) == .taken)
        try await a.release(site: "s", nextDue: .seconds(60))
        guard case .elsewhere(let dueIn, false) = try await b.acquire(site: "s", url: "https://a.org/", requested: false) else {
            Issue.record("b took a site not due")
            return
        }
        #expect(dueIn > .seconds(55) && dueIn <= .seconds(60))
        #expect(try await b.acquire(site: "s", url: "https://a.org/", requested: true) == .taken)
        try await b.release(site: "s", nextDue: .zero)
        #expect(try await a.acquire(site: "s", url: "https://a.org/", requested: false) == .taken)
        #expect(try await database.server.psql("SELECT last_node FROM site WHERE name = 's'", database: database.name) == "b")
    }

    @Test func aLeaseNotRenewedRunsOutAndAnotherNodeTakesTheSite() async throws {
        let database = try SharedDatabase()
        let (a, b) = (database.node("a", lease: .seconds(4)), database.node("b", lease: .seconds(4)))
        #expect(try await a.acquire(site: "s", url: "https://a.org/", requested: false) == .taken)
        try await Task.sleep(for: .seconds(2))
        try await a.heartbeat(command: "run")
        try await Task.sleep(for: .seconds(2.5))
        #expect(try await b.acquire(site: "s", url: "https://a.org/", requested: false) != .taken,
                "renewed 2.5 s ago: held, though taken 4.5 s ago")
        try await Task.sleep(for: .seconds(2))
        #expect(try await b.acquire(site: "s", url: "https://a.org/", requested: false) == .taken)
    }

    @Test func eachEventIsClaimedByTheNodeThatCommittedItUntilThatNodeLeaves() async throws {
        let database = try SharedDatabase()
        let (a, b) = (database.node("a"), database.node("b"))
        try await a.heartbeat(command: "run")
        try await b.heartbeat(command: "run")
        let baseline = try await a.recordSuccess(of: try await a.registerSite(name: "s", url: "https://a.org/"))
        #expect(baseline.count == 1)
        #expect(try await b.unemittedEvents().isEmpty, "a's event, a alive")
        #expect(try await a.unemittedCount() == 1)
        #expect(try await b.unemittedCount() == 0)
        try await a.leave()
        let taken = try await b.unemittedEvents()
        #expect(taken.map(\.id) == baseline.map(\.id))
        #expect(try await a.unemittedEvents().isEmpty, "claimed by b now")
        #expect(try await b.unemittedCount() == 1)
    }

    @Test func theEventsOfANodeSilentForALeaseAreTakenOver() async throws {
        let database = try SharedDatabase()
        let (a, b) = (database.node("a", lease: .seconds(4)), database.node("b", lease: .seconds(4)))
        try await a.heartbeat(command: "run")
        _ = try await a.recordSuccess(of: try await a.registerSite(name: "s", url: "https://a.org/"))
        #expect(try await b.unemittedEvents().isEmpty)
        try await Task.sleep(for: .seconds(4.5))
        #expect(try await b.unemittedEvents().count == 1)
    }

    @Test func aLivingNodesHeartbeatReportsTheEventsADeadNodeLeftUnreported() async throws {
        let database = try SharedDatabase()
        let (dead, living) = (database.node("dead"), database.node(uniqueSiteName("heir")))
        let site = uniqueSiteName("orphaned")
        try await dead.heartbeat(command: "run")
        _ = try await dead.recordSuccess(of: try await dead.registerSite(name: site, url: "https://a.org/"))
        try await dead.leave()
        let reporter = EventReporter(store: living, journal: JournalWriter(destination: .journal),
                                     logger: Logger(label: "test"))
        let heartbeat = Task { try await NodeHeartbeat(living, command: "run", reporter: reporter, logger: Logger(label: "test")).run() }
        defer { heartbeat.cancel() }
        let entries = try JournalReader.entries(site: site)
        #expect(entries.map { $0["FEEDWATCH_EVENT"] } == ["baseline"])
        #expect(entries.first?["FEEDWATCH_NODE"] == living.node, "reported by the heir, with its name")
        #expect(try await living.unemittedEvents().isEmpty)
    }

    @Test func oneNodeAtATimeDeliversAChannel() async throws {
        let database = try SharedDatabase()
        let (a, b) = (database.node("a"), database.node("b"))
        let channel = NotifyChannel(name: "hook", target: .webhook(url: "http://127.0.0.1:9/", secret: nil), events: [.baseline])
        a.route(to: [channel])
        _ = try await a.recordSuccess(of: try await a.registerSite(name: "s", url: "https://a.org/"))
        let delivery = try await a.nextDelivery(for: "hook")
        #expect(delivery != nil)
        #expect(try await b.nextDelivery(for: "hook") == nil, "a delivers hook")
        try await a.leave()
        #expect(try await b.nextDelivery(for: "hook")?.eventID == delivery?.eventID)
        #expect(try await a.nextDelivery(for: "hook") == nil, "b delivers hook now")
    }

    @Test func oneProcessAtATimeActsAsANode() async throws {
        let database = try SharedDatabase()
        let first = try await database.node("a").lockWriter()
        #expect(first != nil)
        #expect(try await database.node("a").lockWriter() == nil)
        #expect(try await database.node("b").lockWriter() != nil, "another node goes on")
        withExtendedLifetime(first) {}
    }

    @Test func aNodeTakesItsLockAgainAfterTheServerRestarts() async throws {
        let database = try SharedDatabase()
        let node = database.node("a")
        let lock = try await node.lockWriter()
        #expect(lock != nil)
        #expect(try await node.keepNodeLock())
        try database.server.stop()
        await #expect(throws: StoreError.self, "the database is away") { try await node.keepNodeLock() }
        try database.server.start()
        try await Task.sleep(for: ConnectBackoff.first)  // the failed attempt's backoff
        #expect(try await node.keepNodeLock(), "the lock is taken again on a new session")
        #expect(try await database.node("a").lockWriter() == nil, "a second process is refused again")
        withExtendedLifetime(lock) {}
    }

    @Test func aNodeWhoseLockAnotherProcessTookDuringARestartStops() async throws {
        let database = try SharedDatabase()
        let first = database.node("a")
        let lock = try await first.lockWriter()
        try await first.heartbeat(command: "run")
        try database.server.stop()
        try database.server.start()
        let second = database.node("a")
        let secondLock = try await second.lockWriter()
        #expect(secondLock != nil, "the restart ended the first process's lock")
        try await second.heartbeat(command: "run")
        #expect(try await first.keepNodeLock() == false)
        let reporter = EventReporter(store: first, journal: JournalWriter(destination: .journal),
                                     logger: Logger(label: "test"))
        let heartbeat = NodeHeartbeat(first, command: "run", reporter: reporter, logger: Logger(label: "test"))
        let error = await #expect(throws: NodeTakenError.self) { try await heartbeat.run() }
        #expect(error?.description.contains("node a: another process (pid \(getpid()) on ") == true, "\(String(describing: error))")
        #expect(try await first.keepNodeLock() == false, "it stays lost")
        withExtendedLifetime((lock, secondLock)) {}
    }

    @Test func statusListsEachNodeWithItsHeartbeatAndShare() async throws {
        let database = try SharedDatabase()
        let (a, b) = (database.node("a"), database.node("b"))
        try await a.heartbeat(command: "run")
        try await b.heartbeat(command: "run")
        #expect(try await a.acquire(site: "s", url: "https://a.org/", requested: false) == .taken)
        #expect(try await b.acquire(site: "t", url: "https://b.org/", requested: false) == .taken)
        try await b.release(site: "t", nextDue: .seconds(60))
        try await b.leave()
        let nodes = try await a.nodes()
        #expect(nodes.map(\.name) == ["a", "b"])
        #expect(nodes.map(\.alive) == [true, false])
        #expect(nodes.map(\.leases) == [1, 0])
        #expect(nodes.map(\.sites) == [0, 1])
        #expect(nodes[0].pid == getpid() && nodes[1].stoppedAt != nil)
    }
}
