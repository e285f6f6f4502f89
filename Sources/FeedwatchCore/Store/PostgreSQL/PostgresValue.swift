#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A statement parameter as libpq sends it: text, which the server converts to
/// the parameter's type, or raw bytes for a `bytea`.
enum PostgresValue: Sendable, Equatable {
    case text(String)
    case bytes([UInt8])
}

/// A Swift value that can be a statement parameter.
protocol PostgresBindable: Sendable {
    var postgresValue: PostgresValue { get }
}

extension String: PostgresBindable {
    var postgresValue: PostgresValue { .text(self) }
}

extension Int: PostgresBindable {
    var postgresValue: PostgresValue { .text(String(self)) }
}

extension Int64: PostgresBindable {
    var postgresValue: PostgresValue { .text(String(self)) }
}

extension Double: PostgresBindable {
    var postgresValue: PostgresValue { .text(String(self)) }
}

extension Bool: PostgresBindable {
    var postgresValue: PostgresValue { .text(self ? "t" : "f") }
}

extension Data: PostgresBindable {
    var postgresValue: PostgresValue { .bytes(Array(self)) }
}

/// A statement's parameters, `nil` for NULL.
typealias PostgresParameters = [(any PostgresBindable)?]
