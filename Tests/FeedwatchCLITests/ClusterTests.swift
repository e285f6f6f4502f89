import FakeWordPress
import Foundation
import Glibc
import Testing
import TestSupport

/// Three `feedwatch run` daemons on one PostgreSQL database (a server of the
/// test's own) share a farm of fake WordPress sites: every site is synced,
/// never by two at once, every edit is reported once, in one journal, and
/// delivered once; a daemon killed, or the database restarting, loses nothing.
@Suite(.serialized, .onceForBothBackends) struct ClusterTests {
    private static let lease = "3s"
    /// The first key of every node's advisory lock, as `PostgresStore` takes it ("fdwn").
    private static let nodeLockClass = 0x6664_776E

    private final class Cluster {
        let database: PostgresServer
        let databaseName: String
        let server: FakeWordPressServer
        let receiver: FakeWebhookReceiver
        let scratch: TemporaryDirectory
        let sites: [FakeSite]
        /// Each site's first post.
        let posts: [Int]
        let nodes: [String]
        var daemons: [String: Binary.Running] = [:]

        init(_ purpose: String, sites count: Int) throws {
            database = try PostgresServer()
            databaseName = try database.createDatabase()
            server = try FakeWordPressServer()
            receiver = try FakeWebhookReceiver()
            scratch = try TemporaryDirectory()
            let prefix = uniqueSiteName(purpose)
            let server = server
            sites = (0..<count).map { server.addSite("\(prefix)-\($0)") }
            posts = sites.map { site in
                let first = site.addPost(title: "First of \(site.name)", content: "<p>One.</p>")
                _ = site.addPost(title: "Second of \(site.name)", content: "<p>Two.</p>")
                return first
            }
            nodes = ["a", "b", "c"].map { "\(prefix)-\($0)" }
        }

        func configuration(node: String) throws -> String {
            let sites = self.sites.map { #"{"name": "\#($0.name)", "url": "\#($0.url)"}"# }.joined(separator: ",\n")
            return try scratch.write("\(node).json", """
                {"database": {"url": "\(database.socketURL(database: databaseName))", "node": "\(node)",
                              "lease": "\(ClusterTests.lease)"},
                 "defaults": {"interval": "10s"},
                 "sites": [\(sites)],
                 "notify": [{"name": "hook", "webhook": "\(receiver.url)", "events": ["revised"]}]}
                """)
        }

        func start(_ node: String, environment: [String: String] = [:]) throws {
            daemons[node] = try Binary.Running(["run", "--config", try configuration(node: node)], environment: environment)
        }

        /// The entries each node wrote to the journal, by node.
        func entries() throws -> [String: [[String: String]]] {
            try Dictionary(uniqueKeysWithValues: nodes.map { ($0, try JournalReader.read(match: "FEEDWATCH_NODE=\($0)")) })
        }

        func events(_ kind: String) throws -> [[String: String]] {
            try entries().values.flatMap { $0 }.filter { $0["FEEDWATCH_EVENT"] == kind }
        }

        func sql(_ query: String) throws -> String {
            try database.psql(query, database: databaseName)
        }

        func stop() {
            for daemon in daemons.values { daemon.process.stop(grace: 10) }
            receiver.stop()
            server.stop()
        }
    }

    /// The edits' revised events: one per edit, none repeated, each in one node's journal.
    private func expectEachEditReportedOnce(_ cluster: Cluster, edited: Range<Int>, within seconds: Double) throws {
        let expected = Set(edited.map { cluster.sites[$0].name })
        #expect(try eventually(seconds, poll: 0.5) { Set(try cluster.events("revised").compactMap { $0["FEEDWATCH_SITE"] }) == expected })
        Thread.sleep(forTimeInterval: 2)
        let revised = try cluster.events("revised")
        let ids = revised.compactMap { $0["FEEDWATCH_EVENT_ID"] }
        #expect(Set(ids).count == edited.count, "one event per edit")
        #expect(revised.count == edited.count, "none reported twice: \(revised.count - Set(ids).count) repeated")
        #expect(try eventually(seconds, poll: 0.5) { Set(cluster.receiver.requests.compactMap { $0.header("Idempotency-Key") }).count == edited.count })
        Thread.sleep(forTimeInterval: 1)
        #expect(Set(cluster.receiver.requests.compactMap { $0.header("Idempotency-Key") }).count == edited.count)
        #expect(cluster.receiver.requests.count == edited.count, "one delivery per edit")
    }

    @Test func threeDaemonsShareThreeHundredSitesAndReportEachOfTwoHundredEditsOnce() throws {
        let cluster = try Cluster("cluster-share", sites: 300)
        defer { cluster.stop() }
        let notify = try NotifySocket(path: cluster.scratch.file("notify.sock"))
        defer { notify.close() }
        try cluster.start(cluster.nodes[0], environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "3000000"])
        for node in cluster.nodes.dropFirst() { try cluster.start(node) }
        #expect(try eventually(60, poll: 0.5) { try cluster.events("baseline").count >= 300 })
        let baselines = try cluster.events("baseline")
        #expect(baselines.count == 300 && Set(baselines.compactMap { $0["FEEDWATCH_SITE"] }).count == 300)

        for index in 0..<200 { cluster.sites[index].edit(cluster.posts[index], title: "Edited \(index)") }
        try expectEachEditReportedOnce(cluster, edited: 0..<200, within: 40)

        // Each daemon did its share, no site ever had two syncs at once, and
        // every site was synced within its last interval or two.
        let perNode = try cluster.entries().mapValues(\.count)
        for node in cluster.nodes { #expect(perNode[node, default: 0] >= 30, "\(perNode)") }
        let shares = try cluster.sql("SELECT last_node, count(*) FROM site GROUP BY last_node ORDER BY 1")
        #expect(shares.split(separator: "\n").count == 3, "\(shares)")
        let overlapping = cluster.sites.filter { cluster.server.maximumConcurrentRequests(forSite: $0) > 1 }
        #expect(overlapping.isEmpty, "\(overlapping.map(\.name))")
        #expect(try cluster.sql("""
            SELECT count(*) FROM site WHERE last_success_at IS NULL OR last_success_at::timestamptz < now() - interval '25 seconds'
            """) == "0")
        #expect(try cluster.events("site-failing").isEmpty)

        let status = try Binary.run(["status", "--config", try cluster.configuration(node: cluster.nodes[0])])
        #expect(status.status == 0, "\(status.stderr)")
        for node in cluster.nodes { #expect(status.stdout.contains("\(node)  alive"), "\(status.stdout)") }
        let share = try #require(notify.receive(until: { $0.contains("of them last") }, timeout: 5).last)
        #expect(share.contains("300 sites") && share.contains("node \(cluster.nodes[0]) synced "), "\(share)")

        for node in cluster.nodes {
            cluster.daemons[node]?.process.send(SIGTERM)
            #expect(cluster.daemons[node]?.wait(timeout: 20).status == 0)
        }
        #expect(try cluster.sql("SELECT count(*) FROM site WHERE lease_node IS NOT NULL") == "0", "leases given back")
        #expect(try cluster.sql("SELECT count(*) FROM node WHERE stopped_at IS NULL") == "0")
    }

    @Test func theSitesOfADaemonKilledMidSyncResumeOnTheOthersAndNothingIsLost() throws {
        let cluster = try Cluster("cluster-kill", sites: 60)
        defer { cluster.stop() }
        for node in cluster.nodes { try cluster.start(node) }
        #expect(try eventually(60, poll: 0.5) { try cluster.events("baseline").count >= 60 })
        let victim = cluster.nodes[0]
        for index in 0..<30 { cluster.sites[index].edit(cluster.posts[index], title: "Edited \(index)") }
        Thread.sleep(forTimeInterval: 3)
        cluster.daemons[victim]?.process.send(SIGKILL)
        _ = cluster.daemons[victim]?.wait(timeout: 10)
        let killedAt = Date()
        for index in 30..<60 { cluster.sites[index].edit(cluster.posts[index], title: "Edited \(index)") }

        let revised = { try cluster.events("revised").compactMap { $0["FEEDWATCH_EVENT_ID"] } }
        #expect(try eventually(60, poll: 0.5) { Set(try revised()).count >= 60 })
        #expect(Set(try revised()).count == 60, "every edit reported")
        #expect(try revised().count <= 61, "at most the one entry being written when the daemon died repeats")
        let survivors = cluster.nodes.dropFirst().map { "'\($0)'" }.joined(separator: ",")
        #expect(try eventually(30, poll: 0.5) {
            try cluster.sql("""
                SELECT count(*) FROM site WHERE last_node NOT IN (\(survivors))
                    OR last_success_at::timestamptz < '\(killedAt.ISO8601Format())'::timestamptz
                """) == "0"
        }, "every site synced by a survivor after the kill")
        #expect(try eventually(30, poll: 0.5) { Set(cluster.receiver.requests.compactMap { $0.header("Idempotency-Key") }).count == 60 })
    }

    @Test func theEventsADaemonCommittedButDidNotReportAreReportedByAnotherOnce() throws {
        let cluster = try Cluster("cluster-orphan", sites: 10)
        defer { cluster.stop() }
        let (victim, heirs) = (cluster.nodes[0], cluster.nodes.dropFirst())
        // The victim dies at its first commit, before its events reach its journal.
        try cluster.start(victim, environment: ["FEEDWATCH_TEST_CRASH_AT": "after-commit"])
        #expect(cluster.daemons[victim]?.process.wait(timeout: 30) != nil, "the victim died at its first commit")
        #expect(try cluster.sql("SELECT count(*) > 0 FROM event WHERE emitted_at IS NULL") == "t", "it left events unreported")
        for node in heirs { try cluster.start(node) }

        #expect(try eventually(60, poll: 0.5) { try cluster.events("baseline").count >= 10 })
        Thread.sleep(forTimeInterval: 2)
        let entries = try cluster.entries()
        #expect(entries[victim]?.isEmpty == true, "nothing in the victim's name")
        let baselines = try cluster.events("baseline")
        #expect(Set(baselines.compactMap { $0["FEEDWATCH_SITE"] }) == Set(cluster.sites.map(\.name)))
        #expect(baselines.count == 10, "each reported once")
        #expect(try cluster.sql("SELECT count(*) FROM event WHERE emitted_at IS NULL") == "0")
    }

    /// As when PostgreSQL restarts and another process with the daemon's node
    /// name starts before the daemon's next heartbeat: the session holding
    /// the node's lock is ended, and another session takes the lock.
    @Test func aDaemonWhoseNodeNameAnotherProcessTookExitsSayingSo() throws {
        let cluster = try Cluster("cluster-taken", sites: 1)
        defer { cluster.stop() }
        let node = cluster.nodes[0]
        try cluster.start(node)
        #expect(try eventually(30, poll: 0.5) { try cluster.events("baseline").count == 1 })
        let lock = "\(Self.nodeLockClass), hashtext('\(node)')"
        let usurper = try cluster.database.psqlSession("""
            SELECT pg_terminate_backend(pid) FROM pg_locks
                WHERE locktype = 'advisory' AND classid = \(Self.nodeLockClass) AND objid = hashtext('\(node)')::oid;
            SELECT pg_advisory_lock(\(lock));
            SELECT pg_sleep(30);
            """, database: cluster.databaseName)
        defer { usurper.stop() }
        let result = try #require(cluster.daemons[node]).wait(timeout: 15)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("node \(node): another process "), "\(result.stderr)")
        #expect(result.stderr.contains("took over this node's name while the database was away"), "\(result.stderr)")
    }

    @Test func aPollWithoutADaemonWaitsForTheLeaseAnotherNodeHolds() throws {
        let cluster = try Cluster("cluster-poll", sites: 1)
        defer { cluster.stop() }
        let (site, config) = (cluster.sites[0].name, try cluster.configuration(node: cluster.nodes[0]))
        let first = try Binary.run(["poll", "--config", config])
        #expect(first.status == 0, "\(first.stderr)")
        let leaseElsewhere = { (seconds: Int) in
            _ = try cluster.sql("""
                UPDATE site SET lease_node = 'elsewhere', lease_until = now() + interval '\(seconds) seconds', next_due = now()
                WHERE name = '\(site)'
                """)
        }
        try leaseElsewhere(2)
        let started = Date()
        let waited = try Binary.run(["poll", "--config", config])
        #expect(waited.status == 0, "\(waited.stderr)")
        #expect(Date().timeIntervalSince(started) >= 1.5, "synced only once the other node's lease ran out")
        #expect(try cluster.sql("""
            SELECT last_node, lease_node IS NULL, next_due > now() + interval '8 seconds' FROM site WHERE name = '\(site)'
            """) == "\(cluster.nodes[0])|t|t", "given back, due an interval later")

        try leaseElsewhere(60)
        let refused = try Binary.run(["poll", "--config", config])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("\(site): another daemon sharing the database was still syncing it after 3s"),
                "\(refused.stderr)")
        #expect(try cluster.sql("SELECT lease_node FROM site WHERE name = '\(site)'") == "elsewhere")
    }

    @Test func everyDaemonSurvivesADatabaseRestartMidSyncWithoutCallingSitesFailing() throws {
        let cluster = try Cluster("cluster-restart", sites: 60)
        defer { cluster.stop() }
        for node in cluster.nodes { try cluster.start(node) }
        #expect(try eventually(60, poll: 0.5) { try cluster.events("baseline").count >= 60 })
        try cluster.database.stop(mode: "fast")
        Thread.sleep(forTimeInterval: 4)
        try cluster.database.start()
        #expect(try eventually(10, poll: 0.5) {
            try cluster.sql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = \(Self.nodeLockClass)") == "3"
        }, "each daemon holds its node's lock again")
        let second = try Binary.run(["run", "--config", try cluster.configuration(node: cluster.nodes[0])])
        #expect(second.status == 1)
        #expect(second.stderr.contains("is node \(cluster.nodes[0]) of "), "\(second.stderr)")
        for index in 0..<60 { cluster.sites[index].edit(cluster.posts[index], title: "Edited \(index)") }
        try expectEachEditReportedOnce(cluster, edited: 0..<60, within: 60)
        for node in cluster.nodes { #expect(cluster.daemons[node]?.process.isRunning == true, "\(node) still runs") }
        #expect(try cluster.events("site-failing").isEmpty)
    }
}
