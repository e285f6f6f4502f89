/// Builds post objects with every field, in the order and shape `WP_REST_Posts_Controller::
/// prepare_item_for_response()` produces for an anonymous `view` request (WordPress 6.7+).
enum PostFactory {
    /// What a test asks for; the factory renders it the way WordPress would.
    struct Spec: Sendable {
        struct Term: Sendable {
            let id: Int
            let slug: String
        }

        var id: Int
        var type = "post"
        var title: String
        /// The stored `post_content`; rendered through `wptexturize` and `wpautop`.
        var content: String
        /// A hand-written excerpt, or empty for WordPress's automatic one.
        var excerpt = ""
        var status = "publish"
        var dateGMT: Int64
        var modifiedGMT: Int64
        var slug: String
        var author = 1
        var categories = [Term(id: 1, slug: "uncategorized")]
        var tags: [Term] = []
        var featuredMedia = 0
    }

    static func record(for spec: Spec, config: SiteConfig) -> PostRecord {
        let offset = Int64(config.offsetSeconds)
        let isPost = spec.type == "post"
        let content = WPFormatting.autop(WPFormatting.texturize(spec.content))
        var members: [JSONMember] = []
        func add(_ key: String, _ value: JSONValue) { members.append(JSONMember(key: key, value: value)) }

        add("id", .int(spec.id))
        add("date", .string(WPTime.rfc3339(spec.dateGMT + offset)))
        add("date_gmt", .string(WPTime.rfc3339(spec.dateGMT)))
        add("guid", .object(["rendered": .string(config.guid(id: spec.id, type: spec.type))]))
        add("modified", .string(WPTime.rfc3339(spec.modifiedGMT + offset)))
        add("modified_gmt", .string(WPTime.rfc3339(spec.modifiedGMT)))
        add("slug", .string(spec.slug))
        add("status", .string(spec.status))
        add("type", .string(spec.type))
        add("link", .string(config.permalink(id: spec.id, type: spec.type, slug: spec.slug)))
        add("title", .object(["rendered": .string(WPFormatting.texturize(spec.title))]))
        add("content", .object(["rendered": .string(content), "protected": .bool(false)]))
        add("excerpt", .object(["rendered": .string(""), "protected": .bool(false)]))
        add("author", .int(spec.author))
        add("featured_media", .int(spec.featuredMedia))
        if !isPost {
            add("parent", .int(0))
            add("menu_order", .int(0))
        }
        add("comment_status", .string(isPost ? "open" : "closed"))
        add("ping_status", .string(isPost ? "open" : "closed"))
        if isPost { add("sticky", .bool(false)) }
        add("template", .string(""))
        if isPost { add("format", .string("standard")) }
        add("meta", .object(["footnotes": .string("")]))
        if isPost {
            add("categories", .array(spec.categories.map { .int($0.id) }))
            add("tags", .array(spec.tags.map { .int($0.id) }))
        }
        add("class_list", .array(classList(spec).map(JSONValue.string)))
        add("_links", links(spec, config: config))

        var record = PostRecord(
            id: spec.id, type: spec.type, status: spec.status, json: .object(members),
            dateLocal: spec.dateGMT + offset, modifiedLocal: spec.modifiedGMT + offset,
            modifiedGMT: spec.modifiedGMT, hasManualExcerpt: false, revisionCount: 0,
            source: PostRecord.Source(title: spec.title, content: spec.content, excerpt: spec.excerpt))
        record.setExcerpt(manual: spec.excerpt.isEmpty ? nil : spec.excerpt)
        return record
    }

    /// `get_post_class()` as the REST API exposes it since WordPress 6.5.
    private static func classList(_ spec: Spec) -> [String] {
        var classes = ["post-\(spec.id)", spec.type, "type-\(spec.type)", "status-\(spec.status)"]
        if spec.type == "post" { classes.append("format-standard") }
        if spec.featuredMedia != 0 { classes.append("has-post-thumbnail") }
        classes.append("hentry")
        if spec.type == "post" {
            classes += spec.categories.map { "category-\($0.slug)" } + spec.tags.map { "tag-\($0.slug)" }
        }
        return classes
    }

    /// `prepare_links()`: relation order, attributes before `href`, and `targetHints` on `self`.
    private static func links(_ spec: Spec, config: SiteConfig) -> JSONValue {
        let base = spec.type == "page" ? "wp/v2/pages" : "wp/v2/posts"
        let id = String(spec.id)
        func link(_ href: String) -> JSONValue { .array([.object(["href": .string(href)])]) }
        func embeddable(_ href: String) -> JSONValue {
            .array([.object(["embeddable": .bool(true), "href": .string(href)])])
        }
        var links: [JSONMember] = []
        func add(_ rel: String, _ value: JSONValue) { links.append(JSONMember(key: rel, value: value)) }

        add("self", .array([.object([
            "href": .string(config.restURL("\(base)/\(id)")),
            "targetHints": .object(["allow": .array([.string("GET")])]),
        ])]))
        add("collection", link(config.restURL(base)))
        add("about", link(config.restURL("wp/v2/types/\(spec.type)")))
        add("author", embeddable(config.restURL("wp/v2/users/\(spec.author)")))
        add("replies", embeddable(config.restURL("wp/v2/comments", query: [("post", id)])))
        add("version-history", .array([.object([
            "count": .int(0), "href": .string(config.restURL("\(base)/\(id)/revisions")),
        ])]))
        if spec.featuredMedia != 0 {
            add("wp:featuredmedia", embeddable(config.restURL("wp/v2/media/\(spec.featuredMedia)")))
        }
        add("wp:attachment", link(config.restURL("wp/v2/media", query: [("parent", id)])))
        if spec.type == "post" {
            add("wp:term", .array([
                .object(["taxonomy": .string("category"), "embeddable": .bool(true),
                         "href": .string(config.restURL("wp/v2/categories", query: [("post", id)]))]),
                .object(["taxonomy": .string("post_tag"), "embeddable": .bool(true),
                         "href": .string(config.restURL("wp/v2/tags", query: [("post", id)]))]),
            ]))
        }
        add("curies", .array([.object([
            "name": .string("wp"), "href": .string("https://api.w.org/{rel}"), "templated": .bool(true),
        ])]))
        return .object(links)
    }
}
