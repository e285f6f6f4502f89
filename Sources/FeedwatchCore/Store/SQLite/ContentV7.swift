import GRDB

/// Schema v7: long field texts are stored compressed (`ContentText`).
///
/// The migration itself only adds `plain_size` and a mark, `meta`'s
/// `plain_content_from`: the first `content.id` that may still be plain. The
/// rows are compressed afterwards by `compressPlainRows`, a batch per
/// transaction, so that a large database needs neither one long transaction
/// nor a write-ahead log the size of its texts. Each batch moves the mark
/// forward in its own transaction and each row says whether it is compressed,
/// so a pass that is stopped (killed, the disk full) leaves a database that
/// reads whole, and the next writer to open it carries on from the mark.
/// The pages freed go to SQLite's free list, which later versions fill; the
/// file does not shrink without a `VACUUM`.
enum ContentV7 {
    static let mark = "plain_content_from"

    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            -- NULL: text is the field text itself. Otherwise text is a BLOB, the zlib
            -- stream (RFC 1950) of the field text's UTF-8, which is plain_size bytes.
            ALTER TABLE content ADD COLUMN plain_size INTEGER;
            """)
        try db.execute(sql: "INSERT INTO meta (key, value) VALUES (?, '1')", arguments: [mark])
    }

    /// Compresses what rows of `content` the v7 migration left plain, from the
    /// mark on, until none is left; nothing when the mark is gone.
    /// - Parameter batchBytes: about how much plain text one transaction reads.
    static func compressPlainRows(in writer: some GRDB.DatabaseWriter, batchBytes: Int = 8 << 20) throws {
        while try writer.write({ db in try compressBatch(batchBytes: batchBytes, in: db) }) {}
    }

    /// One batch, in `db`'s transaction; `false` once the pass is done.
    static func compressBatch(batchBytes: Int, in db: Database) throws -> Bool {
        guard let from = try Int64.fetchOne(db, sql: "SELECT CAST(value AS INTEGER) FROM meta WHERE key = ?",
                                            arguments: [mark])
        else { return false }
        let batch = try plainRows(from: from, batchBytes: batchBytes, in: db)
        guard let last = batch.last else {
            try db.execute(sql: "DELETE FROM meta WHERE key = ?", arguments: [mark])
            return false
        }
        var compressor: Zlib.Compressor?
        for (id, text) in batch {
            let stored = try ContentText.encode(text, with: &compressor)
            guard let size = stored.plainSize else { continue }
            try db.execute(sql: "UPDATE content SET text = ?, plain_size = ? WHERE id = ?", arguments: [stored.text, size, id])
        }
        try db.execute(sql: "UPDATE meta SET value = ? WHERE key = ?", arguments: [String(last.id + 1), mark])
        return true
    }

    /// The rows from `from` on not yet compressed, in id order, up to about
    /// `batchBytes` of text. (The cursor is done with before the rows change.)
    private static func plainRows(from: Int64, batchBytes: Int, in db: Database) throws -> [(id: Int64, text: String)] {
        var batch: [(id: Int64, text: String)] = []
        var bytes = 0
        let rows = try Row.fetchCursor(db, sql: "SELECT id, text FROM content WHERE id >= ? AND plain_size IS NULL ORDER BY id",
                                       arguments: [from])
        while bytes < batchBytes, let row = try rows.next() {
            // Anything but text here is damage, left for a reader to report.
            guard case .string(let text) = (row["text"] as DatabaseValue).storage else { continue }
            batch.append((row["id"], text))
            bytes += text.utf8.count
        }
        return batch
    }
}
