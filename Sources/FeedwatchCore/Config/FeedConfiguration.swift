/// `feed` (SPEC addition): an Atom 1.0 file of the latest events, rewritten
/// after each batch reported, for a web server or a feed reader to follow.
public struct FeedConfiguration: Sendable, Equatable {
    public var path: String
    /// How many of the newest events the file holds.
    public var entries: Int
    /// The event kinds it holds.
    public var events: Set<EventKind>

    public static let defaultEntries = 200
    public static let maximumEntries = 10_000

    public init(path: String, entries: Int = defaultEntries, events: Set<EventKind> = NotifyChannel.defaultEvents) {
        self.path = path
        self.entries = entries
        self.events = events
    }
}
