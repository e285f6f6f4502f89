import GRDB

/// What an id listing shows of a post, and what the store compares it with
/// to decide whether to fetch the post's content.
public struct PostStamp: Sendable, Equatable {
    public var modifiedGMT: String
    public var state: PostState
    /// Whether the stored version may predate a second save in the same second
    /// (see `SameSecondSave`); always `false` for a listed post.
    public var recheck: Bool

    public init(modifiedGMT: String?, state: PostState, recheck: Bool = false) {
        self.modifiedGMT = modifiedGMT ?? ""
        self.state = state
        self.recheck = recheck
    }

    public init(_ post: WordPressPost) {
        self.init(modifiedGMT: post.modifiedGMT, state: PostState(status: post.status ?? ""))
    }

    init(_ row: Row) {
        self.init(modifiedGMT: row["modified_gmt"], state: PostState(rawValue: row["state"]) ?? .public,
                  recheck: row["recheck"])
    }

    /// Whether the listed post's content must be fetched: it changed, or the
    /// stored version may have missed a save in the second it was read.
    public func needsFetch(_ listed: WordPressPost) -> Bool {
        recheck || self != PostStamp(listed)
    }
}
