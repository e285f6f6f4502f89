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
    case unchanged

    /// Whether the fetched post is stored as a new version.
    public var storesVersion: Bool {
        switch self {
        case .baseline, .new, .revised, .silentEdit: true
        case .touched, .unchanged: false
        }
    }
}

/// The state of the newest stored version that a fetched post is compared with.
public struct StoredPostState: Sendable, Equatable {
    public var modifiedGMT: String?
    public var fingerprint: PostFingerprint
    public var version: Int

    public init(modifiedGMT: String?, fingerprint: PostFingerprint, version: Int) {
        self.modifiedGMT = modifiedGMT
        self.fingerprint = fingerprint
        self.version = version
    }
}

public enum ChangeClassifier {
    public static func classify(
        modifiedGMT: String?, fingerprint: PostFingerprint, stored: StoredPostState?, siteBaselined: Bool
    ) -> PostChange {
        guard let stored else { return siteBaselined ? .new : .baseline }
        let sameContent = fingerprint.hash == stored.fingerprint.hash
        if modifiedGMT != stored.modifiedGMT {
            return sameContent ? .touched : .revised(changed: fingerprint.changedFields(since: stored.fingerprint))
        }
        return sameContent ? .unchanged : .silentEdit(changed: fingerprint.changedFields(since: stored.fingerprint))
    }
}
