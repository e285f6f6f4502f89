/// The post types a fake site registers with `show_in_rest`, and what their REST controllers need.
struct PostTypeInfo: Sendable {
    let slug: String
    let restBase: String
    let name: String
    let icon: String
    let hierarchical: Bool
    let taxonomies: [String]
    /// The `status` argument's default: `inherit` for attachments, `publish` otherwise.
    let defaultStatus: String

    static let post = PostTypeInfo(
        slug: "post", restBase: "posts", name: "Posts", icon: "dashicons-admin-post", hierarchical: false,
        taxonomies: ["category", "post_tag"], defaultStatus: "publish")
    static let page = PostTypeInfo(
        slug: "page", restBase: "pages", name: "Pages", icon: "dashicons-admin-page", hierarchical: true,
        taxonomies: [], defaultStatus: "publish")
    static let attachment = PostTypeInfo(
        slug: "attachment", restBase: "media", name: "Media", icon: "dashicons-admin-media", hierarchical: false,
        taxonomies: [], defaultStatus: "inherit")

    static let all = [post, page, attachment]

    static func withRestBase(_ base: String) -> PostTypeInfo? { all.first { $0.restBase == base } }

    var collectionRoute: String { "/wp/v2/\(restBase)" }

    /// The `orderby` enum of `get_collection_params()`.
    var orderbyValues: [String] {
        var values = ["author", "date", "id", "include", "modified", "parent", "relevance", "slug", "include_slugs", "title"]
        if slug == "page" { values.append("menu_order") }
        return values
    }
}
