@testable import FeedwatchCore
import Testing

/// What the suites of the built-in rules expect of a pair of renderings: the same post hashes
/// alike however WordPress derived its markup; a post edited in substance does not.
protocol MarkupExpectations {}

extension MarkupExpectations {
    /// The built-in rules, without `ignore` patterns.
    var normalizer: ContentNormalizer { ContentNormalizer(ignorePatterns: []) }

    func normalized(_ html: String) -> String { normalizer.normalize(html, field: .content) }

    /// Two renderings of the same post normalize alike.
    func expectSame(_ first: String, _ second: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(first != second, "the samples must differ raw", sourceLocation: sourceLocation)
        #expect(normalized(first) == normalized(second), sourceLocation: sourceLocation)
    }

    /// Two versions of a post that differ in substance stay different.
    func expectDifferent(_ first: String, _ second: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(normalized(first) != normalized(second), sourceLocation: sourceLocation)
    }
}
