@testable import FeedwatchCore
import GRDB
import Testing
import TestSupport

@Suite struct StoreTests {
    private let normalizer = ContentNormalizer(ignorePatterns: [])

    private func fetched(_ id: Int, title: String, modified: String) -> FetchedPost {
        FetchedPost(WordPressPost(id: id, modifiedGMT: modified, status: "publish", link: "https://a.org/?p=\(id)",
                                  title: title, content: "<p>body \(id)</p>"), normalizer: normalizer)
    }

    @Test func firstSyncStoresSilentlyThenOneBaselineWithTheCount() async throws {
        let directory = try TemporaryDirectory()
        let store = try Store(path: directory.file("nested/dir/feedwatch.db"))
        let site = try await store.registerSite(name: "s", url: "https://a.org/")
        let events = try await store.record([fetched(1, title: "a", modified: "m1"), fetched(2, title: "b", modified: "m1")],
                                            type: "posts", site: site)
        #expect(events.isEmpty)
        let completion = try await store.recordSuccess(of: site)
        #expect(completion.map(\.event.kind) == [.baseline])
        #expect(completion.first?.event.postCount == 2)
        #expect(try await store.recordSuccess(of: site).isEmpty)
    }

    @Test func versionsAreNumberedAndUnchangedPostsStoreNothing() async throws {
        let directory = try TemporaryDirectory()
        let store = try Store(path: directory.file("feedwatch.db"))
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

        let versions = try await store.pool.read { db in
            try Int.fetchAll(db, sql: "SELECT number FROM version WHERE post_id = 1 ORDER BY number")
        }
        #expect(versions == [1, 2, 3])
    }

    @Test func sameIdTwiceInOnePageIsStoredOnce() async throws {
        let directory = try TemporaryDirectory()
        let store = try Store(path: directory.file("feedwatch.db"))
        let site = try await store.registerSite(name: "s", url: "https://a.org/")
        _ = try await store.recordSuccess(of: site)
        let events = try await store.record([fetched(5, title: "a", modified: "m1"), fetched(5, title: "a", modified: "m1")],
                                            type: "posts", site: site)
        #expect(events.map(\.event.kind) == [.new])
    }

    @Test func eventsStayInTheOutboxUntilMarkedEmitted() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("feedwatch.db")
        var store: Store? = try Store(path: path)
        let site = try await store!.registerSite(name: "s", url: "https://a.org/")
        let baseline = try await store!.recordSuccess(of: site)
        #expect(try await store!.unemittedEvents().map(\.id) == baseline.map(\.id))
        store = nil

        let reopened = try Store(path: path)
        let pending = try await reopened.unemittedEvents()
        #expect(pending.map(\.event.kind) == [.baseline])
        try await reopened.markEmitted(pending.map(\.id))
        #expect(try await reopened.unemittedEvents().isEmpty)
    }

    @Test func siteFailingOnceAfterThreeFailuresThenRecoveredOnce() async throws {
        let directory = try TemporaryDirectory()
        let store = try Store(path: directory.file("feedwatch.db"))
        let site = try await store.registerSite(name: "s", url: "https://a.org/")
        var kinds: [EventKind] = []
        for _ in 0..<5 { kinds += try await store.recordFailure(of: site, error: "boom").map(\.event.kind) }
        #expect(kinds == [.siteFailing])
        kinds = try await store.recordSuccess(of: site).map(\.event.kind)
        #expect(kinds == [.baseline, .siteRecovered])
        #expect(try await store.recordSuccess(of: site).isEmpty)
    }

    @Test func databaseIsInWALModeSoReadersNeverBlockTheDaemon() async throws {
        let directory = try TemporaryDirectory()
        let store = try Store(path: directory.file("feedwatch.db"))
        let mode = try await store.read("journal mode") { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }

    @Test func unwritableLocationGivesAClearError() throws {
        #expect {
            _ = try Store(path: "/proc/feedwatch-cannot-exist/feedwatch.db")
        } throws: { error in
            "\(error)".hasPrefix("database /proc/feedwatch-cannot-exist/feedwatch.db: opening the database failed:")
        }
    }
}

@Suite struct StoreMigrationTests {
    @Test func aVersionOneDatabaseIsMigratedWithItsHistoryIntact() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("feedwatch.db")
        let old = try DatabaseQueue(path: path)
        try StoreSchema.migrator.migrate(old, upTo: "v1")
        try await old.write { db in
            try db.execute(sql: "INSERT INTO site (id, name, url, baselined_at) VALUES (1, 's', 'https://a.org/', '2025-01-01T00:00:00Z')")
            try db.execute(sql: """
                INSERT INTO post (site_id, type, post_id, version, modified_gmt, hash, field_hashes, title, link,
                                  first_seen_at, last_seen_at)
                VALUES (1, 'posts', 7, 1, '2025-01-01T00:00:00', 'h', '', 't', 'l', 'x', 'x')
                """)
        }
        try old.close()

        let store = try Store(path: path)
        let applied = try await store.read("migrations") { db in try StoreSchema.migrator.appliedIdentifiers(db) }
        #expect(applied == Set(StoreSchema.migrator.migrations))
        #expect(try await store.storedModifiedTimes(siteID: 1, type: "posts") == [7: "2025-01-01T00:00:00"])
        #expect(try await store.collectionState(siteID: 1, type: "posts") == CollectionState())
        let integrity = try await store.read("integrity") { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
        #expect(integrity == "ok")
    }
}
