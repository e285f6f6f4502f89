#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// WordPress's `modified_gmt` has whole seconds. A post saved twice in one
/// second, and read between the two saves, shows the same `modified_gmt`
/// after the second save, so a poll that compares `modified_gmt` alone would
/// never fetch it again and the next verify would call the change a silent
/// edit. A post read from a response made no later than a couple of seconds
/// after its `modified_gmt` is therefore fetched again at the next poll, and a
/// different content with the same `modified_gmt` then is `revised`.
///
/// The response's time is its `Date` header (the server's own clock, whole
/// seconds too), else when it arrived here. Once a post is read from a
/// response made later than that, it is settled and no longer fetched again,
/// so a quiet site costs one extra fetch per recent save, not one per poll.
enum SameSecondSave {
    /// How far `Date` may trail `modified_gmt` and still be suspect: the save's
    /// own second, one more for the `Date` header rounding down, and one for a
    /// web server and PHP that do not read the clock at the same instant.
    static let margin: TimeInterval = 2

    /// Whether a post with `modifiedGMT`, read from a response made at
    /// `servedAt`, may have been saved again in the same second since.
    static func isPossible(modifiedGMT: String?, servedAt: Date?) -> Bool {
        guard let servedAt, let modified = modifiedGMT.flatMap(WordPressTime.date(fromGMT:)) else { return false }
        return modified >= servedAt.addingTimeInterval(-margin)
    }
}
