import FakeWordPress
import Foundation
import Glibc
import Testing
import TestSupport

/// The database's troubles are the site's health, said where an administrator
/// looks: the status line, the journal entries of the site, `check --database`.
@Suite(.serialized, .sqliteDatabasesOnly) struct StoreHealthTests {
    @Test func aFullDiskShowsInTheStatusLineAndTheSitesJournalThenRecoversWithinAnInterval() throws {
        let server = try FakeWordPressServer()
        defer { server.stop() }
        let site = server.addSite(uniqueSiteName("health-disk"))
        let post = site.addPost(title: "Kept", content: "<p>First words.</p>")
        site.addGeneratedPosts(20)
        let scratch = try TemporaryDirectory()
        let disk = scratch.file("disk")
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        #expect(try ChildProcess.run("/bin/mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", disk]).status == 0, "root is needed")
        defer { _ = try? ChildProcess.run("/bin/umount", ["-l", disk]) }
        let config = try scratch.write("feedwatch.json", """
            {"sites": [{"name": "\(site.name)", "url": "\(site.url)", "interval": "10s"}]}
            """)
        let notify = try NotifySocket(path: scratch.file("notify.sock"))
        defer { notify.close() }
        let daemon = try Binary.Running(["run", "--config", config, "--database", disk + "/feedwatch.db"],
                                        environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "3000000"])
        defer { if daemon.process.isRunning { kill(daemon.process.pid, SIGKILL) } }
        #expect(try JournalReader.entries(site: site.name).first?["FEEDWATCH_EVENT"] == "baseline")

        site.edit(post, content: "<p>" + String(repeating: "Second words. ", count: 100_000) + "</p>")
        let filler = disk + "/filler"
        #expect(FileManager.default.createFile(atPath: filler, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: filler))
        while (try? handle.write(contentsOf: Data(count: 64 * 1024))) != nil {}
        try? handle.close()

        let full = notify.receive(until: { $0.contains("database: disk full") }, timeout: 30)
        #expect(full.last?.contains("database: disk full") == true, "\(full.suffix(2))")
        let problems = try JournalReader.entries(site: site.name, atLeast: 2).filter { $0["FEEDWATCH_EVENT"] == nil }
        let problem = try #require(problems.first, "the failure is a journal entry of the site")
        #expect(problem["FEEDWATCH_ERROR"]?.contains("disk is full") == true, "\(problem)")
        #expect(problem["PRIORITY"] == "4" && problem["SYSLOG_IDENTIFIER"] == "feedwatch")

        try FileManager.default.removeItem(atPath: filler)
        let freed = Date()
        let cleared = notify.receive(until: { $0.contains("STATUS=") && !$0.contains("database:") }, timeout: 30)
        #expect(cleared.last.map { !$0.contains("database:") } == true)
        let events = try JournalReader.entries(site: site.name, atLeast: 3).compactMap { $0["FEEDWATCH_EVENT"] }
        #expect(events == ["baseline", "revised"])
        #expect(Date().timeIntervalSince(freed) < 15, "synced again within an interval (10 s) of the space being freed")

        kill(daemon.process.pid, SIGTERM)
        #expect(daemon.wait(timeout: 10).status == 0)
    }

    @Test func aSitesSyncFailureIsAStructuredJournalEntryOfThatSiteAndALineOnStderr() throws {
        let server = try FakeWordPressServer()
        let url = "http://127.0.0.1:\(server.port)/gone/"
        server.stop()
        let scratch = try TemporaryDirectory()
        let name = uniqueSiteName("health-refused")
        let config = try scratch.write("feedwatch.json", #"{"sites": [{"name": "\#(name)", "url": "\#(url)"}]}"#)
        let result = try Binary.run(["poll", "--config", config, "--database", scratch.file("feedwatch.db")])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(name): sync failed: \(url): cannot reach the server"), "\(result.stderr)")
        let entry = try #require(try JournalReader.entries(site: name).first)
        #expect(entry["FEEDWATCH_ERROR"]?.hasPrefix("sync failed: \(url): cannot reach the server") == true, "\(entry)")
        #expect(entry["MESSAGE"]?.hasPrefix("\(name): sync failed") == true && entry["PRIORITY"] == "4")
        #expect(entry["FEEDWATCH_EVENT"] == nil)
    }

    @Test func checkDatabaseFindsADamagedFileAndTheDaemonRefusesToStartOnIt() throws {
        let server = try FakeWordPressServer()
        defer { server.stop() }
        let site = server.addSite(uniqueSiteName("health-damaged"))
        site.addGeneratedPosts(300)
        let scratch = try TemporaryDirectory()
        let config = try scratch.write("feedwatch.json", #"{"sites": [{"name": "\#(site.name)", "url": "\#(site.url)"}]}"#)
        let database = scratch.file("feedwatch.db")
        let arguments = ["--config", config, "--database", database]
        #expect(try Binary.run(["poll"] + arguments).status == 0)
        let sound = try Binary.run(["check"] + arguments)
        #expect(sound.status == 0 && sound.stdout.contains("\(database): OK (PRAGMA quick_check)"), "\(sound.stdout)\(sound.stderr)")

        // Garbage over pages in the middle of the file, as a bad disk leaves them.
        let file = try FileHandle(forUpdating: URL(fileURLWithPath: database))
        let size = try file.seekToEnd()
        try file.seek(toOffset: size / 2)
        try file.write(contentsOf: Data(repeating: 0xA5, count: 16 * 4096))
        try file.close()

        let damaged = try Binary.run(["check"] + arguments)
        #expect(damaged.status == 1)
        #expect(damaged.stderr.contains(database) && damaged.stderr.contains("damaged"), "\(damaged.stderr)")
        let run = try Binary.run(["run"] + arguments, timeout: 20)
        #expect(run.status == 1)
        #expect(run.stderr.contains("database \(database): ") && run.stderr.contains("damaged"), "\(run.stderr)")
    }
}
