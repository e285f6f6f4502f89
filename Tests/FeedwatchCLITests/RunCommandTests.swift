import FakeWordPress
import Foundation
import Glibc
import Testing
import TestSupport

@Suite struct RunCommandTests {
    @Test func runSendsReadyPollsAndStopsCleanlyOnSIGTERM() throws {
        let server = try FakeWordPressServer()
        defer { server.stop() }
        let name = uniqueSiteName("cli-run")
        let site = server.addSite(name)
        site.addGeneratedPosts(3)
        let scratch = try TemporaryDirectory()
        let config = try scratch.write("feedwatch.json", #"{"sites": [{"name": "\#(name)", "url": "\#(site.url)"}]}"#)
        let notify = try NotifySocket(path: "\(scratch.path)/notify.sock")
        defer { notify.close() }

        let database = try TestDatabase(in: scratch)
        let daemon = try Binary.Running(["run", "--config", config, "--database", database.location],
                                        environment: ["NOTIFY_SOCKET": notify.path])
        let process = daemon.process
        let ready = notify.receive(until: { $0.contains("READY=1") }, timeout: 20)
        #expect(ready.contains { $0.contains("READY=1") }, "\(ready)")

        let entries = try JournalReader.entries(site: name)
        #expect(entries.map { $0["FEEDWATCH_EVENT"] } == ["baseline"])

        process.send(SIGTERM)
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(!process.isRunning, "still running 5 s after SIGTERM")
        let result = daemon.wait(timeout: 5)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(notify.receive(until: { $0.contains("STOPPING=1") }, timeout: 2).contains { $0.contains("STOPPING=1") })
    }
}

@Suite struct StopTests {
    /// SPEC §7: stopped within 5 s, transfers cancelled, the database consistent.
    @Test func sigtermInTheMiddleOfALargeFirstSyncStopsWithinFiveSecondsAndLosesNothing() throws {
        let server = try FakeWordPressServer()
        defer { server.stop() }
        let site = server.addSite(uniqueSiteName("cli-stop"))
        site.addGeneratedPosts(1000)
        // The first REST answers trickle in, so the signal arrives while a page is being received.
        site.injectFault(.slowBody(bytesPerSecond: 40_000), times: 4)
        let scratch = try TemporaryDirectory()
        let config = try scratch.write("feedwatch.json", #"{"sites": [{"name": "\#(site.name)", "url": "\#(site.url)"}]}"#)
        let store = try TestDatabase(in: scratch)
        let database = store.location
        let notify = try NotifySocket(path: scratch.file("notify.sock"))
        defer { notify.close() }
        let daemon = try Binary.Running(["run", "--config", config, "--database", database],
                                        environment: ["NOTIFY_SOCKET": notify.path])
        #expect(notify.receive(until: { $0.contains("READY=1") }, timeout: 20).last?.contains("READY=1") == true)
        let deadline = Date().addingTimeInterval(30)
        while !server.requests.contains(where: { $0.target.contains("/wp/v2/posts") && $0.target.contains("page=2") }),
              Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }

        let signalled = Date()
        daemon.process.send(SIGTERM)
        let result = daemon.wait(timeout: 10)
        let stoppedAfter = Date().timeIntervalSince(signalled)
        #expect(stoppedAfter < 5, "stopped \(stoppedAfter) s after SIGTERM")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(notify.receive(until: { $0.contains("STOPPING=1") }, timeout: 2).last?.contains("STOPPING=1") == true)

        if !TestDatabase.isPostgreSQL { #expect(try store.value("PRAGMA integrity_check") == "ok") }
        let stored = try store.value("SELECT count(*) FROM post").flatMap { Int($0) } ?? -1
        #expect((100..<1000).contains(stored) && stored % 100 == 0, "whole pages were committed, not a part of one: \(stored)")
        #expect(try JournalReader.read(match: "FEEDWATCH_SITE=\(site.name)").isEmpty, "the baseline is reported once complete")

        let poll = try Binary.run(["poll", "--config", config, "--database", database])
        #expect(poll.status == 0, "\(poll.stderr)")
        let entries = try JournalReader.entries(site: site.name)
        #expect(entries.map { $0["FEEDWATCH_EVENT"] } == ["baseline"], "the interrupted first sync ends as one baseline")
        #expect(entries.first?["FEEDWATCH_POST_COUNT"] == "1000")
    }
}

@Suite struct WatchdogTests {
    @Test func theSchedulingLoopFeedsTheWatchdogWithALiveStatusLine() throws {
        let server = try FakeWordPressServer()
        defer { server.stop() }
        let good = server.addSite(uniqueSiteName("cli-watchdog"))
        good.addGeneratedPosts(2)
        let scratch = try TemporaryDirectory()
        let config = try scratch.write("feedwatch.json", """
            {"sites": [{"name": "\(good.name)", "url": "\(good.url)"},
                       {"name": "\(uniqueSiteName("cli-watchdog-down"))", "url": "http://127.0.0.1:9/down/"}]}
            """)
        let notify = try NotifySocket(path: "\(scratch.path)/notify.sock")
        defer { notify.close() }
        let database = try TestDatabase(in: scratch)
        let daemon = try Binary.Running(["run", "--config", config, "--database", database.location],
                                        environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "900000"])
        var beats = 0
        let messages = notify.receive(until: { message in
            if message.contains("WATCHDOG=1") { beats += 1 }
            return beats >= 8
        }, timeout: 10)
        daemon.process.send(SIGTERM)
        let result = daemon.wait(timeout: 10)
        #expect(result.status == 0, "\(result.stderr)")

        #expect(messages.first?.contains("READY=1\nSTATUS=2 sites, 0 failing, 0 syncing") == true, "\(messages)")
        #expect(beats >= 8, "a beat every 300 ms for a 900 ms watchdog: \(messages)")
        #expect(messages.contains { $0.contains("WATCHDOG=1\nSTATUS=2 sites, 1 failing, 0 syncing") },
                "the status line follows the sites' state: \(messages)")
    }
}

@Suite(.onceForBothBackends) struct OpenFileLimitTests {
    /// systemd starts services with 1,024 open files allowed (under a far higher
    /// hard limit): too few for a thousand syncs at once.
    @Test func runRaisesItsOpenFileLimitToTheHardLimit() throws {
        let scratch = try TemporaryDirectory()
        let config = try scratch.write("feedwatch.json", #"{"sites": [{"name": "\#(uniqueSiteName("nofile"))", "url": "http://127.0.0.1:9/"}]}"#)
        let notify = try NotifySocket(path: scratch.file("notify.sock"))
        defer { notify.close() }
        let daemon = try Binary.Running(
            ["--nofile=512:8192", "--", Binary.url.path, "run", "--config", config, "--database", scratch.file("feedwatch.db")],
            environment: ["NOTIFY_SOCKET": notify.path], executable: URL(fileURLWithPath: "/usr/bin/prlimit"))
        #expect(notify.receive(until: { $0.contains("READY=1") }, timeout: 20).contains { $0.contains("READY=1") })
        let limits = try String(contentsOfFile: "/proc/\(daemon.process.pid)/limits", encoding: .utf8)
        let openFiles = limits.split(separator: "\n").first { $0.hasPrefix("Max open files") }
            .map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) } ?? []
        #expect(openFiles.dropFirst(3).prefix(2) == ["8192", "8192"], "\(openFiles)")
        daemon.process.send(SIGTERM)
        #expect(daemon.wait(timeout: 10).status == 0)
    }
}
