#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Times as the database stores them: ISO 8601 in UTC, whole seconds.
enum Timestamp {
    static func now() -> String { Date().ISO8601Format() }
}
