/// One row of the fake `wp_posts` table: the object the REST API renders for it in the `view`
/// context (`_links` included, members in WordPress's order), plus the columns that queries
/// filter and sort on, kept in step with the JSON by the mutating methods.
struct PostRecord: Sendable {
    /// `post_title`, `post_content` and `post_excerpt` as stored, before the formatting filters:
    /// what `context=edit` shows as `raw`.
    struct Source: Sendable {
        var title = ""
        var content = ""
        var excerpt = ""
    }

    let id: Int
    private(set) var type: String
    private(set) var status: String
    private(set) var json: JSONValue {
        didSet { renderCache = PostRenderCache() }
    }
    /// `post_date` and `post_modified`: the site's local wall clock, which `after`/`before` and
    /// `modified_after`/`modified_before` compare against.
    private(set) var dateLocal: Int64
    private(set) var modifiedLocal: Int64
    /// `post_modified_gmt`.
    private(set) var modifiedGMT: Int64
    /// Whether `excerpt` was written by hand; otherwise WordPress derives it from the content.
    private(set) var hasManualExcerpt: Bool
    private(set) var revisionCount: Int
    /// What `context=edit` shows changes with it too.
    var source: Source {
        didSet { renderCache = PostRenderCache() }
    }
    /// This version's encoded views; every change to the JSON or the source starts a new one.
    private(set) var renderCache = PostRenderCache()

    init(id: Int, type: String, status: String, json: JSONValue, dateLocal: Int64, modifiedLocal: Int64,
         modifiedGMT: Int64, hasManualExcerpt: Bool, revisionCount: Int, source: Source) {
        self.id = id
        self.type = type
        self.status = status
        self.json = json
        self.dateLocal = dateLocal
        self.modifiedLocal = modifiedLocal
        self.modifiedGMT = modifiedGMT
        self.hasManualExcerpt = hasManualExcerpt
        self.revisionCount = revisionCount
        self.source = source
    }

    /// Adopts a post object as some WordPress served it (a fixture). Its timestamps are taken from
    /// its own `modified`/`modified_gmt`, whatever the fake site's offset. Its stored text is its
    /// `raw` fields if it has them (an `edit` fixture), else the rendered title and content and an
    /// empty excerpt, which is as near as a `view` fixture allows.
    init(adopting json: JSONValue, id: Int, offsetSeconds: Int, now: Int64) {
        let local = json["modified"]?.stringValue.flatMap(WPTime.parseWallClock)
        let gmt = json["modified_gmt"]?.stringValue.flatMap(WPTime.parseWallClock)
        let modifiedGMT = gmt ?? local.map { $0 - Int64(offsetSeconds) } ?? now
        let modifiedLocal = local ?? modifiedGMT + Int64(offsetSeconds)
        self.init(
            id: id, type: json["type"]?.stringValue ?? "post", status: json["status"]?.stringValue ?? "publish",
            json: json, dateLocal: json["date"]?.stringValue.flatMap(WPTime.parseWallClock) ?? modifiedLocal,
            modifiedLocal: modifiedLocal, modifiedGMT: modifiedGMT, hasManualExcerpt: true,
            revisionCount: json["_links"]?["version-history"]?.arrayValue?.first?["count"]?.intValue ?? 0,
            source: Source(title: json["title"]?["raw"]?.stringValue ?? json["title"]?["rendered"]?.stringValue ?? "",
                           content: json["content"]?["raw"]?.stringValue ?? json["content"]?["rendered"]?.stringValue ?? "",
                           excerpt: json["excerpt"]?["raw"]?.stringValue ?? ""))
    }

    var title: String { json["title"]?["rendered"]?.stringValue ?? "" }
    var slug: String { json["slug"]?.stringValue ?? "" }
    var link: String { json["link"]?.stringValue ?? "" }
    var author: Int { json["author"]?.intValue ?? 0 }
    var parent: Int { json["parent"]?.intValue ?? 0 }
    var menuOrder: Int { json["menu_order"]?.intValue ?? 0 }
    var renderedContent: String { json["content"]?["rendered"]?.stringValue ?? "" }
    var renderedExcerpt: String { json["excerpt"]?["rendered"]?.stringValue ?? "" }

    /// Fields present in the `embed` context (those whose schema lists `embed`), plus `_links`.
    private static let embedFields: Set = [
        "id", "date", "slug", "type", "link", "title", "excerpt", "author", "featured_media", "_links",
    ]

    /// The object for a `context` WordPress lets an anonymous client ask for (`view` or `embed`).
    func representation(context: String) -> JSONValue {
        guard context == "embed", let members = json.members else { return json }
        return .object(members.filter { Self.embedFields.contains($0.key) })
    }

    // MARK: - Changes, as wp_update_post() makes them

    mutating func setRendered(_ field: String, _ html: String) {
        if json[field]?.members != nil {
            json[field]?["rendered"] = .string(html)
        } else {
            json[field] = field == "title" ? .object(["rendered": .string(html)])
                : .object(["rendered": .string(html), "protected": .bool(false)])
        }
    }

    /// Sets a hand-written excerpt (rendered through `wptexturize` and `wpautop`), or with `nil`
    /// goes back to the automatic one.
    mutating func setExcerpt(manual: String?) {
        hasManualExcerpt = manual != nil
        let rendered = manual.map { WPFormatting.autop(WPFormatting.texturize($0)) }
        setRendered("excerpt", rendered ?? WPFormatting.automaticExcerpt(fromRendered: renderedContent))
    }

    /// Regenerates an automatic excerpt after the content changed, as `get_the_excerpt` would.
    mutating func refreshAutomaticExcerpt() {
        if !hasManualExcerpt { setExcerpt(manual: nil) }
    }

    mutating func setModified(gmt: Int64, offsetSeconds: Int) {
        modifiedGMT = gmt
        modifiedLocal = gmt + Int64(offsetSeconds)
        json["modified"] = .string(WPTime.rfc3339(modifiedLocal))
        json["modified_gmt"] = .string(WPTime.rfc3339(modifiedGMT))
    }

    /// Changes the status, and the `status-…` entry of `class_list` with it.
    mutating func setStatus(_ newStatus: String) {
        status = newStatus
        json["status"] = .string(newStatus)
        func replace(_ value: JSONValue) -> JSONValue {
            guard let text = value.stringValue, text.hasPrefix("status-") else { return value }
            return .string("status-" + newStatus)
        }
        switch json["class_list"] {
        case .array(let items)?: json["class_list"] = .array(items.map(replace))
        case .object(let members)?:
            json["class_list"] = .object(members.map { JSONMember(key: $0.key, value: replace($0.value)) })
        default: break
        }
    }

    /// Records a new revision (WordPress saves one on every update of a published post), which
    /// `_links.version-history[0].count` and `_links.predecessor-version` report.
    mutating func addRevision(id revisionID: Int) {
        revisionCount += 1
        guard var links = json["_links"], var history = links["version-history"]?.arrayValue?.first else { return }
        history["count"] = .int(revisionCount)
        links["version-history"] = .array([history])
        if let href = history["href"]?.stringValue {
            let predecessor = JSONValue.object(["id": .int(revisionID), "href": .string("\(href)/\(revisionID)")])
            links.set("predecessor-version", .array([predecessor]), after: "version-history")
        }
        json["_links"] = links
    }
}
