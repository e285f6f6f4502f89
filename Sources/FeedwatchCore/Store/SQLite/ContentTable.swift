import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GRDB

/// The texts of stored versions, each distinct text once, keyed by its SHA-256:
/// a post revised a thousand times costs what its distinct field contents cost.
/// A version refers to one `content` row per tracked field. Long texts are
/// stored compressed (`ContentText`).
struct ContentTable {
    /// Ids of short texts already looked up in this transaction: statuses,
    /// authors and categories repeat from post to post. Keyed by the UTF-8
    /// bytes, as the rows are: `String`'s equality is Unicode's canonical
    /// equivalence, under which "é" and "e" with a combining accent are one.
    private var knownShortTexts: [[UInt8]: Int64] = [:]
    /// Whether new rows are written as schema v7 writes them (`ContentText`),
    /// or plain, as the v3 migration wrote them before `plain_size` existed.
    private let compresses: Bool
    private var compressor: Zlib.Compressor?

    /// - Parameter compresses: `false` only for the v3 migration (`VersionsV3`),
    ///   whose rows the v7 pass compresses later.
    init(compresses: Bool = true) {
        self.compresses = compresses
    }

    static func isShort(_ text: String) -> Bool { text.utf8.count <= ContentText.plainUpTo }

    /// The id of `text`'s row, inserted if no stored version had it yet.
    /// - Parameters:
    ///   - hash: `text`'s hash, when it is already known.
    ///   - stored: `text` as its row holds it, when it was deflated beforehand.
    ///   - likelyNew: whether the text is most likely not stored yet (a new or
    ///     changed post): then it is inserted first, and looked up only if that
    ///     inserted nothing, one statement instead of two for a new text.
    mutating func id(
        of text: String, hash known: Data? = nil, stored: ContentText.Stored? = nil, likelyNew: Bool = false,
        in db: Database
    ) throws -> Int64 {
        let short = Self.isShort(text) ? Array(text.utf8) : nil
        if let short, let id = knownShortTexts[short] { return id }
        let hash = known ?? Self.hash(text)
        var inserted = false
        if likelyNew, compresses {
            try db.run("INSERT INTO content (hash, text, plain_size) VALUES (?, ?, ?) ON CONFLICT (hash) DO NOTHING",
                       try arguments(text, hash: hash, stored: stored))
            inserted = db.changesCount > 0
        }
        let id: Int64
        if inserted {
            id = db.lastInsertedRowID
        } else if let existing = try existing(hash, in: db) {
            id = existing
        } else {
            try insert(text, hash: hash, stored: stored, in: db)
            id = db.lastInsertedRowID
        }
        if let short { knownShortTexts[short] = id }
        return id
    }

    private func existing(_ hash: Data, in db: Database) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM content WHERE hash = ?"), arguments: [hash])
    }

    private mutating func insert(_ text: String, hash: Data, stored: ContentText.Stored?, in db: Database) throws {
        guard compresses else { return try db.run("INSERT INTO content (hash, text) VALUES (?, ?)", [hash, text]) }
        try db.run("INSERT INTO content (hash, text, plain_size) VALUES (?, ?, ?)", try arguments(text, hash: hash, stored: stored))
    }

    /// A new row's values: `stored`, or `text` encoded now, by the writer.
    private mutating func arguments(_ text: String, hash: Data, stored: ContentText.Stored?) throws -> StatementArguments {
        let row = try stored ?? ContentText.encode(text, with: &compressor)
        return [hash, row.text, row.plainSize]
    }

    /// The `content_ids` of a snapshot (`ContentIDs`).
    /// - Parameters:
    ///   - hashes: the hashes of those texts already known.
    ///   - stored: those texts as their rows hold them, where already encoded.
    ///   - likelyNew: see `id(of:hash:stored:likelyNew:in:)`.
    mutating func ids(
        of snapshot: PostSnapshot, hashes: [TrackedField: Data] = [:], stored: [TrackedField: ContentText.Stored] = [:],
        likelyNew: Bool = false, in db: Database
    ) throws -> String {
        try ContentIDs.join(snapshot, rendered: { field in
            try id(of: snapshot[field], hash: hashes[field], stored: stored[field], likelyNew: likelyNew, in: db)
        }, raw: { try id(of: $0, in: db) })
    }

    /// The ids of a snapshot's raw texts, in `PostSnapshot.rawFields` order.
    mutating func rawIDs(of snapshot: PostSnapshot, in db: Database) throws -> [String] {
        try ContentIDs.rawIDs(snapshot) { try id(of: $0, in: db) }
    }

    /// The snapshot a version's `content_ids` refer to.
    static func snapshot(ids: String, in db: Database) throws -> PostSnapshot {
        let list = ContentIDs.parse(ids)
        var texts: [Int64: String] = [:]
        let rows = try Row.fetchCursor(
            db.cachedStatement(sql: "SELECT id, text, plain_size FROM content WHERE id IN (SELECT value FROM json_each(?))"),
            arguments: ["[" + list.map(String.init).joined(separator: ",") + "]"])
        while let row = try rows.next() {
            let id: Int64 = row["id"]
            texts[id] = try ContentText.decode(row["text"], plainSize: row["plain_size"], id: id)
        }
        return ContentIDs.snapshot(list, texts: texts)
    }

    static func hash(_ text: String) -> Data {
        Data(SHA256.hash(data: Array(text.utf8)))
    }
}
