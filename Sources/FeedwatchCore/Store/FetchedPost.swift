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
    /// The long field texts as a new `content` row holds them (`ContentText`),
    /// deflated here, on every core, when the caller expected the post to be
    /// new or changed; empty otherwise, and the single writer deflates what
    /// turns out to be new (a silent edit found by a verify pass).
    var storedTexts: [TrackedField: ContentText.Stored] = [:]
    /// Whether the caller expected the post to be new or changed, so that the
    /// store inserts its texts before looking them up.
    var likelyNew = false

    /// Whether it was read within seconds of its `modified_gmt`, so that the
    /// next poll fetches it again (see `SameSecondSave`).
    public var recheck: Bool

    /// Public, hidden or deleted, as its `status` says.
    public var state: PostState { PostState(status: snapshot[.status]) }

    public init(_ post: WordPressPost, normalizer: ContentNormalizer) {
        var none: Zlib.Compressor?
        self.init(post, normalizer: normalizer, compressor: &none, compresses: false)
    }

    /// - Parameters:
    ///   - compressor: kept from post to post by one thread; made on first use.
    ///   - compresses: deflate the long texts now (see `storedTexts`).
    init(_ post: WordPressPost, normalizer: ContentNormalizer, compressor: inout Zlib.Compressor?, compresses: Bool) {
        id = post.id
        modifiedGMT = post.modifiedGMT
        snapshot = PostSnapshot(post)
        fingerprint = PostFingerprint(snapshot, normalizer: normalizer)
        self.normalizer = normalizer
        titleText = HTMLText.plain(snapshot[.title])
        recheck = SameSecondSave.isPossible(modifiedGMT: post.modifiedGMT, servedAt: post.servedAt)
        likelyNew = compresses
        var hashes: [TrackedField: Data] = [:]
        for field in TrackedField.allCases where !ContentTable.isShort(snapshot[field]) {
            hashes[field] = ContentTable.hash(snapshot[field])
            // A failure here is no failure: the writer deflates the text again, and reports it.
            if compresses, let stored = try? ContentText.encode(snapshot[field], with: &compressor) {
                storedTexts[field] = stored
            }
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
    /// - Parameter isFresh: whether a post is likely new or changed (not stored
    ///   with this `modified_gmt`): its long texts are deflated here too, on
    ///   every core, instead of by the store's single writer. A verify pass,
    ///   which fetches every post again, says `false` for those it has stored
    ///   unchanged, so as not to deflate texts that are already stored.
    public static func fingerprinting(
        _ posts: [WordPressPost], normalizer: ContentNormalizer, isFresh: (WordPressPost) -> Bool = { _ in true }
    ) async -> [FetchedPost] {
        let fresh = posts.map(isFresh)
        let partSize = max(8, (posts.count + 3) / 4)
        @Sendable func part(_ range: Range<Int>) -> [FetchedPost] {
            var compressor: Zlib.Compressor?
            return range.map { FetchedPost(posts[$0], normalizer: normalizer, compressor: &compressor, compresses: fresh[$0]) }
        }
        guard posts.count > partSize else { return part(posts.indices) }
        return await withTaskGroup(of: (Int, [FetchedPost]).self) { group in
            for start in stride(from: 0, to: posts.count, by: partSize) {
                group.addTask { (start, part(start..<min(start + partSize, posts.count))) }
            }
            var parts: [(Int, [FetchedPost])] = []
            for await part in group { parts.append(part) }
            return parts.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }
}
