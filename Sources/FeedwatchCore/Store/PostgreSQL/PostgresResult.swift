import CPostgreSQL
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The rows a statement returned, in libpq's text format.
final class PostgresResult {
    private let handle: OpaquePointer
    let rowCount: Int
    private let columns: [String: Int32]

    init(_ handle: OpaquePointer) {
        self.handle = handle
        rowCount = Int(PQntuples(handle))
        var columns: [String: Int32] = [:]
        for index in 0..<PQnfields(handle) { columns[String(cString: PQfname(handle, index))] = index }
        self.columns = columns
    }

    deinit { PQclear(handle) }

    /// How many rows an UPDATE, INSERT or DELETE touched.
    var affectedRows: Int { Int(String(cString: PQcmdTuples(handle))) ?? 0 }

    var rows: [PostgresRow] { (0..<rowCount).map { PostgresRow(result: self, index: Int32($0)) } }

    var first: PostgresRow? { rowCount > 0 ? PostgresRow(result: self, index: 0) : nil }

    fileprivate func text(row: Int32, column name: String) -> String? {
        guard let column = columns[name], PQgetisnull(handle, row, column) == 0 else { return nil }
        return String(cString: PQgetvalue(handle, row, column))
    }
}

/// One row of a `PostgresResult`, its values by column name; `nil` for NULL.
struct PostgresRow {
    fileprivate let result: PostgresResult
    fileprivate let index: Int32

    func string(_ column: String) -> String? { result.text(row: index, column: column) }
    func int(_ column: String) -> Int? { string(column).flatMap { Int($0) } }
    func int64(_ column: String) -> Int64? { string(column).flatMap { Int64($0) } }
    func double(_ column: String) -> Double? { string(column).flatMap { Double($0) } }
    func bool(_ column: String) -> Bool? { string(column).map { $0 == "t" } }

    /// A `bytea`, which the text format sends as `\x` and two hex digits a byte.
    func bytes(_ column: String) -> [UInt8]? {
        guard let hex = string(column)?.utf8, hex.starts(with: "\\x".utf8) else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity((hex.count - 2) / 2)
        var high: UInt8?
        for character in hex.dropFirst(2) {
            guard let nibble = Self.nibble(character) else { return nil }
            if let first = high {
                bytes.append(first << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return high == nil ? bytes : nil
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
