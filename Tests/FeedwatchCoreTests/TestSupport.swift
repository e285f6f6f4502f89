@testable import FeedwatchCore
import Foundation
import TestSupport

extension Fixture {
    static func post() throws -> WordPressPost { try JSONDecoder().decode(WordPressPost.self, from: postData()) }
}

extension Engine {
    /// The engine's store as the SQLite file it is in these tests, for reading its rows.
    var sqliteStore: SQLiteStore {
        get throws {
            guard let store = store as? SQLiteStore else { throw StoreKindMismatch(location: store.location) }
            return store
        }
    }
}

private struct StoreKindMismatch: Error, CustomStringConvertible {
    let location: String
    var description: String { "\(location) is not an SQLite store" }
}
