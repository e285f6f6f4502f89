#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A post as the REST API returns it. Every field but `id` may be missing; a
/// field of the wrong type is an error, so that a broken response is reported
/// instead of being stored as a revision with empty fields.
public struct WordPressPost: Sendable, Decodable {
    public var id: Int
    public var modifiedGMT: String?
    public var status: String?
    public var slug: String?
    public var link: String?
    public var title: String?
    public var content: String?
    public var excerpt: String?
    public var author: Int?
    public var featuredMedia: Int?
    public var categories: [Int]?
    public var tags: [Int]?
    /// When the server made the response that carried the post (its `Date`
    /// header, else when the response arrived); not part of the JSON. A post
    /// saved in that very second may have been saved again after it was read.
    public var servedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, status, slug, link, title, content, excerpt, author, categories, tags
        case modifiedGMT = "modified_gmt"
        case featuredMedia = "featured_media"
    }

    public init(id: Int, modifiedGMT: String? = nil, status: String? = nil, slug: String? = nil, link: String? = nil,
                title: String? = nil, content: String? = nil, excerpt: String? = nil, author: Int? = nil,
                featuredMedia: Int? = nil, categories: [Int]? = nil, tags: [Int]? = nil, servedAt: Date? = nil) {
        self.id = id
        self.modifiedGMT = modifiedGMT
        self.status = status
        self.slug = slug
        self.link = link
        self.title = title
        self.content = content
        self.excerpt = excerpt
        self.author = author
        self.featuredMedia = featuredMedia
        self.categories = categories
        self.tags = tags
        self.servedAt = servedAt
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int.self, forKey: .id)
        modifiedGMT = try container.decodeIfPresent(String.self, forKey: .modifiedGMT)
        status = try container.decodeIfPresent(String.self, forKey: .status)
        slug = try container.decodeIfPresent(String.self, forKey: .slug)
        link = try container.decodeIfPresent(String.self, forKey: .link)
        title = try Self.rendered(container, .title)
        content = try Self.rendered(container, .content)
        excerpt = try Self.rendered(container, .excerpt)
        author = try container.decodeIfPresent(Int.self, forKey: .author)
        featuredMedia = try container.decodeIfPresent(Int.self, forKey: .featuredMedia)
        categories = try container.decodeIfPresent([Int].self, forKey: .categories)
        tags = try container.decodeIfPresent([Int].self, forKey: .tags)
    }

    private struct Rendered: Decodable { var rendered: String? }

    /// `{"rendered": "…"}` as WordPress sends it, or a plain string as some plugins do.
    private static func rendered(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> String? {
        do {
            return try container.decodeIfPresent(Rendered.self, forKey: key)?.rendered
        } catch DecodingError.typeMismatch {
            return try container.decodeIfPresent(String.self, forKey: key)
        }
    }
}
