/// What a fetched post means compared with the newest stored version (SPEC §4).
public enum PostChange: Sendable, Equatable {
    /// First sync of the site: stored silently, counted in the `baseline` event.
    case baseline
    case new
    case revised(changed: [TrackedField])
    /// `modified_gmt` moved but nothing tracked changed.
    case touched
    /// Content changed while `modified_gmt` stayed the same.
    case silentEdit(changed: [TrackedField])
    /// A public post now in the trash.
    case deleted(changed: [TrackedField])
    /// A public post now a draft, pending, private or scheduled.
    case unpublished(changed: [TrackedField])
    /// A post that was public, then deleted or unpublished, and is public again.
    case restored(changed: [TrackedField])
    case unchanged

    /// Whether the fetched post is stored as a new version.
    public var storesVersion: Bool {
        switch self {
        case .touched, .unchanged: false
        default: true
        }
    }
}

/// The state of the newest stored version that a fetched post is compared with.
public struct StoredPostState: Sendable, Equatable {
    public var modifiedGMT: String?
    public var fingerprint: PostFingerprint
    public var version: Int
    public var state: PostState
    /// Whether the post was ever public: only such a post can be `restored`.
    public var wasPublic: Bool
    /// `ContentNormalizer.key` of the normalization the fingerprint was made with.
    public var normalizer: String?
    /// Whether it was read within seconds of its `modified_gmt`, so that a
    /// second save in the same second carries the same `modified_gmt`.
    public var recheck: Bool

    public init(modifiedGMT: String?, fingerprint: PostFingerprint, version: Int, state: PostState = .public,
                wasPublic: Bool = true, normalizer: String? = nil, recheck: Bool = false) {
        self.modifiedGMT = modifiedGMT
        self.fingerprint = fingerprint
        self.version = version
        self.state = state
        self.wasPublic = wasPublic
        self.normalizer = normalizer
        self.recheck = recheck
    }
}

public enum ChangeClassifier {
    /// - Parameter state: the fetched post's state, from its `status`.
    public static func classify(
        modifiedGMT: String?, fingerprint: PostFingerprint, state: PostState = .public, stored: StoredPostState?,
        siteBaselined: Bool
    ) -> PostChange {
        guard let stored else { return siteBaselined ? .new : .baseline }
        let changed = { fingerprint.changedFields(since: stored.fingerprint) }
        switch (stored.state, state) {
        case (.public, .deleted): return .deleted(changed: changed())
        case (.public, .hidden): return .unpublished(changed: changed())
        case (.hidden, .public) where stored.wasPublic, (.deleted, .public) where stored.wasPublic:
            return .restored(changed: changed())
        default: break
        }
        let sameContent = fingerprint.hash == stored.fingerprint.hash
        if modifiedGMT != stored.modifiedGMT {
            return sameContent ? .touched : .revised(changed: changed())
        }
        if sameContent { return .unchanged }
        // A save in the second the stored version was read: WordPress moved
        // modified_gmt, only not past the same whole second.
        return stored.recheck ? .revised(changed: changed()) : .silentEdit(changed: changed())
    }
}
