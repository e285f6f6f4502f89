/// A post's identity in the store: site, REST collection, WordPress id.
public struct PostKey: Hashable, Sendable {
    public var siteID: Int64
    public var type: String
    public var id: Int
}
