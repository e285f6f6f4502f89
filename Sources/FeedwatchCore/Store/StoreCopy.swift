#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GRDB

/// `feedwatch migrate-store`: a whole SQLite history copied into an empty
/// PostgreSQL database (sites, collections, posts, every version and text,
/// the events, reported or not, the deliveries waiting, the channels' record
/// and the database's instance name, so that idempotency keys stay the same),
/// in one PostgreSQL transaction that commits only when every table's count
/// matches the file's. Rows keep their ids, so versions still name their texts.
public struct StoreCopy: Sendable {
    /// One table copied: rows in the file, rows in PostgreSQL after the copy.
    public struct Count: Sendable, Equatable {
        public var table: String
        public var source: Int
        public var target: Int
    }

    /// The tables in the order their references need, with the columns copied:
    /// SQLite's names are PostgreSQL's. A text may be plain or compressed in
    /// SQLite (`ContentText`); it is bytes either way in PostgreSQL.
    private static let tables: [(name: String, columns: [String])] = [
        ("site", ["id", "name", "url", "rest_root", "baselined_at", "last_attempt_at", "last_success_at", "last_error",
                  "failures_in_row"]),
        ("collection", ["site_id", "type", "rest_base", "high_water_gmt", "last_reconcile_at", "last_verify_at",
                        "validated_url", "etag", "last_modified"]),
        ("post", ["site_id", "type", "post_id", "version", "modified_gmt", "hash", "field_hashes", "title", "link",
                  "first_seen_at", "last_seen_at", "state", "was_public", "normalizer", "recheck"]),
        ("content", ["id", "hash", "text", "plain_size"]),
        ("version", ["site_id", "type", "post_id", "number", "seen_at", "modified_gmt", "hash", "change",
                     "changed_fields", "content_ids"]),
        ("event", ["id", "site_id", "created_at", "payload", "emitted_at"]),
        ("delivery", ["channel", "event_id", "created_at", "payload", "attempts", "next_attempt_at", "last_error"]),
        ("channel", ["name", "last_success_at", "last_error", "last_error_at"]),
    ]
    /// Columns PostgreSQL keeps as `boolean`, SQLite as 0 or 1.
    private static let booleans: Set<String> = ["was_public", "recheck"]
    /// Columns PostgreSQL keeps as `bytea`.
    private static let bytes: Set<String> = ["hash@content", "text@content"]

    private let source: SQLiteStore
    private let target: PostgresStore

    public init(from source: SQLiteStore, to target: PostgresStore) {
        self.source = source
        self.target = target
    }

    public func run() async throws(StoreError) -> [Count] {
        let source = source
        return try await target.write("copying \(source.path) into the database") { connection in
            let sites = try connection.query("SELECT count(*) AS n FROM site").first?.int("n") ?? 0
            guard sites == 0 else { throw StoreCopyError.targetNotEmpty(sites: sites) }
            return try source.pool.read { db in
                var counts: [Count] = []
                for table in Self.tables {
                    counts.append(try Self.copy(table.name, columns: table.columns, from: db, to: connection))
                }
                if let instance = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'instance'") {
                    try connection.run("UPDATE meta SET value = $1 WHERE key = 'instance'", [instance])
                }
                for table in ["site", "content", "event"] {
                    try connection.run("""
                        SELECT setval(pg_get_serial_sequence('\(table)', 'id'), coalesce(max(id), 0) + 1, false) FROM \(table)
                        """)
                }
                let wrong = counts.filter { $0.source != $0.target }
                guard wrong.isEmpty else { throw StoreCopyError.countsDiffer(wrong) }
                return counts
            }
        }
    }

    private static func copy(
        _ table: String, columns: [String], from db: Database, to connection: PostgresConnection
    ) throws -> Count {
        let selected = columns.map { bytes.contains("\($0)@\(table)") ? "CAST(\($0) AS BLOB) AS \($0)" : $0 }
        let placeholders = columns.indices.map { "$\($0 + 1)" }.joined(separator: ", ")
        let insert = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(placeholders))"
        let rows = try Row.fetchCursor(db, sql: "SELECT \(selected.joined(separator: ", ")) FROM \(table)")
        var copied = 0
        while let row = try rows.next() {
            let parameters: PostgresParameters = columns.map { column in
                let value: DatabaseValue = row[column]
                switch value.storage {
                case .null: return nil
                case .int64(let number): return booleans.contains(column) ? number != 0 : number
                case .double(let number): return number
                case .string(let text): return text
                case .blob(let data): return data
                }
            }
            try connection.run(insert, parameters)
            copied += 1
        }
        let stored = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0
        guard stored == copied else { throw StoreCopyError.readShort(table: table, read: copied, stored: stored) }
        let target = try connection.query("SELECT count(*) AS n FROM \(table)").first?.int("n") ?? 0
        return Count(table: table, source: stored, target: target)
    }
}

enum StoreCopyError: Error, CustomStringConvertible {
    case targetNotEmpty(sites: Int)
    case countsDiffer([StoreCopy.Count])
    case readShort(table: String, read: Int, stored: Int)

    var description: String {
        switch self {
        case .targetNotEmpty(let sites):
            "it already holds \(sites) \(sites == 1 ? "site" : "sites"); copy into a new, empty database "
                + "(createdb), so that no history is mixed with another"
        case .countsDiffer(let counts):
            "the copy does not match the file ("
                + counts.map { "\($0.table): \($0.source) rows read, \($0.target) in PostgreSQL" }.joined(separator: "; ")
                + "); nothing was committed"
        case let .readShort(table, read, stored):
            "\(read) rows of \(table) were read from the file, which counts \(stored); nothing was committed"
        }
    }
}
