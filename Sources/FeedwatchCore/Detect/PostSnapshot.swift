/// The tracked fields of one post as the server sent them, as text: a version
/// as it is stored. Lists become comma-separated ids; missing fields are empty.
public struct PostSnapshot: Sendable, Equatable, Codable {
    public var fields: [TrackedField: String]

    public init(fields: [TrackedField: String]) { self.fields = fields }

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
    }

    public subscript(field: TrackedField) -> String { fields[field] ?? "" }
}
