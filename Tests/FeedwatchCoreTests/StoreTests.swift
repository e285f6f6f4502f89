@testable import FeedwatchCore
import Foundation
import GRDB
import Testing
import TestSupport

/// The store's behaviour, the same on each backend.
@Suite struct StoreTests {
    private let normalizer = ContentNormalizer(ignorePatterns: [])

    private func fetched(_ id: Int, title: String, modified: String) -> FetchedPost {
        FetchedPost(WordPressPost(id: id, modifiedGMT: modified, status: "publish", link: "https://a.org/?p=\(id)",
                                  title: title, content: "<p>body \(id)</p>"), normalizer: normalizer)
    }

    @Test(arguments: StoreBackend.allCases)
    func firstSyncStoresSilentlyThenOneBaselineWithTheCount(backend: StoreBackend) async throws {
        let test = try await TestStore(backend)
        let store = test.store
        let site = try await store.registerSite(name: "s", url: "https://a.org/")
        let events = try await store.record([fetched(1, title: "a", modified: "m1"), fetched(2, title: "b", modified: "m1")],
                                            type: "posts", site: site)
        #expect(events.isEmpty)
        let completion = try await store.recordSuccess(of: site)
        #expect(completion.map(\.event.kind) == [.baseline])
        #expect(completion.first?.event.postCount == 2)
        #expect(try await store.recordSuccess(of: site).isEmpty)
    }

    @Test(arguments: StoreBackend.allCases)
    func versionsAreNumberedAndUnchangedPostsStoreNothing(backend: StoreBackend) async throws {
        let test = try await TestStore(backend)
        let store = test.store
        let site = try await store.registerSite(name: "s", url: "https://a.org/")
        _ = try await store.record([fetched(1, title: "a", modified: "m1")], type: "posts", site: site)
        _ = try await store.recordSuccess(of: site)

        #expect(try await store.record([fetched(1, title: "a", modified: "m1")], type: "posts", site: site).isEmpty)
        let revised = try await store.record([fetched(1, title: "b", modified: "m2")], type: "posts", site: site)
        #expect(revised.map(\.event.kind) == [.revised])
        #expect(revised.first?.event.version == 2)
        #expect(revised.first?.event.changedFields == [.title])
        #expect(revised.first?.event.previousModifiedGMT == "m1")
        let silent = try await store.record([fetched(1, title: "c", modified: "m2")], type: "posts", site: site)
        #expect(silent.map(\.event.kind) == [.silentEdit])
        #expect(silent.first?.event.version == 3)
        let touched = try await store.record([fetched(1, title: "c", modified: "m3")], type: "posts", site: site)
        #expect(touched.map(\.event.kind) == [.touched])
        #expect(touched.first?.event.version == 3)
        let new = try await store.record([fetched(2, title: "x", modified: "m1")], type: "posts", site: site)
        #expect(new.map(\.event.kind) == [.new])

        #expect(try await store.history(site: "s", postID: 1)?.versions.map(\.version) == [1, 2, 3])
        #expect(try await test.integer("SELECT count(*) FROM version WHERE post_id = 1") == 3)
    }

    @Test(arguments: StoreBackend.allCases)
    func aPostRevisedManyTimesCostsOnlyItsDistinctTexts(backend: StoreBackend) async throws {
        let test = try await TestStore(backend)
        let store = test.store
        let site = try await store.registerSite(name: "s", url: "https://a.org/")
        let body = "<p>" + String(repeating: "A long body that never changes. ", count: 200) + "</p>"
        func post(title: String, modified: Int) -> FetchedPost {
            FetchedPost(WordPressPost(id: 1, modifiedGMT: "m\(modified)", status: "publish", link: "https://a.org/?p=1",
                                      title: title, content: body), normalizer: normalizer)
        }
        func contentRows() async throws -> (count: Int, bytes: Int) {
            (try #require(try await test.integer("SELECT count(*) FROM content")),
             try #require(try await test.integer("SELECT sum(length(text)) FROM content")))
        }
        _ = try await store.record([post(title: "Title 0", modified: 0)], type: "posts", site: site)
        let first = try await contentRows()
        // Fifty revisions of the title, then back to the first one.
        for number in 1...50 { _ = try await store.record([post(title: "Title \(number)", modified: number)], type: "posts", site: site) }
        _ = try await store.record([post(title: "Title 0", modified: 51)], type: "posts", site: site)

        let last = try await contentRows()
        #expect(last.count == first.count + 50, "one new text per new title, none for the title seen before")
        #expect(last.bytes - first.bytes < 50 * 16, "the body is stored once")
        let history = try await store.history(site: "s", postID: 1)
        #expect(history?.versions.count == 52)
        let versions = try await store.versions(site: "s", postID: 1, numbers: [1, 26, 52])
        #expect(versions.map { $0.snapshot[.title] } == ["Title 0", "Title 25", "Title 0"])
        #expect(versions.allSatisfy { $0.snapshot[.content] == body })
    }

    @Test(arguments: StoreBackend.allCases)
    func sameIdTwiceInOnePageIsStoredOnce(backend: StoreBackend) async throws {
        let test = try await TestStore(backend)
        let store = test.store
        let site = try await store.registerSite(name: "s", url: "https://a.org/")
        _ = try await store.recordSuccess(of: site)
        let events = try await store.record([fetched(5, title: "a", modified: "m1"), fetched(5, title: "a", modified: "m1")],
                                            type: "posts", site: site)
        #expect(events.map(\.event.kind) == [.new])
    }

    @Test(arguments: StoreBackend.allCases)
    func eventsStayInTheOutboxUntilMarkedEmitted(backend: StoreBackend) async throws {
        let test = try await TestStore(backend)
        let site = try await test.store.registerSite(name: "s", url: "https://a.org/")
        let baseline = try await test.store.recordSuccess(of: site)
        #expect(try await test.store.unemittedEvents().map(\.id) == baseline.map(\.id))

        let reopened = try test.reopened()
        let pending = try await reopened.unemittedEvents()
        #expect(pending.map(\.event.kind) == [.baseline])
        for event in pending { try await reopened.markEmitted(event) }
        #expect(try await reopened.unemittedEvents().isEmpty)
    }

    @Test(arguments: StoreBackend.allCases)
    func siteFailingOnceAfterThreeFailuresThenRecoveredOnce(backend: StoreBackend) async throws {
        let test = try await TestStore(backend)
        let store = test.store
        let site = try await store.registerSite(name: "s", url: "https://a.org/")
        var kinds: [EventKind] = []
        for _ in 0..<5 { kinds += try await store.recordFailure(of: site, error: "boom").map(\.event.kind) }
        #expect(kinds == [.siteFailing])
        kinds = try await store.recordSuccess(of: site).map(\.event.kind)
        #expect(kinds == [.baseline, .siteRecovered])
        #expect(try await store.recordSuccess(of: site).isEmpty)
    }

    @Test func aDatabaseInNestedDirectoriesIsCreatedWithThem() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.file("nested/dir/feedwatch.db"))
        _ = try await store.registerSite(name: "s", url: "https://a.org/")
        #expect(FileManager.default.fileExists(atPath: directory.file("nested/dir/feedwatch.db")))
    }

    @Test func databaseIsInWALModeSoReadersNeverBlockTheDaemon() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.file("feedwatch.db"))
        let mode = try await store.read("journal mode") { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }

    @Test func unwritableLocationGivesAClearError() throws {
        #expect {
            _ = try SQLiteStore(path: "/proc/feedwatch-cannot-exist/feedwatch.db")
        } throws: { error in
            "\(error)".hasPrefix("database /proc/feedwatch-cannot-exist/feedwatch.db: opening the database failed:")
        }
    }
}

@Suite struct StoreMigrationTests {
    /// A database as the first release (schema v1) left it: a post published,
    /// revised, then unpublished (seen through an application password).
    private func versionOneDatabase(at path: String) async throws {
        let old = try DatabaseQueue(path: path)
        try SQLiteSchema.migrator.migrate(old, upTo: "v1")
        try await old.write { db in
            try db.execute(sql: "INSERT INTO site (id, name, url, baselined_at) VALUES (1, 's', 'https://a.org/', '2025-01-01T00:00:00Z')")
            try db.execute(sql: """
                INSERT INTO post (site_id, type, post_id, version, modified_gmt, hash, field_hashes, title, link,
                                  first_seen_at, last_seen_at)
                VALUES (1, 'posts', 7, 3, '2025-01-03T00:00:00', 'h3', '', 'Second', 'https://a.org/?p=7', 'x', 'x')
                """)
            for (number, title, status) in [(1, "First", "publish"), (2, "Second", "publish"), (3, "Second", "draft")] {
                try db.execute(sql: """
                    INSERT INTO version (site_id, type, post_id, number, seen_at, modified_gmt, hash, field_hashes, fields,
                                         change, changed_fields)
                    VALUES (1, 'posts', 7, ?, 'seen', ?, ?, '', ?, 'revised', 'title')
                    """, arguments: [number, "2025-01-0\(number)T00:00:00", "h\(number)", """
                        {"title":"\(title)","content":"<p>Body\\n</p>","excerpt":"","status":"\(status)","slug":"p",\
                        "link":"https://a.org/?p=7","author":"1","categories":"1,2","tags":"","featured_media":"0"}
                        """])
            }
        }
        try old.close()
    }

    @Test func aVersionOneDatabaseIsMigratedWithItsHistoryIntact() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("feedwatch.db")
        try await versionOneDatabase(at: path)

        let store = try SQLiteStore(path: path)
        let applied = try await store.read("migrations") { db in try SQLiteSchema.migrator.appliedIdentifiers(db) }
        #expect(applied == Set(SQLiteSchema.migrator.migrations))
        #expect(try await store.storedStamps(siteID: 1, type: "posts")
                == [7: PostStamp(modifiedGMT: "2025-01-03T00:00:00", state: .hidden)])
        #expect(try await store.collectionState(siteID: 1, type: "posts") == CollectionState())
        let history = try #require(try await store.history(site: "s", postID: 7))
        #expect(history.versions.map(\.version) == [1, 2, 3])
        #expect(history.versions.map(\.hash) == ["h1", "h2", "h3"])
        #expect(history.state == .hidden)
        let versions = try await store.versions(site: "s", postID: 7, numbers: [1, 3])
        #expect(versions.map { $0.snapshot[.title] } == ["First", "Second"])
        #expect(versions.map { $0.snapshot[.status] } == ["publish", "draft"])
        #expect(versions.first?.snapshot[.content] == "<p>Body\n</p>")
        #expect(versions.first?.snapshot[.categories] == "1,2")
        // The body, link and the rest are the same in all three versions: stored once each.
        let contents = try await store.read("contents") { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM content") }
        #expect(contents == 11)
        let integrity = try await store.read("integrity") { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
        #expect(integrity == "ok")
    }

    @Test func aPostUnpublishedBeforeTheUpgradeIsRestoredWhenPublishedAgain() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("feedwatch.db")
        try await versionOneDatabase(at: path)
        let store = try SQLiteStore(path: path)
        let site = try await store.registerSite(name: "s", url: "https://a.org/")
        let post = WordPressPost(id: 7, modifiedGMT: "2025-01-04T00:00:00", status: "publish", link: "https://a.org/?p=7",
                                 title: "Second", content: "<p>Body\n</p>")
        let events = try await store.record([FetchedPost(post, normalizer: ContentNormalizer(ignorePatterns: []))],
                                            type: "posts", site: site)
        #expect(events.map(\.event.kind) == [.restored])
        #expect(events.first?.event.version == 4)
    }

    @Test func historyCommandsRefuseADatabaseOfAnOlderSchema() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("feedwatch.db")
        try await versionOneDatabase(at: path)
        #expect {
            _ = try SQLiteStore(path: path, readOnly: true)
        } throws: { error in
            "\(error)".contains("written by an older feedwatch")
        }
        _ = try SQLiteStore(path: path)
        _ = try SQLiteStore(path: path, readOnly: true)
    }
}
