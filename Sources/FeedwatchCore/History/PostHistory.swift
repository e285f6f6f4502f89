/// Every stored version of one post, as `feedwatch history` shows it.
public struct PostHistory: Sendable, Codable, Equatable {
    public var site: String
    public var type: String
    public var postID: Int
    /// The newest title, as text.
    public var title: String
    public var link: String
    public var state: PostState
    public var versions: [VersionSummary]
}

/// One stored version, without its texts.
public struct VersionSummary: Sendable, Codable, Equatable {
    public var version: Int
    public var seenAt: String
    public var modifiedGMT: String?
    /// SHA-256 of the normalized tracked fields.
    public var hash: String
    /// What the version recorded: `baseline`, `new`, `revised`, `silent-edit`,
    /// `deleted`, `unpublished` or `restored`.
    public var change: String
    public var changedFields: [TrackedField]
}

/// One stored version with the texts of its tracked fields.
public struct StoredVersion: Sendable, Equatable {
    public var summary: VersionSummary
    public var snapshot: PostSnapshot
}
