#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Times as the database stores them: ISO 8601 in UTC, whole seconds.
enum Timestamp {
    static func now() -> String { Date().ISO8601Format() }

    static func date(_ text: String?) -> Date? {
        text.flatMap { try? Date($0, strategy: .iso8601) }
    }
}
