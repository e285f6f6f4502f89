import Locking

/// The JSON bytes of one version of a post, per view, so that a list response is mostly a
/// concatenation of bytes rendered once instead of a tree filtered and encoded on every request.
///
/// Every copy of a `PostRecord` (the site's live table and the snapshots requests work on) shares
/// the cache of the version it holds, so what one request renders the next one reuses. A change
/// to the record gives it a new, empty cache: a snapshot taken before the change keeps the bytes
/// of the post it still holds, and nothing stale is ever served. Requests on two threads may
/// render the same view at once; both get the same bytes and one of them is kept.
final class PostRenderCache: Sendable {
    /// What decides the bytes besides the record itself (and its site, which never changes).
    struct Key: Equatable, Sendable {
        /// `view`, `embed` or (for a signed-in user) `edit`: the contexts that differ.
        let context: String
        /// Whether the post is shown to a signed-in user (`EditorView`).
        let editor: Bool
        /// The `_fields` list as `wp_parse_list` split it, each name prefixed with its length so
        /// that no two lists look alike; `nil` for the whole object.
        let fields: String?
        /// Whether the content carries `PluginMarkup`'s slots (`FakeSite.variesPluginMarkup`).
        let pluginMarkup: Bool

        init(context: String, editor: Bool, fields: [String]?, pluginMarkup: Bool = false) {
            self.context = context
            self.editor = editor
            self.fields = fields.map { $0.map { "\($0.utf8.count):\($0)" }.joined() }
            self.pluginMarkup = pluginMarkup
        }
    }

    /// Views kept per post; a client cycling through ever new `_fields` lists only costs renders.
    /// So few that a linear search (one string comparison each) beats hashing the key.
    private static let capacity = 8
    private let entries = Locked<[(key: Key, bytes: [UInt8])]>([])

    func bytes(for key: Key, render: () -> [UInt8]) -> [UInt8] {
        if let cached = entries.withLock({ $0.first { $0.key == key }?.bytes }) { return cached }
        let rendered = render()
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll() }
            if !entries.contains(where: { $0.key == key }) { entries.append((key, rendered)) }
        }
        return rendered
    }
}
