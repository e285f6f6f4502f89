import FakeWordPress
import Foundation
import Testing
import TestSupport

/// Exactly-once reporting across crashes (SPEC §6): `feedwatch poll` is made to
/// abort at named points (`FEEDWATCH_TEST_CRASH_AT`), then run again; every
/// event reaches the journal, none is lost, and the database stays sound.
@Suite struct CrashRecoveryTests {
    /// A site of 251 posts (three pages) and the arguments of a poll of it.
    private struct Scene {
        let server: FakeWordPressServer
        let site: FakeSite
        let scratch: TemporaryDirectory
        let database: TestDatabase
        let arguments: [String]

        init(_ purpose: String) throws {
            server = try FakeWordPressServer()
            site = server.addSite(uniqueSiteName(purpose))
            try site.addPost(Fixture.postData())
            site.addGeneratedPosts(250)
            scratch = try TemporaryDirectory()
            let config = try scratch.write("feedwatch.json", #"{"sites": [{"name": "\#(site.name)", "url": "\#(site.url)"}]}"#)
            database = try TestDatabase(in: scratch)
            arguments = ["poll", "--config", config, "--database", database.location]
        }

        /// A poll that aborts at `point`.
        func crash(at point: String) throws {
            let result = try Binary.run(arguments, environment: ["FEEDWATCH_TEST_CRASH_AT": point])
            #expect(result.status == 128 + SIGABRT, "the poll was to abort at \(point): \(result.stderr)")
        }

        func poll() throws {
            let result = try Binary.run(arguments)
            #expect(result.status == 0, "\(result.stderr)")
        }

        func journal(atLeast count: Int) throws -> [[String: String]] {
            try JournalReader.entries(site: site.name, atLeast: count)
        }

        /// An SQLite file passes its own check (a PostgreSQL server keeps its files sound itself).
        func expectSound() throws {
            guard !TestDatabase.isPostgreSQL else { return }
            #expect(try database.value("PRAGMA integrity_check") == "ok")
        }

        func versionCounts() throws -> [Int] {
            try database.column("SELECT count(*) FROM version GROUP BY post_id ORDER BY post_id").compactMap { Int($0) }
        }
    }

    @Test func eventsCommittedBeforeACrashAreReportedOnceAtTheNextStart() throws {
        let scene = try Scene("crash-commit")
        try scene.crash(at: "after-commit")
        Thread.sleep(forTimeInterval: 0.5)
        #expect(try JournalReader.read(match: "FEEDWATCH_SITE=\(scene.site.name)").isEmpty, "nothing was emitted")
        try scene.poll()
        #expect(try scene.journal(atLeast: 1).map { $0["FEEDWATCH_EVENT"] } == ["baseline"])

        scene.site.edit(356473, title: "Edited after the baseline")
        try scene.crash(at: "after-commit")
        try scene.poll()
        try scene.poll()
        let entries = try scene.journal(atLeast: 2)
        #expect(entries.map { $0["FEEDWATCH_EVENT"] } == ["baseline", "revised"])
        #expect(entries.last?["FEEDWATCH_VERSION"] == "2")
        try scene.expectSound()
    }

    @Test func aCrashBetweenJournalAndMarkRepeatsOneEntryWithTheSameEventID() throws {
        let scene = try Scene("crash-emit")
        try scene.crash(at: "after-emit")
        try scene.poll()
        try scene.poll()
        let entries = try scene.journal(atLeast: 2)
        #expect(entries.map { $0["FEEDWATCH_EVENT"] } == ["baseline", "baseline"],
                "the entry written just before the crash is written again")
        #expect(entries.first?["FEEDWATCH_EVENT_ID"] != nil)
        #expect(Set(entries.map { $0["FEEDWATCH_EVENT_ID"] }).count == 1, "the repeat is recognisable as one event")
        try scene.expectSound()
    }

    @Test func aBaselineInterruptedHalfwayEndsAsOneBaselineWithEveryPost() throws {
        let scene = try Scene("crash-baseline")
        try scene.crash(at: "mid-baseline")
        let stored = try scene.versionCounts()
        #expect(stored.count == 200, "two pages were committed before the crash")
        try scene.poll()
        let entries = try scene.journal(atLeast: 1)
        #expect(entries.map { $0["FEEDWATCH_EVENT"] } == ["baseline"], "the rest of the first sync is baseline, not new")
        #expect(entries.first?["FEEDWATCH_POST_COUNT"] == "251")
        #expect(try scene.versionCounts() == Array(repeating: 1, count: 251))
        try scene.expectSound()
    }
}
