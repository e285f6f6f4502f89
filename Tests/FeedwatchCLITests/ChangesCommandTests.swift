import FakeWordPress
import Foundation
import Testing
import TestSupport

/// `feedwatch changes`, run as a user runs it, on what real polls of a fake
/// site recorded: a revision, a new post, a silent edit and a deletion.
@Suite struct ChangesCommandTests {
    private struct Scene {
        let server: FakeWordPressServer
        let site: FakeSite
        let scratch: TemporaryDirectory
        let config: String
        let store: TestDatabase
        let added: Int
        let removed: Int

        init(_ purpose: String) throws {
            server = try FakeWordPressServer()
            site = server.addSite(uniqueSiteName(purpose))
            try site.addPost(Fixture.postData())
            removed = site.addPost(title: "Soon gone", content: "<p>Here today.</p>")
            scratch = try TemporaryDirectory()
            let config = try scratch.write("feedwatch.json", #"{"sites": [{"name": "\#(site.name)", "url": "\#(site.url)"}]}"#)
            let store = try TestDatabase(in: scratch)
            self.config = config
            self.store = store
            let poll = { (full: Bool) in
                let result = try Binary.run(["poll", "--config", config, "--database", store.location] + (full ? ["--full"] : []))
                #expect(result.status == 0, "\(result.stderr)")
            }
            try poll(false)
            site.edit(356473, title: "A new title")
            // Saved a minute ago: the quiet change below is no second save in the same second.
            site.setModifiedTimestamp(356473, gmt: Date(timeIntervalSinceNow: -60))
            added = site.addPost(title: "Fresh news", content: "<p>New.</p>")
            try poll(false)
            site.edit(356473, content: "<p>Quietly changed.</p>", bumpModified: false)
            site.remove(removed)
            try poll(true)
        }

        func changes(_ arguments: [String] = []) throws -> Binary.Result {
            try Binary.run(["changes", "--config", config, "--database", store.location] + arguments)
        }

        func shutdown() {
            server.stop()
        }
    }

    @Test func changesListsWhatChangedNewestFirstForPeopleAndScripts() throws {
        let scene = try Scene("cli-changes")
        defer { scene.shutdown() }
        let text = try scene.changes()
        #expect(text.status == 0, "\(text.stderr)")
        let lines = text.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "when (UTC)           site\(String(repeating: " ", count: scene.site.name.count - 2))kind         version  post",
                "\(text.stdout)")
        let kinds = lines.dropFirst().map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init)[3] }
        #expect(kinds.count == 4 && Set(kinds.prefix(2)) == ["silent-edit", "deleted"] && kinds.suffix(2) == ["new", "revised"],
                "newest first, no baseline: \(text.stdout)")
        let silent = try #require(lines.first { $0.contains("silent-edit") })
        #expect(silent.hasSuffix("  3        356473 \"A new title\""), "\(silent)")
        #expect(lines.contains { $0.contains(" new ") && $0.hasSuffix("\(scene.added) \"Fresh news\"") }, "\(text.stdout)")

        let quiet = try scene.changes(["--kind", "silent-edit", "--kind", "baseline", "--json"])
        #expect(quiet.status == 0, "\(quiet.stderr)")
        let documents = try #require(try JSONSerialization.jsonObject(with: Data(quiet.stdout.utf8)) as? [[String: Any]])
        #expect(documents.map { $0["event"] as? String } == ["silent-edit", "baseline"])
        #expect(documents.first?["post_id"] as? Int == 356473 && documents.first?["version"] as? Int == 3)
        #expect(documents.last?["post_count"] as? Int == 2)
        let at = try #require(documents.first?["at"] as? String)
        #expect(abs((try? Date(at, strategy: .iso8601))?.timeIntervalSinceNow ?? 999) < 120, "\(at)")
        #expect((documents.first?["event_id"] as? String)?.isEmpty == false)

        #expect(try scene.changes(["--site", "elsewhere"]).stdout.hasPrefix("no changes of elsewhere since 20"))
        #expect(try scene.changes(["--site", scene.site.name, "--kind", "new"]).stdout.split(separator: "\n").count == 2)
        let future = try scene.changes(["--since", "2099-01-01T00:00:00Z"])
        #expect(future.status == 0 && future.stdout == "no changes since 2099-01-01 00:00:00\n", "\(future.stdout)")
        #expect(try scene.changes(["--limit", "1"]).stdout.split(separator: "\n").count == 2)
        let bad = try scene.changes(["--since", "yesterday"])
        #expect(bad.status == 64 && bad.stderr.contains(#"--since "yesterday" is neither a duration"#), "\(bad.stderr)")
    }

    @Test func reportedEventsAreKeptForNinetyDaysThenRemoved() throws {
        let scene = try Scene("cli-changes-kept")
        defer { scene.shutdown() }
        #expect(try scene.store.value("SELECT count(*) FROM event WHERE emitted_at IS NOT NULL") == "5", "reported, and kept")
        let old = Date(timeIntervalSinceNow: -91 * 86_400).ISO8601Format()
        let recent = Date(timeIntervalSinceNow: -89 * 86_400).ISO8601Format()
        let ids = try scene.store.column("SELECT id FROM event ORDER BY id")
        try scene.store.execute("UPDATE event SET created_at = '\(old)' WHERE id = \(ids[0])")
        try scene.store.execute("UPDATE event SET created_at = '\(recent)' WHERE id = \(ids[1])")
        #expect(try scene.changes(["--since", "100d"]).stdout.split(separator: "\n").count == 5, "the baseline is no change")

        scene.site.edit(scene.added, title: "Fresh news, revised")
        let poll = try Binary.run(["poll", "--config", scene.config, "--database", scene.store.location])
        #expect(poll.status == 0, "\(poll.stderr)")
        #expect(try scene.store.column("SELECT id FROM event ORDER BY id") == Array(ids.dropFirst()) + [try #require(
            try scene.store.value("SELECT max(id) FROM event"))], "the one older than 90 days is gone")
        #expect(try scene.changes(["--since", "100d"]).stdout.split(separator: "\n").count == 6)
    }
}
