#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

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
    /// What the store keeps with the hashes: the normalization's key, marked
    /// `+raw` when the hashes are of the author's raw text (see `PostSnapshot.raw`),
    /// so that a stored post hashed otherwise is compared on common ground.
    public var normalizerKey: String { Self.key(normalizer, raw: snapshot.hasRaw) }
    /// The title as plain text, for events and listings.
    public var titleText: String
    /// SHA-256 of the long field texts as sent (their key in the content
    /// table), made here so that the store's single writer need not.
    var textHashes: [TrackedField: Data]

    /// Whether it was read within seconds of its `modified_gmt`, so that the
    /// next poll fetches it again (see `SameSecondSave`).
    public var recheck: Bool

    /// Public, hidden or deleted, as its `status` says.
    public var state: PostState { PostState(status: snapshot[.status]) }

    public init(_ post: WordPressPost, normalizer: ContentNormalizer) {
        id = post.id
        modifiedGMT = post.modifiedGMT
        snapshot = PostSnapshot(post)
        fingerprint = PostFingerprint(snapshot, normalizer: normalizer)
        self.normalizer = normalizer
        titleText = HTMLText.plain(snapshot[.title])
        recheck = SameSecondSave.isPossible(modifiedGMT: post.modifiedGMT, servedAt: post.servedAt)
        var hashes: [TrackedField: Data] = [:]
        for field in TrackedField.allCases where !ContentTable.isShort(snapshot[field]) {
            hashes[field] = ContentTable.hash(snapshot[field])
        }
        textHashes = hashes
    }
}

extension FetchedPost {
    static func key(_ normalizer: ContentNormalizer, raw: Bool) -> String {
        raw ? normalizer.key + "+raw" : normalizer.key
    }

    /// A page of posts normalized and hashed in a few concurrent parts, so a
    /// first sync uses every core for what is most of its CPU; in order.
    public static func fingerprinting(_ posts: [WordPressPost], normalizer: ContentNormalizer) async -> [FetchedPost] {
        let partSize = max(8, (posts.count + 3) / 4)
        guard posts.count > partSize else { return posts.map { FetchedPost($0, normalizer: normalizer) } }
        return await withTaskGroup(of: (Int, [FetchedPost]).self) { group in
            for start in stride(from: 0, to: posts.count, by: partSize) {
                let part = posts[start..<min(start + partSize, posts.count)]
                group.addTask { (start, part.map { FetchedPost($0, normalizer: normalizer) }) }
            }
            var parts: [(Int, [FetchedPost])] = []
            for await part in group { parts.append(part) }
            return parts.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }
}
