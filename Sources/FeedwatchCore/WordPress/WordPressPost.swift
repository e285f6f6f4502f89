#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A post as the REST API returns it. Every field but `id` may be missing; a
/// field of the wrong type is an error, so that a broken response is reported
/// instead of being stored as a revision with empty fields.
public struct WordPressPost: Sendable, Equatable, Decodable {
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
    /// `title.raw`, `content.raw` and `excerpt.raw`: what the author wrote, as stored (block
    /// markup, shortcodes unexpanded). WordPress sends them only with `context=edit`, to a user
    /// who may edit the post; `nil` otherwise.
    public var titleRaw: String?
    public var contentRaw: String?
    public var excerptRaw: String?
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
                featuredMedia: Int? = nil, categories: [Int]? = nil, tags: [Int]? = nil, servedAt: Date? = nil,
                titleRaw: String? = nil, contentRaw: String? = nil, excerptRaw: String? = nil) {
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
        self.titleRaw = titleRaw
        self.contentRaw = contentRaw
        self.excerptRaw = excerptRaw
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int.self, forKey: .id)
        modifiedGMT = try container.decodeIfPresent(String.self, forKey: .modifiedGMT)
        status = try container.decodeIfPresent(String.self, forKey: .status)
        slug = try container.decodeIfPresent(String.self, forKey: .slug)
        link = try container.decodeIfPresent(String.self, forKey: .link)
        (title, titleRaw) = try Self.rendered(container, .title)
        (content, contentRaw) = try Self.rendered(container, .content)
        (excerpt, excerptRaw) = try Self.rendered(container, .excerpt)
        author = try container.decodeIfPresent(Int.self, forKey: .author)
        featuredMedia = try container.decodeIfPresent(Int.self, forKey: .featuredMedia)
        categories = try container.decodeIfPresent([Int].self, forKey: .categories)
        tags = try container.decodeIfPresent([Int].self, forKey: .tags)
    }

    private struct Rendered: Decodable {
        var rendered: String?
        var raw: String?
    }

    /// `{"rendered": "…"}` as WordPress sends it (with `"raw"` in the edit context), or a plain
    /// string as some plugins do: the rendered text and the raw one.
    private static func rendered(
        _ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys
    ) throws -> (String?, String?) {
        do {
            let object = try container.decodeIfPresent(Rendered.self, forKey: key)
            return (object?.rendered, object?.raw)
        } catch DecodingError.typeMismatch {
            return (try container.decodeIfPresent(String.self, forKey: key), nil)
        }
    }
}
