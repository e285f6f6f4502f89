import Foundation
import Locking

/// One WordPress site on a `FakeWordPressServer`, whose content tests change while it serves.
///
/// Posts are rendered as WordPress renders them: `title`, `content` and `excerpt` go through a
/// subset of `wptexturize` (straight quotes become `&#8217;`-style entities) and `wpautop`
/// (`<p>…</p>\n`); an empty excerpt is generated from the content. Timestamps have whole-second
/// resolution; `modified` is site-local, `modified_gmt` UTC. Ids are shared by posts, pages and
/// revisions, as in `wp_posts`.
///
/// A site behaves like core WordPress with no plugins until told otherwise: its modes
/// (`restDisabled`, `restRemoved`, `sendsValidators`, `environmentType` with application
/// passwords, `variesPluginMarkup`) put plugins, hosting or a CDN around it, and `injectFault`
/// misbehaves once.
///
/// Calling `edit`, `setStatus`, `setModifiedTimestamp` or `remove` with an id the site does not
/// have is a test bug and stops the test with a precondition failure.
public final class FakeSite: Sendable {
    public let name: String
    let config: SiteConfig
    /// Internal (not private) only so that `FakeSiteModes.swift` can reach it.
    let state = Locked(SiteState())

    init(config: SiteConfig) {
        self.name = config.name
        self.config = config
    }

    /// The address a user would configure: `http://127.0.0.1:<port>/<name>/`.
    public var url: String { config.home + "/" }

    /// The site's `gmt_offset`.
    public var timezoneOffsetHours: Double { Double(config.offsetSeconds) / 3600 }

    /// Posts of type `post` stored on the site, in any status.
    public var postCount: Int { state.withLock { $0.posts.values.count { $0.type == "post" } } }

    /// Published posts: what `X-WP-Total` of `/wp/v2/posts` reports to an anonymous client.
    public var publishedPostCount: Int {
        state.withLock { $0.posts.values.count { $0.type == "post" && $0.status == "publish" } }
    }

    /// `false` makes the site behave like WordPress before 5.7, which ignores `modified_after`
    /// and `modified_before` (unknown parameters) and so returns every post.
    public var supportsModifiedAfter: Bool {
        get { state.withLock { $0.supportsModifiedAfter } }
        set { state.withLock { $0.supportsModifiedAfter = newValue } }
    }

    /// Makes the next `times` REST responses of this site show `fault` (theme pages are not
    /// affected). Faults queue up in the order injected.
    public func injectFault(_ fault: FakeFault, times: Int = 1) {
        state.withLock { $0.pendingFaults += Array(repeating: fault, count: max(0, times)) }
    }

    // MARK: - Adding content

    /// Adds a post object exactly as some WordPress served it (for instance a recorded fixture),
    /// returning its id. It is served back byte for byte as long as it is not changed; its type
    /// (`post` or `page`) and status come from its own fields. Without an `id`, one is assigned.
    @discardableResult
    public func addPost(_ json: Data) throws -> Int {
        var object: JSONValue
        do {
            object = try JSONParser.parse(Array(json))
        } catch {
            throw FakeWordPressError.invalidPost(String(describing: error))
        }
        guard let members = object.members else { throw FakeWordPressError.invalidPost("not a JSON object") }
        let now = WPTime.now()
        return try state.withLock { state in
            let id: Int
            if let given = object["id"]?.intValue, given > 0 {
                guard state.posts[given] == nil else { throw FakeWordPressError.duplicateID(given) }
                state.claim(given)
                id = given
            } else {
                id = state.allocateID()
                object = .object([JSONMember(key: "id", value: .int(id))] + members.filter { $0.key != "id" })
            }
            state.posts[id] = PostRecord(adopting: object, id: id, offsetSeconds: config.offsetSeconds, now: now)
            return id
        }
    }

    /// Adds a post with every field WordPress sends, returning its id.
    ///
    /// - Parameters:
    ///   - id: a specific id (must be unused), or `nil` for the next one.
    ///   - content: the stored `post_content`; blank lines separate paragraphs.
    ///   - excerpt: a hand-written excerpt, or empty for the automatic one.
    ///   - status: `publish`, `draft`, `pending`, `private`, `future` or `trash`.
    ///   - modifiedGMT: publication and modification time (whole seconds kept); `nil` for now.
    @discardableResult
    public func addPost(id: Int? = nil, title: String, content: String, excerpt: String = "",
                        status: String = "publish", modifiedGMT: Date? = nil) -> Int {
        insert(type: "post", id: id, title: title, content: content, excerpt: excerpt, status: status, modifiedGMT: modifiedGMT)
    }

    /// Adds a page (served under `/wp/v2/pages`), like `addPost(id:title:content:…)`.
    @discardableResult
    public func addPage(id: Int? = nil, title: String, content: String, excerpt: String = "",
                        status: String = "publish", modifiedGMT: Date? = nil) -> Int {
        insert(type: "page", id: id, title: title, content: content, excerpt: excerpt, status: status, modifiedGMT: modifiedGMT)
    }

    /// Adds `count` published posts with distinct ids, titles, slugs and content, published over
    /// the past `count` hours (about one an hour), a third of them modified after publication.
    /// The same site name gives the same titles, slugs and content on every run.
    public func addGeneratedPosts(_ count: Int) {
        let now = WPTime.now()
        state.withLock { state in
            var generator = PostGenerator(seed: "\(name)#\(state.nextID)")
            var taken = state.slugs(ofType: "post")
            for number in 0..<max(0, count) {
                var spec = generator.spec(id: state.allocateID(), number: number, count: count, now: now)
                spec.slug = SiteState.unique(spec.slug, among: taken)
                taken.insert(spec.slug)
                state.posts[spec.id] = PostFactory.record(for: spec, config: config)
            }
        }
    }

    private func insert(type: String, id: Int?, title: String, content: String, excerpt: String, status: String,
                        modifiedGMT: Date?) -> Int {
        let modified = modifiedGMT.map(WPTime.seconds) ?? WPTime.now()
        return state.withLock { state in
            let postID: Int
            if let id {
                precondition(id > 0 && state.posts[id] == nil, "FakeSite.add: id \(id) is invalid or taken on \(name)")
                state.claim(id)
                postID = id
            } else {
                postID = state.allocateID()
            }
            let slug = SiteState.unique(WPFormatting.slug(title), among: state.slugs(ofType: type))
            let spec = PostFactory.Spec(
                id: postID, type: type, title: title, content: content, excerpt: excerpt, status: status,
                dateGMT: modified, modifiedGMT: modified, slug: slug)
            state.posts[postID] = PostFactory.record(for: spec, config: config)
            return postID
        }
    }

    // MARK: - Changing content

    /// Changes a post's title, content or excerpt (an empty excerpt goes back to the automatic one).
    ///
    /// With `bumpModified` (the default) this is a normal edit: `modified`/`modified_gmt` move to
    /// now, or one second past their previous value if that is later, and a revision is recorded
    /// (`_links.version-history[0].count` grows). With `bumpModified: false` it is a silent edit,
    /// as a direct database change or some plugins make: timestamps and revisions stay.
    public func edit(_ id: Int, title: String? = nil, content: String? = nil, excerpt: String? = nil,
                     bumpModified: Bool = true) {
        change(id, "edit") { record, state in
            if let title {
                record.source.title = title
                record.setRendered("title", WPFormatting.texturize(title))
            }
            if let content {
                record.source.content = content
                record.setRendered("content", WPFormatting.autop(WPFormatting.texturize(content)))
                record.refreshAutomaticExcerpt()
            }
            if let excerpt {
                record.source.excerpt = excerpt
                record.setExcerpt(manual: excerpt.isEmpty ? nil : excerpt)
            }
            guard bumpModified else { return }
            record.setModified(gmt: SiteState.bumpedModified(after: record.modifiedGMT), offsetSeconds: config.offsetSeconds)
            if title != nil || content != nil || excerpt != nil { record.addRevision(id: state.allocateID()) }
        }
    }

    /// Changes what a post's content renders to, and nothing else: its `post_content`
    /// (`content.raw`), timestamps and revisions stay. What a dynamic block does when another post
    /// is published or a setting changes.
    public func rerender(_ id: Int, content: String) {
        change(id, "rerender") { record, _ in
            record.setRendered("content", content)
        }
    }

    /// Changes a post's status (`publish`, `draft`, `pending`, `private`, `future`, `trash`).
    /// Like `wp_update_post`, this bumps `modified` unless `bumpModified` is `false`; no revision
    /// is recorded, as WordPress records none when only the status changes.
    public func setStatus(_ id: Int, _ status: String, bumpModified: Bool = true) {
        change(id, "setStatus") { record, _ in
            record.setStatus(status)
            if bumpModified {
                record.setModified(gmt: SiteState.bumpedModified(after: record.modifiedGMT), offsetSeconds: config.offsetSeconds)
            }
        }
    }

    /// Moves a post's `modified`/`modified_gmt` to `gmt` (whole seconds kept) and changes nothing
    /// else, no revision either, even if the time goes backwards or before the post's `date`: a
    /// scheduled post published by cron keeps the `modified` of when it was scheduled, and direct
    /// database edits or imports set it to anything.
    public func setModifiedTimestamp(_ id: Int, gmt: Date) {
        change(id, "setModifiedTimestamp") { record, _ in
            record.setModified(gmt: WPTime.seconds(gmt), offsetSeconds: config.offsetSeconds)
        }
    }

    /// Deletes a post permanently (bypassing the trash), so that it answers 404.
    public func remove(_ id: Int) {
        state.withLock { state in
            precondition(state.posts.removeValue(forKey: id) != nil, "FakeSite.remove: no post \(id) on \(name)")
        }
    }

    /// The post's current JSON as the REST API renders it in the `view` context (whatever its
    /// status), or `nil` if there is no such post.
    public func post(_ id: Int) -> Data? {
        state.withLock { $0.posts[id] }.map { record in
            let key = PostRenderCache.Key(context: "view", editor: false, fields: nil)  // The `view` object is `json`.
            return Data(record.renderCache.bytes(for: key) { PHPJSONEncoder.encode(record.json) })
        }
    }

    private func change(_ id: Int, _ operation: String, _ body: (inout PostRecord, inout SiteState) -> Void) {
        state.withLock { state in
            guard var record = state.posts[id] else { preconditionFailure("FakeSite.\(operation): no post \(id) on \(name)") }
            body(&record, &state)
            state.posts[id] = record
        }
    }

    // MARK: - Serving

    /// Answers a request whose decoded `path` is below the site's prefix (starting with `/`),
    /// calling `log` once, before anything is answered, with the user it was authenticated as.
    func respond(to request: HTTPRequest, path: String, log: (_ authenticatedUser: String?) -> Void) -> HTTPResponse {
        let url = config.origin + request.rawPath + (request.rawQuery.isEmpty ? "" : "?" + request.rawQuery)
        if RedirectLoop.isLooping(rawQuery: request.rawQuery) {
            log(nil)
            return RedirectLoop.redirect(to: url)
        }
        let destination = SiteRouter(config: config).destination(
            method: request.method, path: path, rawQuery: request.rawQuery, headers: request.headers)
        // One consistent snapshot per request, as one database transaction would see; a request
        // that reaches the REST API also takes the next pending fault.
        let (snapshot, fault) = state.withLock { state -> (SiteState, FakeFault?) in
            guard case .rest = destination, !state.restRemoved, !state.pendingFaults.isEmpty else { return (state, nil) }
            return (state, state.pendingFaults.removeFirst())
        }
        return SiteExchange(config: config, state: snapshot, url: url).respond(to: destination, request, fault: fault, log: log)
    }
}
