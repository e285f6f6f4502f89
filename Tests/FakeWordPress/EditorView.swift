/// How a post looks to a user signed in with an application password. Every such user of the fake
/// is an administrator, so WordPress (`WP_REST_Posts_Controller`, 6.x) shows them every post and:
///
/// - `_links.self[0].targetHints.allow` lists every method of the item route, not only `GET`;
/// - a draft, pending or scheduled post's `link` is the plain `?p=` form, as `get_permalink()`
///   gives no pretty permalink to a post that is not published yet;
/// - `context=edit` adds, in `prepare_item_for_response()`'s order, `guid.raw`, `password`,
///   `title.raw`, `content.raw`, `content.block_version`, `excerpt.raw`, `permalink_template` and
///   `generated_slug`, plus the `wp:action-…` links of `get_available_actions()`.
struct EditorView {
    let config: SiteConfig

    private static let itemMethods: [JSONValue] = ["GET", "POST", "PUT", "PATCH", "DELETE"].map(JSONValue.string)

    func representation(of record: PostRecord, context: String) -> JSONValue {
        var json = record.representation(context: context)
        if ["draft", "pending", "future", "auto-draft"].contains(record.status), json["link"] != nil {
            json["link"] = .string(config.guid(id: record.id, type: record.type))
        }
        if var links = json["_links"] {
            allowEveryMethod(&links)
            if context == "edit" { addActions(&links, type: record.type) }
            json["_links"] = links
        }
        return context == "edit" ? addRawFields(json, record) : json
    }

    private func allowEveryMethod(_ links: inout JSONValue) {
        guard var own = links["self"]?.arrayValue?.first, own["targetHints"] != nil else { return }
        own["targetHints"] = .object(["allow": .array(Self.itemMethods)])
        links["self"] = .array([own])
    }

    /// `get_available_actions()` for an administrator: each relation links to the post itself.
    /// Compacted `wp:` relations sit at the end, before `curies`.
    private func addActions(_ links: inout JSONValue, type: String) {
        guard case .object(var members) = links, let href = links["self"]?.arrayValue?.first?["href"] else { return }
        var actions = ["publish", "unfiltered-html"]
        if type == "post" { actions.append("sticky") }
        actions.append("assign-author")
        if type == "post" {
            actions += ["create-categories", "assign-categories", "create-tags", "assign-tags"]
        }
        let added = actions.map { JSONMember(key: "wp:action-\($0)", value: .array([.object(["href": href])])) }
        let curies = members.firstIndex { $0.key == "curies" } ?? members.count
        members.insert(contentsOf: added, at: curies)
        links = .object(members)
    }

    private func addRawFields(_ json: JSONValue, _ record: PostRecord) -> JSONValue {
        guard case .object(let members) = json else { return json }
        var output: [JSONMember] = []
        var placedTemplate = false
        for member in members {
            switch member.key {
            case "guid":
                var guid = member.value
                guid["raw"] = guid["rendered"]
                output.append(JSONMember(key: "guid", value: guid))
                continue
            case "slug":
                output.append(JSONMember(key: "password", value: .string("")))
            case "title", "content", "excerpt":
                output.append(JSONMember(key: member.key, value: withRaw(member.value, field: member.key, record)))
                continue
            case "class_list", "_links":
                if !placedTemplate { output += permalinkFields(record) }
                placedTemplate = true
            default:
                break
            }
            output.append(member)
        }
        if !placedTemplate { output += permalinkFields(record) }
        return .object(output)
    }

    /// `raw` first, then what the view context has, then (for `content`) `block_version`.
    private func withRaw(_ value: JSONValue, field: String, _ record: PostRecord) -> JSONValue {
        guard case .object(let members) = value else { return value }
        let raw = switch field {
        case "title": record.source.title
        case "content": record.source.content
        default: record.source.excerpt
        }
        var result = [JSONMember(key: "raw", value: .string(raw))] + members.filter { $0.key != "raw" }
        if field == "content" {
            // block_version(): 1 when the content holds block delimiters (`has_blocks()`).
            result.append(JSONMember(key: "block_version", value: .int(raw.contains("<!-- wp:") ? 1 : 0)))
        }
        return .object(result)
    }

    /// `get_sample_permalink( $post->ID, $post->post_title, '' )`: the slug comes from the
    /// title (the empty `$name` is not null), falling back to the id, whatever the real slug.
    /// Unlike WordPress, the fake does not make it unique against other posts.
    private func permalinkFields(_ record: PostRecord) -> [JSONMember] {
        let slug = WPFormatting.slug(record.source.title)
        let template = switch (config.permalinks, record.type) {
        case (.pretty, "page"): config.home + "/%pagename%/"
        case (.pretty, _): config.home + "/%postname%/"
        case (.plain, _): config.guid(id: record.id, type: record.type)
        }
        return [
            JSONMember(key: "permalink_template", value: .string(template)),
            JSONMember(key: "generated_slug", value: .string(slug.isEmpty ? String(record.id) : slug)),
        ]
    }
}
