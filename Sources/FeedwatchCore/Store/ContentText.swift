#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GRDB

/// How a field text is held in its `content` row (schema v7): a short text as
/// it is, a long one as a zlib stream (see `Zlib`) of its UTF-8 with the
/// stream's plain size in `plain_size`, which is NULL on a plain row. Each row
/// says for itself which it is, so plain and compressed rows may sit side by
/// side: a database part-way through the v7 pass (`ContentV7`) reads whole.
/// The row's hash stays the SHA-256 of the plain text, so deduplication and
/// every look-up by hash are unchanged.
enum ContentText {
    /// Texts of at most this many bytes stay plain: statuses, ids, slugs,
    /// links and most titles, on which deflate saves a few bytes at best
    /// (zlib's header and checksum are 6) for a call on every insert.
    static let plainUpTo = 128
    /// zlib's level 6, not 1: see docs/benchmarks.md, "Storing every version".
    static let level = Zlib.standard

    /// The `text` and `plain_size` values of a `content` row.
    typealias Stored = (text: DatabaseValue, plainSize: Int?)

    /// The `text` and `plain_size` values that store `text`: plain when it
    /// is short or deflate does not make it smaller.
    /// - Parameter compressor: made at `level`, and made only when a text is long.
    static func encode(
        _ text: String, with compressor: inout Zlib.Compressor?
    ) throws(ZlibError) -> Stored {
        var plain = text
        let size = plain.utf8.count
        guard size > plainUpTo else { return (text.databaseValue, nil) }
        let deflater: Zlib.Compressor
        if let existing = compressor {
            deflater = existing
        } else {
            deflater = try Zlib.Compressor(level: level)
            compressor = deflater
        }
        let compressed = try plain.withUTF8 { bytes in
            Result { () throws(ZlibError) in try deflater.compress(bytes) }
        }.get()
        guard compressed.count < size else { return (text.databaseValue, nil) }
        return (Data(compressed).databaseValue, size)
    }

    /// The text a row holds: its `text` and `plain_size`, as they are, so
    /// that damage of any kind is an error, not a failed conversion.
    /// - Parameter id: the row's `content.id`, for the error.
    static func decode(_ stored: DatabaseValue, plainSize: DatabaseValue, id: Int64) throws(ContentError) -> String {
        switch (stored.storage, plainSize.storage) {
        case (.string(let text), .null):
            return text
        case (.blob(let data), .int64(let stated)) where stated >= 0 && stated <= Int64(Int.max):
            let size = Int(stated)
            let bytes = try data.withUnsafeBytes { raw in
                Result { () throws(ZlibError) in try Zlib.decompress(raw, size: size) }
            }.mapError { ContentError(id: id, reason: "its compressed text does not inflate: \($0)") }.get()
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw ContentError(id: id, reason: "its compressed text inflates to bytes that are not UTF-8")
            }
            return text
        case (let storage, _):
            throw ContentError(id: id, reason: "it holds \(Self.kind(of: storage)) with plain_size \(plainSize)")
        }
    }

    private static func kind(of storage: DatabaseValue.Storage) -> String {
        switch storage {
        case .null: "NULL"
        case .int64, .double: "a number"
        case .string: "plain text"
        case .blob: "a blob"
        }
    }
}
