import FakeWordPress
import Foundation
import Glibc
import Testing
import TestSupport

/// `feedwatch history` and `feedwatch diff` (SPEC §3), run as a user runs them,
/// on versions stored by real polls of a fake site.
@Suite struct HistoryCommandTests {
    /// The fixture post, baselined, revised, then silently edited: three versions.
    private struct Scene {
        let server: FakeWordPressServer
        let site: FakeSite
        let scratch: TemporaryDirectory
        let config: String
        let store: TestDatabase
        var database: String { store.location }

        init(_ purpose: String) throws {
            server = try FakeWordPressServer()
            site = server.addSite(uniqueSiteName(purpose))
            try site.addPost(Fixture.postData())
            site.addGeneratedPosts(2)
            scratch = try TemporaryDirectory()
            config = try scratch.write("feedwatch.json", #"{"sites": [{"name": "\#(site.name)", "url": "\#(site.url)"}]}"#)
            store = try TestDatabase(in: scratch)
            try poll()
            site.edit(356473, title: "A new title", content: "First paragraph.\n\nSecond paragraph.\n\nThird &amp; last.")
            // Saved a minute ago: the quiet change below is no second save in the same second.
            site.setModifiedTimestamp(356473, gmt: Date(timeIntervalSinceNow: -60))
            try poll()
            site.edit(356473, content: "First paragraph.\n\nSecond paragraph, quietly changed.\n\nThird &amp; last.",
                      bumpModified: false)
            try poll(full: true)
        }

        func poll(full: Bool = false) throws {
            let result = try Binary.run(["poll", "--config", config, "--database", database] + (full ? ["--full"] : []))
            #expect(result.status == 0, "\(result.stderr)")
        }

        func run(_ arguments: [String]) throws -> Binary.Result {
            try Binary.run(arguments + ["--database", database])
        }
    }

    @Test func historyListsEveryVersionForPeopleAndScripts() throws {
        let scene = try Scene("cli-history")
        let text = try scene.run(["history", scene.site.name, "356473"])
        #expect(text.status == 0, "\(text.stderr)")
        let lines = text.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("\(scene.site.name) posts 356473 \"A new title\" ") == true, "\(text.stdout)")
        #expect(lines.dropFirst().first == "3 versions; now public")
        #expect(lines.dropFirst(2).first?.hasPrefix("version  seen at") == true)
        let rows = lines.dropFirst(3).map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(rows.map { $0.first } == ["1", "2", "3"])
        #expect(rows.map { $0.count > 3 ? $0[3] : "" } == ["baseline", "revised", "silent-edit"])
        #expect(rows.last?.last == "content")

        let json = try scene.run(["history", scene.site.name, "356473", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["post_id"] as? Int == 356473)
        let versions = try #require(object["versions"] as? [[String: Any]])
        #expect(versions.map { $0["version"] as? Int } == [1, 2, 3])
        #expect(versions.map { $0["change"] as? String } == ["baseline", "revised", "silent-edit"])
        #expect(versions.allSatisfy { ($0["hash"] as? String)?.count == 64 && $0["seen_at"] != nil && $0["modified_gmt"] != nil })
        #expect(versions.last?["changed_fields"] as? [String] == ["content"])
    }

    @Test func diffShowsTheTextThatChangedAsAUnifiedDiff() throws {
        let scene = try Scene("cli-diff")
        let latest = try scene.run(["diff", scene.site.name, "356473"])
        #expect(latest.status == 0, "\(latest.stderr)")
        #expect(latest.stdout.contains("""
            --- content (version 2)
            +++ content (version 3)
            @@ -1,3 +1,3 @@
             First paragraph.
            -Second paragraph.
            +Second paragraph, quietly changed.
             Third & last.

            """), "\(latest.stdout)")
        #expect(!latest.stdout.contains("title (version"), "the title did not change between 2 and 3")

        let first = try scene.run(["diff", scene.site.name, "356473", "--from", "1", "--to", "2"])
        #expect(first.stdout.contains("-How Putin Brushed Off"), "\(first.stdout)")
        #expect(first.stdout.contains("+A new title"))
        #expect(first.stdout.contains("+Third & last."), "entities are decoded")

        let json = try scene.run(["diff", scene.site.name, "356473", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let fields = try #require(object["fields"] as? [[String: Any]])
        #expect(fields.map { $0["field"] as? String } == ["content"])
        #expect((fields.first?["diff"] as? String)?.contains("+Second paragraph, quietly changed.") == true)
        #expect((object["from"] as? [String: Any])?["version"] as? Int == 2)
    }

    @Test func unknownPostsAndVersionsAreClearErrors() throws {
        let scene = try Scene("cli-history-missing")
        let post = try scene.run(["history", scene.site.name, "999"])
        #expect(post.status == 1)
        #expect(post.stderr.contains("holds no post 999 of a site named \"\(scene.site.name)\""), "\(post.stderr)")
        let version = try scene.run(["diff", scene.site.name, "356473", "--from", "7"])
        #expect(version.status == 64)
        #expect(version.stderr.contains("has no version 7 (it has 1 to 3)"), "\(version.stderr)")
        let database = try Binary.run(["history", scene.site.name, "356473", "--database", scene.scratch.file("none.db")])
        #expect(database.status == 1)
        #expect(database.stderr.contains("none.db: opening the database failed: no such file"), "\(database.stderr)")
    }

    @Test func historyReadsTheDatabaseWhileTheDaemonRuns() throws {
        let scene = try Scene("cli-history-live")
        scene.site.edit(356473, title: "Edited before the daemon starts")
        // As if the last poll were long ago: the daemon syncs the site at once.
        try scene.store.execute("UPDATE site SET last_attempt_at = '2020-01-01T00:00:00Z'"
            + (TestDatabase.isPostgreSQL ? ", next_due = now()" : ""))
        let daemon = try Binary.Running(["run", "--config", scene.config, "--database", scene.database], environment: [:])
        // The daemon's first sync finds the edit; history reads while the daemon holds the database.
        let entries = try JournalReader.entries(site: scene.site.name, atLeast: 4)
        #expect(entries.last?["FEEDWATCH_EVENT"] == "revised")
        let history = try scene.run(["history", scene.site.name, "356473"])
        #expect(history.status == 0, "\(history.stderr)")
        #expect(history.stdout.contains("4 versions"), "\(history.stdout)")
        daemon.process.send(SIGTERM)
        #expect(daemon.wait(timeout: 10).status == 0)
    }
}
