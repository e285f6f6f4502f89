#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Which recorded events `Store.events(matching:)` returns, newest first.
public struct EventQuery: Sendable, Equatable {
    /// Only events committed at or after this time.
    public var since: Date?
    /// Only this site's events.
    public var site: String?
    public var kinds: Set<EventKind>
    public var limit: Int

    /// How long an event is kept after it was written to the journal: the
    /// history `feedwatch changes` and the Atom feed can show. The versions
    /// themselves are kept for good.
    public static let retention = Duration.seconds(90 * 24 * 3600)

    /// The kinds that are changes to posts, which `feedwatch changes` shows unless told otherwise.
    public static let changeKinds = Set(EventKind.allCases.filter(\.isChange))

    public init(since: Date? = nil, site: String? = nil, kinds: Set<EventKind> = changeKinds, limit: Int) {
        self.since = since
        self.site = site
        self.kinds = kinds
        self.limit = limit
    }
}
