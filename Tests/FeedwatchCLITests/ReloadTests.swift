import FakeWordPress
import Foundation
import Glibc
import Testing
import TestSupport

/// SIGHUP (SPEC §7) against the running daemon: `RELOADING=1` then `READY=1`,
/// an invalid file changes nothing, a valid one adds, removes and changes sites.
@Suite struct ReloadTests {
    /// `feedwatch run` with a notify socket; `WATCHDOG_USEC` makes it refresh
    /// its status line every 100 ms.
    private final class Daemon {
        let scratch: TemporaryDirectory
        let config: String
        let database: TestDatabase
        let notify: NotifySocket
        let running: Binary.Running

        init(config text: String) throws {
            scratch = try TemporaryDirectory()
            config = try scratch.write("feedwatch.json", text)
            database = try TestDatabase(in: scratch)
            notify = try NotifySocket(path: scratch.file("notify.sock"))
            running = try Binary.Running(["run", "--config", config, "--database", database.location],
                                         environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "300000"])
            let ready = notify.receive(until: { $0.contains("READY=1") }, timeout: 20)
            #expect(ready.last?.contains("READY=1") == true, "\(ready)")
        }

        /// Writes `text` as the configuration and sends SIGHUP; returns the
        /// notify messages up to the `READY=1` that ends the reload.
        func reload(_ text: String) throws -> [String] {
            try scratch.write("feedwatch.json", text)
            running.process.send(SIGHUP)
            var reloading = false
            return notify.receive(until: { message in
                if message.hasPrefix("RELOADING=1") { reloading = true }
                return reloading && message.hasPrefix("READY=1")
            }, timeout: 10)
        }

        /// The status line of the next heartbeat.
        /// The next status line; on PostgreSQL without the node's share at its
        /// end (`; node NAME synced N of them last`), which it must have.
        func nextStatus() -> String? {
            let line = notify.receive(until: { $0.hasPrefix("WATCHDOG=1") }, timeout: 2).last?
                .split(separator: "\n").first { $0.hasPrefix("STATUS=") }.map { String($0.dropFirst(7)) }
            guard TestDatabase.isPostgreSQL, let line, let share = line.range(of: "; node ") else { return line }
            return String(line[..<share.lowerBound])
        }

        func stop() -> Binary.Result {
            running.process.send(SIGTERM)
            defer { notify.close() }
            return running.wait(timeout: 10)
        }
    }

    /// - Parameter notify: the `notify` list, as JSON.
    private static func config(_ sites: [(site: FakeSite, extra: String)], notify: String = "[]") -> String {
        let entries = sites.map { #"{"name": "\#($0.site.name)", "url": "\#($0.site.url)"\#($0.extra)}"# }
        return #"{"sites": [\#(entries.joined(separator: ", "))], "notify": \#(notify)}"#
    }

    /// Listings of `site`'s collections (`wp/v2/posts`, `wp/v2/pages`) since the last `clearRequests`.
    private static func listings(of site: FakeSite, _ collection: String, in server: FakeWordPressServer) -> Int {
        server.requests.count { $0.target.hasPrefix("/\(site.name)/") && $0.target.contains("/wp/v2/\(collection)") }
    }

    /// Polls `condition` every 100 ms for up to `seconds`.
    private static func eventually(within seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return condition()
    }

    @Test func reloadingMessagesCarryTheMonotonicTimeAndEndInReady() throws {
        let server = try FakeWordPressServer()
        defer { server.stop() }
        let site = server.addSite(uniqueSiteName("reload-notify"))
        let daemon = try Daemon(config: Self.config([(site, "")]))
        let before = clock_gettime_nsec_np_monotonic()
        let messages = try daemon.reload(Self.config([(site, "")]))
        let after = clock_gettime_nsec_np_monotonic()
        #expect(daemon.stop().status == 0)

        let reloading = try #require(messages.first { $0.hasPrefix("RELOADING=1") }, "\(messages)")
        let stamp = reloading.split(separator: "\n").first { $0.hasPrefix("MONOTONIC_USEC=") }
            .flatMap { UInt64($0.dropFirst("MONOTONIC_USEC=".count)) }
        let microseconds = try #require(stamp, "\(reloading)")
        #expect((before / 1000...after / 1000).contains(microseconds), "CLOCK_MONOTONIC in µs, taken at the reload")
        #expect(messages.last?.hasPrefix("READY=1") == true)
    }

    @Test func anInvalidFileKeepsTheRunningSitesAndLogsEveryProblem() throws {
        let server = try FakeWordPressServer()
        defer { server.stop() }
        let site = server.addSite(uniqueSiteName("reload-invalid"))
        site.addGeneratedPosts(2)
        let daemon = try Daemon(config: Self.config([(site, #", "interval": "10s""#)]))
        #expect(try JournalReader.entries(site: site.name).map { $0["FEEDWATCH_EVENT"] } == ["baseline"])

        let messages = try daemon.reload("""
            {"sites": [{"name": "\(site.name)", "url": "\(site.url)", "interval": "5 minutes"},
                       {"name": "other", "urll": "http://127.0.0.1:9/"}]}
            """)
        #expect(messages.last?.hasPrefix("READY=1") == true, "\(messages)")
        #expect(daemon.nextStatus() == "1 site, 0 failing, 0 syncing, 0 changes in the last hour")
        server.clearRequests()
        #expect(Self.eventually(within: 15) { Self.listings(of: site, "posts", in: server) > 0 },
                "the site is still polled every 10 s")
        let result = daemon.stop()
        #expect(result.status == 0, "\(result.stderr)")
        let problems = result.stderr.split(separator: "\n").filter { $0.contains(daemon.config + ": sites[") }
        #expect(problems.count == 3, "\(result.stderr)")
        #expect(problems.contains { $0.contains("sites[0].interval") && $0.contains("5 minutes") })
        #expect(problems.contains { $0.contains("sites[1].urll") && $0.contains("url") })
        #expect(problems.contains { $0.contains("sites[1]: missing \"url\"") })
        #expect(result.stderr.contains("was not reloaded: 3 problems; still running the configuration loaded before"))
    }

    @Test func aValidFileStartsAddedSitesStopsRemovedOnesAndAppliesChanges() throws {
        let server = try FakeWordPressServer()
        defer { server.stop() }
        let removed = server.addSite(uniqueSiteName("reload-removed"))
        let changed = server.addSite(uniqueSiteName("reload-changed"))
        let added = server.addSite(uniqueSiteName("reload-added"))
        for site in [removed, changed, added] { site.addGeneratedPosts(2) }
        _ = changed.addPage(title: "About", content: "<p>Who we are.</p>")
        let kept = removed.addPost(title: "Kept after removal", content: "<p>Its history stays.</p>")
        let daemon = try Daemon(config: Self.config([(removed, #", "interval": "10s""#), (changed, #", "interval": "1h""#)]))
        for site in [removed, changed] {
            #expect(try JournalReader.entries(site: site.name).map { $0["FEEDWATCH_EVENT"] } == ["baseline"])
        }

        server.clearRequests()
        let receiver = try FakeWebhookReceiver()
        defer { receiver.stop() }
        let messages = try daemon.reload(Self.config([
            (changed, #", "interval": "10s", "types": ["posts", "pages"]"#), (added, ""),
        ], notify: #"[{"name": "added-hook", "webhook": "\#(receiver.url)", "events": ["baseline"]}]"#))
        #expect(messages.last?.hasPrefix("READY=1") == true, "\(messages)")
        #expect(try JournalReader.entries(site: added.name).map { $0["FEEDWATCH_EVENT"] } == ["baseline"],
                "an added site is polled within seconds")
        #expect(Self.eventually(within: 5) { receiver.requests.contains { $0.bodyText.contains(added.name) } },
                "a channel added by the reload gets the events from then on")
        #expect(Self.eventually(within: 15) { Self.listings(of: changed, "pages", in: server) > 0 },
                "the new interval (10 s instead of 1 h) and type apply to the changed site")
        #expect(Self.listings(of: removed, "posts", in: server) == 0, "the removed site is no longer polled")
        #expect(daemon.nextStatus() == "2 sites, 0 failing, 0 syncing, 0 changes in the last hour")
        let result = daemon.stop()
        #expect(result.status == 0)
        #expect(result.stderr.contains("now watching 2 sites: added \(added.name); removed \(removed.name); changed \(changed.name)"),
                "\(result.stderr)")

        let history = try Binary.run(["history", "--config", daemon.config, "--database", daemon.database.location,
                                      removed.name, "\(kept)"])
        #expect(history.status == 0, "the removed site's history stays: \(history.stderr)")
    }
}

/// `clock_gettime(CLOCK_MONOTONIC)` in nanoseconds, the clock of `MONOTONIC_USEC`.
private func clock_gettime_nsec_np_monotonic() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}
