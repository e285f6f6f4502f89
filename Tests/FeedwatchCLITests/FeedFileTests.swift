import FakeWordPress
import Foundation
import Testing
import TestSupport

/// The `feed` file as a feed reader meets it: written by real polls of a fake
/// site, parsed by Python's feedparser (Debian's python3-feedparser), the
/// parser most feed readers' back ends share.
@Suite struct FeedFileTests {
    /// What feedparser makes of a file, as JSON: whether it was well-formed, the
    /// version it recognised, and each entry's id, title, link, category and content.
    private static let parse = """
        import feedparser, json, sys
        d = feedparser.parse(sys.argv[1])
        print(json.dumps({"bozo": d.bozo, "problem": str(d.get("bozo_exception", "")), "version": d.version,
            "id": d.feed.get("id"), "title": d.feed.get("title"), "updated": d.feed.get("updated"),
            "entries": [{"id": e.id, "title": e.title, "link": e.link, "updated": e.updated,
                         "kind": e.tags[0].term, "content": e.content[0].value, "type": e.content[0].type}
                        for e in d.entries]}))
        """

    private static func parsed(_ path: String) throws -> [String: Any] {
        let result = try ChildProcess.run("/usr/bin/python3", ["-c", parse, path], mergeErrors: false)
        #expect(result.status == 0, "feedparser: \(result.output)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
    }

    @Test func pollsKeepAValidAtomFileOfTheNewestChanges() throws {
        let server = try FakeWordPressServer()
        defer { server.stop() }
        let site = server.addSite(uniqueSiteName("cli-feed"))
        let post = site.addPost(title: "Budget & plans < costs", content: "<p>Spending rises.</p>")
        let scratch = try TemporaryDirectory()
        let feed = scratch.file("changes.atom")
        let config = try scratch.write("feedwatch.json", """
            {"sites": [{"name": "\(site.name)", "url": "\(site.url)"}],
             "feed": {"path": "\(feed)", "entries": 3}}
            """)
        let database = try TestDatabase(in: scratch)
        let poll = { (full: Bool) in
            let result = try Binary.run(["poll", "--config", config, "--database", database.location] + (full ? ["--full"] : []))
            #expect(result.status == 0, "\(result.stderr)")
        }
        try poll(false)
        let baseline = try Self.parsed(feed)
        #expect(baseline["bozo"] as? Int == 0 && baseline["version"] as? String == "atom10", "\(baseline)")
        #expect((baseline["entries"] as? [[String: Any]])?.isEmpty == true, "a baseline is no change")
        #expect((baseline["id"] as? String)?.hasPrefix("urn:uuid:") == true && baseline["title"] as? String == "feedwatch: changes")

        site.edit(post, content: "<p>Spending falls.</p>")
        // Saved a minute ago: the quiet change below is no second save in the same second.
        site.setModifiedTimestamp(post, gmt: Date(timeIntervalSinceNow: -60))
        try poll(false)
        site.edit(post, content: "<p>Spending, quietly, stays.</p>", bumpModified: false)
        try poll(true)
        let added = site.addPost(title: "Second", content: "<p>Two.</p>")
        try poll(false)
        site.remove(added)
        try poll(true)

        let document = try Self.parsed(feed)
        #expect(document["bozo"] as? Int == 0, "\(document["problem"] ?? "")")
        #expect(document["id"] as? String == baseline["id"] as? String, "the feed keeps its id")
        let entries = try #require(document["entries"] as? [[String: Any]])
        #expect(entries.map { $0["kind"] as? String } == ["deleted", "new", "silent-edit"], "the 3 newest, newest first")
        #expect(Set(entries.compactMap { $0["id"] as? String }).count == 3)
        let silent = try #require(entries.last)
        #expect(silent["title"] as? String == "Silent edit on \(site.name): Budget & plans < costs", "\(silent)")
        #expect((silent["link"] as? String)?.hasPrefix(site.url) == true)
        #expect(silent["type"] as? String == "text/plain")
        let content = try #require(silent["content"] as? String)
        #expect(content.contains("an edit nobody was told of") && content.contains("-Spending falls.")
            && content.contains("+Spending, quietly, stays."), "the diff as content: \(content)")
        #expect(document["updated"] as? String == entries.first?["updated"] as? String)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: scratch.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty, "no temporary files left: \(leftovers)")
    }

    @Test func aFeedThatCannotBeWrittenIsLoggedAndThePollStillSucceeds() throws {
        let server = try FakeWordPressServer()
        defer { server.stop() }
        let site = server.addSite(uniqueSiteName("cli-feed-missing"))
        let post = site.addPost(title: "First", content: "<p>One.</p>")
        let scratch = try TemporaryDirectory()
        let config = try scratch.write("feedwatch.json", """
            {"sites": [{"name": "\(site.name)", "url": "\(site.url)"}],
             "feed": {"path": "\(scratch.file("no-such-directory/changes.atom"))"}}
            """)
        let database = try TestDatabase(in: scratch)
        #expect(try Binary.run(["poll", "--config", config, "--database", database.location]).status == 0)
        site.edit(post, title: "First, revised")
        let result = try Binary.run(["poll", "--config", config, "--database", database.location])
        #expect(result.status == 0, "the change is recorded and reported all the same")
        #expect(result.stderr.contains("feed: cannot write \(scratch.file("no-such-directory/changes.atom")) (creating "),
                "\(result.stderr)")
        #expect(result.stderr.contains("No such file or directory"), "\(result.stderr)")
    }
}
