import CZlib
@testable import FeedwatchCore
import Foundation
import GRDB
import Testing
import TestSupport

/// Field texts stored compressed (schema v7): what is stored reads back exactly,
/// damage is a clear error, and the texts take less room than their JSON.
@Suite struct ContentCompressionTests {
    private static let fixture = try! JSONDecoder().decode(WordPressPost.self, from: Fixture.postData())

    static let texts: [String] = [
        "", "publish", String(repeating: "a", count: ContentText.plainUpTo),
        String(repeating: "a", count: ContentText.plainUpTo + 1),
        "<p>" + String(repeating: "A paragraph of a long post. ", count: 400) + "</p>",
        "<p>Zoë’s café: 東京, Ελληνικά, עברית, 🇺🇦 and e\u{301} — " + String(repeating: "ünïcødé ", count: 50) + "</p>",
        fixture.content ?? "",
    ]

    private func store(_ directory: TemporaryDirectory) throws -> SQLiteStore { try SQLiteStore(path: directory.file("feedwatch.db")) }

    private func post(content: String, modified: String = "m1") -> FetchedPost {
        FetchedPost(WordPressPost(id: 1, modifiedGMT: modified, status: "publish", link: "https://a.org/?p=1",
                                  title: "T", content: content), normalizer: ContentNormalizer(ignorePatterns: []))
    }

    @Test(arguments: texts)
    func aTextOfAnySizeReadsBackAsStored(text: String) async throws {
        var compressor: Zlib.Compressor?
        let encoded = try ContentText.encode(text, with: &compressor)
        #expect(encoded.plainSize == (text.utf8.count > ContentText.plainUpTo ? text.utf8.count : nil),
                "long texts are compressed, short ones are not")
        #expect(try ContentText.decode(encoded.text, plainSize: encoded.plainSize?.databaseValue ?? .null, id: 1) == text)

        let directory = try TemporaryDirectory()
        let store = try store(directory)
        let site = try await store.registerSite(name: "s", url: "https://a.org/")
        _ = try await store.record([post(content: text)], type: "posts", site: site)
        let versions = try await store.versions(site: "s", postID: 1, numbers: [1])
        #expect(versions.first?.snapshot[.content] == text)
    }

    @Test func oneCompressorRoundTripsTextAfterTextAndAWrongSizeIsRefused() throws {
        let compressor = try Zlib.Compressor(level: Zlib.standard)
        for bytes in [[UInt8](), Array("feedwatch".utf8), [UInt8](repeating: 7, count: 100_000), Array("feedwatch".utf8)] {
            let compressed = try bytes.withUnsafeBufferPointer { try compressor.compress($0) }
            #expect(try compressed.withUnsafeBytes { try Zlib.decompress($0, size: bytes.count) } == bytes)
        }
        let compressed = try Array("feedwatch".utf8).withUnsafeBufferPointer { try compressor.compress($0) }
        #expect(throws: ZlibError(call: "uncompress", code: Z_BUF_ERROR)) {
            try compressed.withUnsafeBytes { try Zlib.decompress($0, size: 8) }
        }
        #expect(throws: ZlibError.self) { try compressed.withUnsafeBytes { try Zlib.decompress($0, size: 10) } }
        #expect(throws: ZlibError(call: "deflateInit(level 12)", code: Z_STREAM_ERROR)) { try Zlib.Compressor(level: 12) }
    }

    /// Ways a compressed row can be damaged: its `text` and `plain_size` replaced by SQL.
    static let damages: [(what: String, sql: String)] = [
        ("a flipped byte", "UPDATE content SET text = CAST(substr(text, 1, 40) || x'ff' || substr(text, 42) AS BLOB) WHERE id = ?"),
        ("cut short", "UPDATE content SET text = substr(text, 1, length(text) / 2) WHERE id = ?"),
        ("a plain size too large", "UPDATE content SET plain_size = plain_size + 1 WHERE id = ?"),
        ("a plain size too small", "UPDATE content SET plain_size = plain_size - 1 WHERE id = ?"),
        ("an absurd plain size", "UPDATE content SET plain_size = 1 << 50 WHERE id = ?"),
        ("text where a blob belongs", "UPDATE content SET text = 'words' WHERE id = ?"),
        ("a blob without its size", "UPDATE content SET plain_size = NULL WHERE id = ?"),
        ("a size that is not a number", "UPDATE content SET plain_size = 'many' WHERE id = ?"),
    ]

    @Test(arguments: damages)
    func aDamagedCompressedTextIsAnErrorNamingItsRow(damage: (what: String, sql: String)) async throws {
        let directory = try TemporaryDirectory()
        let store = try store(directory)
        let site = try await store.registerSite(name: "s", url: "https://a.org/")
        _ = try await store.record([post(content: Self.fixture.content ?? "")], type: "posts", site: site)
        let id = try await store.write("damaging") { db in
            let id = try #require(try Int64.fetchOne(db, sql: "SELECT id FROM content WHERE plain_size IS NOT NULL"))
            try db.execute(sql: damage.sql, arguments: [id])
            return id
        }
        let error = await #expect(throws: StoreError.self) {
            try await store.versions(site: "s", postID: 1, numbers: [1])
        }
        #expect(error?.summary == "damaged")
        #expect(error?.description.contains("reading versions of s post 1 failed: content row \(id) is damaged: ") == true,
                "\(String(describing: error))")
        #expect(try await store.history(site: "s", postID: 1)?.versions.count == 1, "the history without texts still reads")
    }

    @Test func storedVersionsTakeLessThanHalfTheirRawJSON() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("feedwatch.db")
        let store = try SQLiteStore(path: path)
        let site = try await store.registerSite(name: "s", url: "https://a.org/")
        let json = try Fixture.postData().count
        let count = 300
        for first in stride(from: 1, through: count, by: 100) {
            let page = (first..<first + 100).map { id in
                var post = Self.fixture
                post.id = id
                post.content = "<p>Post \(id).</p>\n" + (post.content ?? "")
                return FetchedPost(post, normalizer: ContentNormalizer(ignorePatterns: []))
            }
            _ = try await store.record(page, type: "posts", site: site)
        }
        let (stored, plain, bytes) = try await store.pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            let row = try #require(try Row.fetchOne(db, sql: """
                SELECT sum(length(CAST(text AS BLOB))) AS stored, sum(coalesce(plain_size, length(CAST(text AS BLOB)))) AS plain,
                       (SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()) AS bytes
                FROM content
                """))
            return (row["stored"] as Int, row["plain"] as Int, row["bytes"] as Int)
        }
        #expect(Double(stored) < 0.4 * Double(plain), "the texts deflate to \(stored) bytes from \(plain)")
        #expect(Double(bytes) < 0.5 * Double(count * json), "the database is \(bytes) bytes for \(count * json) of JSON")
    }
}
