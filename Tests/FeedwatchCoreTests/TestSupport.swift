@testable import FeedwatchCore
import Foundation
import TestSupport

extension Fixture {
    static func post() throws -> WordPressPost { try JSONDecoder().decode(WordPressPost.self, from: postData()) }
}
