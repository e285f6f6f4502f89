import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GRDB

/// The texts of stored versions, each distinct text once, keyed by its SHA-256:
/// a post revised a thousand times costs what its distinct field contents cost.
/// A version refers to one `content` row per tracked field.
struct ContentTable {
    /// Ids of short texts already looked up in this transaction: statuses,
    /// authors and categories repeat from post to post.
    private var knownShortTexts: [String: Int64] = [:]
    private static let shortText = 128

    /// The id of `text`'s row, inserted if no stored version had it yet.
    mutating func id(of text: String, in db: Database) throws -> Int64 {
        let isShort = text.utf8.count <= Self.shortText
        if isShort, let known = knownShortTexts[text] { return known }
        let hash = Self.hash(text)
        let id: Int64
        if let existing = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM content WHERE hash = ?"),
                                             arguments: [hash]) {
            id = existing
        } else {
            try db.run("INSERT INTO content (hash, text) VALUES (?, ?)", [hash, text])
            id = db.lastInsertedRowID
        }
        if isShort { knownShortTexts[text] = id }
        return id
    }

    /// The ids of a snapshot's fields, as a version stores them: comma-separated
    /// in tracked-field order.
    mutating func ids(of snapshot: PostSnapshot, in db: Database) throws -> String {
        try TrackedField.allCases.map { String(try id(of: snapshot[$0], in: db)) }.joined(separator: ",")
    }

    /// The snapshot a version's `content_ids` refer to.
    static func snapshot(ids: String, in db: Database) throws -> PostSnapshot {
        let list = ids.split(separator: ",").compactMap { Int64($0) }
        var texts: [Int64: String] = [:]
        let rows = try Row.fetchCursor(
            db.cachedStatement(sql: "SELECT id, text FROM content WHERE id IN (SELECT value FROM json_each(?))"),
            arguments: ["[" + list.map(String.init).joined(separator: ",") + "]"])
        while let row = try rows.next() { texts[row["id"]] = row["text"] }
        var fields: [TrackedField: String] = [:]
        for (field, id) in zip(TrackedField.allCases, list) { fields[field] = texts[id] ?? "" }
        return PostSnapshot(fields: fields)
    }

    static func hash(_ text: String) -> Data {
        Data(SHA256.hash(data: Array(text.utf8)))
    }
}
