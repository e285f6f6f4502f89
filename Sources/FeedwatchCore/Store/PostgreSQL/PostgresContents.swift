import GRDB
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The `content` table in PostgreSQL, as `ContentTable` is in SQLite: each
/// distinct text once, keyed by its SHA-256, long texts compressed
/// (`ContentText`), a plain text as its UTF-8 bytes.
struct PostgresContents {
    /// Ids of short texts already looked up in this transaction, by their UTF-8.
    private var knownShortTexts: [[UInt8]: Int64] = [:]
    private var compressor: Zlib.Compressor?

    /// The id of `text`'s row, inserted if no stored version had it yet. A
    /// row another daemon's transaction is inserting meanwhile is waited for
    /// (`ON CONFLICT`), then found.
    mutating func id(
        of text: String, hash known: Data? = nil, stored: ContentText.Stored? = nil, in connection: PostgresConnection
    ) throws -> Int64 {
        let short = ContentTable.isShort(text) ? Array(text.utf8) : nil
        if let short, let id = knownShortTexts[short] { return id }
        let hash = known ?? ContentTable.hash(text)
        let row = try stored ?? ContentText.encode(text, with: &compressor)
        let bytes: Data = switch row.text.storage {
        case .blob(let data): data
        default: Data(text.utf8)
        }
        let id = try connection.query("""
            INSERT INTO content (hash, text, plain_size) VALUES ($1, $2, $3) ON CONFLICT (hash) DO NOTHING RETURNING id
            """, [hash, bytes, row.plainSize]).first?.int64("id")
            ?? connection.query("SELECT id FROM content WHERE hash = $1", [hash]).first?.int64("id")
        guard let id else { throw PostgresError("a content row vanished while it was looked up") }
        if let short { knownShortTexts[short] = id }
        return id
    }

    /// The `content_ids` of a snapshot (`ContentIDs`).
    mutating func ids(
        of snapshot: PostSnapshot, hashes: [TrackedField: Data], stored: [TrackedField: ContentText.Stored],
        in connection: PostgresConnection
    ) throws -> String {
        try ContentIDs.join(snapshot, rendered: { field in
            try id(of: snapshot[field], hash: hashes[field], stored: stored[field], in: connection)
        }, raw: { try id(of: $0, in: connection) })
    }

    mutating func rawIDs(of snapshot: PostSnapshot, in connection: PostgresConnection) throws -> [String] {
        try ContentIDs.rawIDs(snapshot) { try id(of: $0, in: connection) }
    }

    /// The snapshot a version's `content_ids` refer to.
    static func snapshot(ids: String, in connection: PostgresConnection) throws -> PostSnapshot {
        let list = ContentIDs.parse(ids)
        var texts: [Int64: String] = [:]
        for row in try connection.query("SELECT id, text, plain_size FROM content WHERE id = ANY($1::bigint[])",
                                        [PostgresArray.integers(list)]).rows {
            guard let id = row.int64("id"), let bytes = row.bytes("text") else { continue }
            texts[id] = try decode(bytes, plainSize: row.int64("plain_size"), id: id)
        }
        return ContentIDs.snapshot(list, texts: texts)
    }

    private static func decode(_ bytes: [UInt8], plainSize: Int64?, id: Int64) throws(ContentError) -> String {
        guard let plainSize else {
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw ContentError(id: id, reason: "its plain text is not UTF-8")
            }
            return text
        }
        return try ContentText.decode(Data(bytes).databaseValue, plainSize: plainSize.databaseValue, id: id)
    }
}
