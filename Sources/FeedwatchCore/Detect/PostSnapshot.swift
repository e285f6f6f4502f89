/// The tracked fields of one post as the server sent them, as text: a version
/// as it is stored. Lists become comma-separated ids; missing fields are empty.
public struct PostSnapshot: Sendable, Equatable, Codable {
    /// The fields as WordPress renders them: what a visitor sees, shown by
    /// `feedwatch diff`.
    public var fields: [TrackedField: String]
    /// Title, content and excerpt as the author wrote them (`title.raw`…), when
    /// an authenticated client got them; empty otherwise. Where they are, they
    /// are what is hashed: what other posts, comments or settings do to the
    /// rendered HTML is no edit of this post.
    public var raw: [TrackedField: String]

    /// The fields that have a raw form, in the order a version stores them.
    public static let rawFields: [TrackedField] = [.title, .content, .excerpt]

    public init(fields: [TrackedField: String], raw: [TrackedField: String] = [:]) {
        self.fields = fields
        self.raw = raw
    }

    public init(_ post: WordPressPost) {
        let numbers = { (list: [Int]?) in list.map { $0.map(String.init).joined(separator: ",") } }
        fields = [
            .title: post.title ?? "",
            .content: post.content ?? "",
            .excerpt: post.excerpt ?? "",
            .status: post.status ?? "",
            .slug: post.slug ?? "",
            .link: post.link ?? "",
            .author: post.author.map(String.init) ?? "",
            .categories: numbers(post.categories) ?? "",
            .tags: numbers(post.tags) ?? "",
            .featuredMedia: post.featuredMedia.map(String.init) ?? "",
        ]
        // The edit context gives all three; a field without one (a type without excerpts)
        // falls back to its rendered text, so that every version has all three or none.
        if post.titleRaw != nil || post.contentRaw != nil || post.excerptRaw != nil {
            raw = [
                .title: post.titleRaw ?? post.title ?? "",
                .content: post.contentRaw ?? post.content ?? "",
                .excerpt: post.excerptRaw ?? post.excerpt ?? "",
            ]
        } else {
            raw = [:]
        }
    }

    enum CodingKeys: String, CodingKey { case fields, raw }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        fields = try container.decode([TrackedField: String].self, forKey: .fields)
        raw = try container.decodeIfPresent([TrackedField: String].self, forKey: .raw) ?? [:]
    }

    public subscript(field: TrackedField) -> String { fields[field] ?? "" }

    /// Whether the author's own text is here (an authenticated fetch).
    public var hasRaw: Bool { !raw.isEmpty }
}
