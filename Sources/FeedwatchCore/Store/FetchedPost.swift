/// A post as fetched, with its normalized fingerprint: what the store compares
/// with the newest stored version.
public struct FetchedPost: Sendable {
    public var id: Int
    public var modifiedGMT: String?
    public var snapshot: PostSnapshot
    public var fingerprint: PostFingerprint
    /// The normalization the fingerprint was made with: a stored post
    /// fingerprinted under another is fingerprinted again before comparing.
    public var normalizer: ContentNormalizer

    /// Public, hidden or deleted, as its `status` says.
    public var state: PostState { PostState(status: snapshot[.status]) }

    public init(_ post: WordPressPost, normalizer: ContentNormalizer) {
        id = post.id
        modifiedGMT = post.modifiedGMT
        snapshot = PostSnapshot(post)
        fingerprint = PostFingerprint(snapshot, normalizer: normalizer)
        self.normalizer = normalizer
    }
}
