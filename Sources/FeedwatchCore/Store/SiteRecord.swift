/// A site as the database knows it.
public struct SiteRecord: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var url: String
    /// The REST API root found by discovery, kept so it is not looked up on every poll.
    public var restRoot: String?
    public var baselined: Bool
    public var failuresInRow: Int
}

/// What a sync starts from: the site's record and the state of each of its
/// configured collections, by configured name.
public struct SiteSyncState: Sendable, Equatable {
    public var record: SiteRecord
    public var collections: [String: CollectionState]
}
