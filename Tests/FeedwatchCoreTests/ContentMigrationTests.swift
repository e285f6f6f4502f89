@testable import FeedwatchCore
import Foundation
import GRDB
import Testing
import TestSupport

/// A database of schema v6, whose texts are all plain, opened by this feedwatch:
/// the v7 pass compresses them in place and every version reads back the same.
@Suite struct ContentMigrationTests {
    private static let fixture = try! JSONDecoder().decode(WordPressPost.self, from: Fixture.postData())

    /// Versions of a post of the fixture's size as v6 stored them, each with
    /// one more paragraph; returns their snapshots, by number.
    private func versionSixDatabase(at path: String, versions: Int) async throws -> [Int: PostSnapshot] {
        let old = try DatabaseQueue(path: path)
        try SQLiteSchema.migrator.migrate(old, upTo: "v6: same-second saves")
        let snapshots = try await old.write { db in
            try db.execute(sql: "INSERT INTO site (id, name, url, baselined_at) VALUES (1, 's', 'https://a.org/', 'x')")
            var contents = ContentTable(compresses: false)  // the INSERT of v6: (hash, text)
            var snapshots: [Int: PostSnapshot] = [:]
            for number in 1...versions {
                var post = Self.fixture
                post.content = (post.content ?? "") + String(repeating: "<p>Ünïcødé edit №\(number).</p>\n", count: number)
                let snapshot = PostSnapshot(post)
                snapshots[number] = snapshot
                try db.execute(sql: """
                    INSERT INTO post (site_id, type, post_id, version, hash, field_hashes, title, link, first_seen_at,
                                      last_seen_at)
                    VALUES (1, 'posts', 7, ?, 'h', '', 'T', 'https://a.org/?p=7', 'x', 'x')
                    ON CONFLICT DO UPDATE SET version = excluded.version
                    """, arguments: [number])
                try db.execute(sql: """
                    INSERT INTO version (site_id, type, post_id, number, seen_at, hash, change, changed_fields, content_ids)
                    VALUES (1, 'posts', 7, ?, 'seen', 'h', 'revised', 'content', ?)
                    """, arguments: [number, try contents.ids(of: snapshot, in: db)])
            }
            return snapshots
        }
        try old.close()
        return snapshots
    }

    private func readAll(_ store: SQLiteStore, _ count: Int) async throws -> [Int: PostSnapshot] {
        let versions = try await store.versions(site: "s", postID: 7, numbers: Array(1...count))
        return Dictionary(uniqueKeysWithValues: versions.map { ($0.summary.version, $0.snapshot) })
    }

    /// (plain rows longer than ContentText.plainUpTo, compressed rows, stored bytes, plain bytes)
    private func census(_ store: SQLiteStore) async throws -> (plain: Int, compressed: Int, stored: Int, original: Int) {
        try await store.read("census") { db in
            let row = try #require(try Row.fetchOne(db, sql: """
                SELECT count(*) FILTER (WHERE plain_size IS NULL AND length(CAST(text AS BLOB)) > ?) AS plain,
                       count(plain_size) AS compressed, sum(length(CAST(text AS BLOB))) AS stored,
                       sum(coalesce(plain_size, length(CAST(text AS BLOB)))) AS original
                FROM content
                """, arguments: [ContentText.plainUpTo]))
            return (row["plain"], row["compressed"], row["stored"], row["original"])
        }
    }

    @Test func aVersionSixDatabaseIsCompressedInPlaceAndEveryVersionReadsBackTheSame() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("feedwatch.db")
        let written = try await versionSixDatabase(at: path, versions: 20)

        let store = try SQLiteStore(path: path)
        let applied = try await store.read("migrations") { db in try SQLiteSchema.migrator.appliedIdentifiers(db) }
        #expect(applied == Set(SQLiteSchema.migrator.migrations))
        #expect(try await readAll(store, 20) == written)
        let census = try await census(store)
        #expect(census.plain == 0, "no long text is left plain")
        #expect(census.compressed == 20, "the twenty contents (the fixture's excerpt is short)")
        #expect(Double(census.stored) < 0.4 * Double(census.original), "\(census.stored) bytes stored of \(census.original)")
        let mark = try await store.read("mark") { db in
            try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [ContentV7.mark])
        }
        #expect(mark == nil, "the pass is done")
        let integrity = try await store.read("integrity") { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
        #expect(integrity == "ok")
    }

    @Test func aPassStoppedHalfwayReadsWholeAndIsFinishedByTheNextWriter() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("feedwatch.db")
        let written = try await versionSixDatabase(at: path, versions: 20)
        let old = try DatabaseQueue(path: path)
        try SQLiteSchema.migrator.migrate(old)
        // Two small batches, then the process "dies".
        for _ in 0..<2 { #expect(try await old.write { db in try ContentV7.compressBatch(batchBytes: 20_000, in: db) }) }
        try old.close()

        let reader = try SQLiteStore(path: path, readOnly: true)
        let halfway = try await census(reader)
        #expect(halfway.plain > 0 && halfway.compressed > 0, "some rows compressed, some not: \(halfway)")
        #expect(try await readAll(reader, 20) == written)

        let store = try SQLiteStore(path: path)
        #expect(try await census(store).plain == 0)
        #expect(try await readAll(store, 20) == written)
        #expect(try await readAll(reader, 20) == written)
    }
}
