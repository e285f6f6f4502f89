import FakeWordPress
import Foundation
import Glibc
import Locking
import Testing
import TestSupport

/// Every event reaches the journal exactly once, whatever else runs or fails
/// (README, *What is guaranteed*): the journal going away and coming back,
/// `poll` while the daemon runs, a second daemon.
@Suite(.serialized) struct ExactlyOnceTests {
    /// A fake WordPress site with `posts` posts, a webhook receiver, and a
    /// configuration watching the site hourly (only polls and the first sync
    /// sync it) with a webhook channel for `revised` events.
    private struct Setup {
        let server: FakeWordPressServer
        let site: FakeSite
        let receiver: FakeWebhookReceiver
        let scratch: TemporaryDirectory
        let database: TestDatabase
        let arguments: [String]
        let ids: [Int]

        init(_ purpose: String, posts: Int) throws {
            server = try FakeWordPressServer()
            let site = server.addSite(uniqueSiteName(purpose))
            self.site = site
            ids = (1...posts).map { site.addPost(title: "Post \($0)", content: "<p>Words \($0).</p>") }
            let receiver = try FakeWebhookReceiver()
            self.receiver = receiver
            scratch = try TemporaryDirectory()
            let config = try scratch.write("feedwatch.json", """
                {"sites": [{"name": "\(site.name)", "url": "\(site.url)", "interval": "1h"}],
                 "notify": [{"name": "hook", "webhook": "\(receiver.url)", "events": ["revised"]}]}
                """)
            database = try TestDatabase(in: scratch)
            arguments = ["--config", config, "--database", database.location]
        }

        func events() throws -> [String] {
            try JournalReader.read(match: "FEEDWATCH_SITE=\(site.name)").compactMap { $0["FEEDWATCH_EVENT"] }
        }

        /// The distinct events the webhook received, and how many requests it took.
        func deliveries() -> (keys: Set<String>, requests: Int) {
            let requests = receiver.requests
            return (Set(requests.compactMap { $0.header("Idempotency-Key") }), requests.count)
        }

        func stop() {
            receiver.stop()
            server.stop()
        }
    }

    @Test func aDaemonAndTwentyConcurrentPollsOverTenEditsReportEachEditOnce() throws {
        let setup = try Setup("once-polls", posts: 10)
        defer { setup.stop() }
        let notify = try NotifySocket(path: setup.scratch.file("notify.sock"))
        defer { notify.close() }
        let daemon = try Binary.Running(["run"] + setup.arguments, environment: ["NOTIFY_SOCKET": notify.path])
        #expect(notify.receive(until: { $0.contains("READY=1") }, timeout: 20).last?.contains("READY=1") == true)
        #expect(try eventually(20) { try setup.events() == ["baseline"] })

        let results = Locked<[Binary.Result]>([])
        let polls = (0..<20).map { index in
            Thread { [arguments = setup.arguments] in
                Thread.sleep(forTimeInterval: Double(index) * 0.1)
                if let result = try? Binary.run(["poll"] + arguments) { results.withLock { $0.append(result) } }
            }
        }
        polls.forEach { $0.start() }
        for (round, id) in setup.ids.enumerated() {
            setup.site.edit(id, content: "<p>Edited in round \(round).</p>")
            Thread.sleep(forTimeInterval: 0.2)
        }
        #expect(try eventually(60) { results.withLock { $0.count } == 20 }, "every poll ended")
        let last = try Binary.run(["poll"] + setup.arguments)
        #expect(last.status == 0, "\(last.stderr)")
        #expect(last.stdout.hasPrefix("synced by the running feedwatch run (pid \(daemon.process.pid))"),
                "\(last.stdout)")
        for result in results.withLock({ $0 }) {
            #expect(result.status == 0, "\(result.stderr)")
        }

        #expect(try eventually(10) { try setup.events().count >= 11 })
        #expect(try eventually(10) { setup.deliveries().requests >= 10 })
        Thread.sleep(forTimeInterval: 1)
        let events = try setup.events()
        #expect(events.filter { $0 == "revised" }.count == 10, "\(events)")
        #expect(events == ["baseline"] + Array(repeating: "revised", count: 10), "\(events)")
        let delivered = setup.deliveries()
        #expect(delivered.keys.count == 10 && delivered.requests == 10, "\(delivered)")
        let printed = results.withLock { $0 }.flatMap { $0.stdout.split(separator: "\n") }.filter { $0.hasPrefix("revised: ") }
        #expect(Set(printed).count == 10, "each revision is printed by the polls whose requests found it: \(printed)")

        kill(daemon.process.pid, SIGTERM)
        #expect(daemon.wait(timeout: 10).status == 0)
    }

    @Test func aSecondDaemonOnTheSameDatabaseIsRefusedNamingTheFirst() throws {
        let setup = try Setup("once-second-run", posts: 1)
        defer { setup.stop() }
        let notify = try NotifySocket(path: setup.scratch.file("notify.sock"))
        defer { notify.close() }
        let first = try Binary.Running(["run"] + setup.arguments, environment: ["NOTIFY_SOCKET": notify.path])
        #expect(notify.receive(until: { $0.contains("READY=1") }, timeout: 20).last?.contains("READY=1") == true)
        #expect(try eventually(20) { try setup.events() == ["baseline"] })

        let second = try Binary.run(["run"] + setup.arguments, timeout: 20)
        #expect(second.status == 1)
        // "is using FILE", or on PostgreSQL "is node NAME of URL".
        #expect(second.stderr.contains("another feedwatch run (pid \(first.process.pid)) is "), "\(second.stderr)")
        #expect(second.stderr.contains(setup.database.location), "\(second.stderr)")
        #expect(first.process.isRunning)

        kill(first.process.pid, SIGTERM)
        #expect(first.wait(timeout: 10).status == 0)
        #expect(try setup.events() == ["baseline"], "one baseline, from the first daemon")
    }

    /// The daemon runs in a mount namespace of its own where a tmpfs hides
    /// journald's socket, as while journald is stopped; unmounting it is
    /// journald coming back.
    @Test func eventsWaitWhileTheJournalIsAwayAndAreWrittenInOrderOnceItIsBack() throws {
        let setup = try Setup("once-journal-away", posts: 3)
        defer { setup.stop() }
        let notify = try NotifySocket(path: setup.scratch.file("notify.sock"))
        defer { notify.close() }
        let hideJournal = "mount -t tmpfs tmpfs /run/systemd/journal && exec \"$0\" \"$@\""
        let daemon = try Binary.Running(
            ["-m", "--propagation", "private", "/bin/sh", "-c", hideJournal, Binary.url.path, "run"] + setup.arguments,
            environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "3000000"],
            executable: URL(fileURLWithPath: "/usr/bin/unshare"))
        let pid = daemon.process.pid
        defer { if daemon.process.isRunning { kill(pid, SIGKILL) } }
        let baseline = notify.receive(until: { $0.contains("journal unavailable, 1 event waiting") }, timeout: 20)
        #expect(baseline.last?.contains("journal unavailable, 1 event waiting") == true, "\(baseline.suffix(2))")

        for id in setup.ids { setup.site.edit(id, content: "<p>Edited while the journal is away.</p>") }
        let poll = try Binary.run(["poll"] + setup.arguments)
        #expect(poll.status == 0, "\(poll.stderr)")
        #expect(poll.stdout.split(separator: "\n").filter { $0.hasPrefix("revised: ") }.count == 3, "\(poll.stdout)")
        #expect(try eventually(10) { setup.deliveries().requests == 3 }, "the webhook does not wait for the journal")
        let waiting = notify.receive(until: { $0.contains("journal unavailable, 4 events waiting") }, timeout: 10)
        #expect(waiting.last?.contains("journal unavailable, 4 events waiting") == true, "\(waiting.suffix(2))")
        #expect(try setup.events().isEmpty, "nothing is written while the journal is away")

        let back = try ChildProcess.run("/usr/bin/nsenter", ["-t", "\(pid)", "-m", "umount", "/run/systemd/journal"])
        #expect(back.status == 0, "\(back.output)")
        #expect(try eventually(15) { try setup.events().count >= 4 })
        Thread.sleep(forTimeInterval: 1)
        let entries = try JournalReader.read(match: "FEEDWATCH_SITE=\(setup.site.name)").filter { $0["FEEDWATCH_EVENT"] != nil }
        #expect(entries.map { $0["FEEDWATCH_EVENT"] } == ["baseline", "revised", "revised", "revised"])
        let ids = entries.compactMap { $0["FEEDWATCH_EVENT_ID"].flatMap(Int.init) }
        #expect(ids == ids.sorted() && Set(ids).count == 4, "in order, once each: \(ids)")
        let cleared = notify.receive(until: { !$0.contains("journal unavailable") && $0.contains("STATUS=") }, timeout: 10)
        #expect(cleared.last.map { !$0.contains("journal unavailable") } == true)
        #expect(setup.deliveries().requests == 3, "nothing was delivered twice")

        kill(pid, SIGTERM)
        #expect(daemon.wait(timeout: 10).status == 0)
    }
}
