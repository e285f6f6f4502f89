import GRDB

/// What an id listing shows of a post, and what the store compares it with
/// to decide whether to fetch the post's content.
public struct PostStamp: Sendable, Equatable {
    public var modifiedGMT: String
    public var state: PostState

    public init(modifiedGMT: String?, state: PostState) {
        self.modifiedGMT = modifiedGMT ?? ""
        self.state = state
    }

    public init(_ post: WordPressPost) {
        self.init(modifiedGMT: post.modifiedGMT, state: PostState(status: post.status ?? ""))
    }

    init(_ row: Row) {
        self.init(modifiedGMT: row["modified_gmt"], state: PostState(rawValue: row["state"]) ?? .public)
    }
}
