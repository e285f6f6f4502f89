/// Whether the public can read a post, as feedwatch last saw it: what tells a
/// deletion, an unpublishing or a restoration from an ordinary edit.
public enum PostState: String, Sendable, Codable {
    /// Published (or an attachment, whose status is `inherit`): anyone can read it.
    case `public`
    /// A draft, pending, private or scheduled post (seen only with an
    /// application password), or one the server now refuses to show (401/403).
    case hidden
    /// In the trash, or gone for good (404/410).
    case deleted

    /// The state a post's `status` field gives; a listing without the field
    /// shows only public posts.
    public init(status: String) {
        switch status {
        case "publish", "inherit", "": self = .public
        case "trash": self = .deleted
        default: self = .hidden
        }
    }
}
