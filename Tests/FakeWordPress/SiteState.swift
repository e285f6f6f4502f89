/// Everything about a fake site that tests change while it serves requests. `FakeSite` keeps it
/// behind a mutex; request handling works on a copy taken at the start of each request, as a
/// database transaction would see it.
struct SiteState: Sendable {
    /// The `wp_posts` table, posts, pages and any adopted type alike.
    var posts: [Int: PostRecord] = [:]
    /// `wp_posts`'s auto-increment, which posts, pages and revisions share.
    var nextID = 1
    /// Faults still to be shown, oldest first, one per REST request.
    var pendingFaults: [FakeFault] = []
    /// `false` makes the site behave like WordPress before 5.7, which ignores `modified_after` and
    /// `modified_before` as unknown parameters.
    var supportsModifiedAfter = true
    /// The "Disable REST API" plugin: anonymous REST requests are refused (`FakeSite.restDisabled`).
    var restDisabled = false
    /// No REST API at all: 404 pages, no discovery (`FakeSite.restRemoved`).
    var restRemoved = false
    /// The REST root theme pages announce instead of the site's own (`FakeSite.announcedRESTRoot`).
    var announcedRESTRoot: String?
    /// A validating cache in front of WordPress (`FakeSite.sendsValidators`).
    var sendsValidators = false
    /// Plugins that print per-request markup into content, no page cache (`FakeSite.variesPluginMarkup`).
    var variesPluginMarkup = false
    /// `wp_get_environment_type()`; only `local` lets application passwords work over plain http.
    var environmentType = "production"
    var applicationPasswords = ApplicationPasswords()
    /// When the site was set up: the `Last-Modified` of a site that has no posts.
    let createdGMT = WPTime.now()

    mutating func allocateID() -> Int {
        defer { nextID += 1 }
        return nextID
    }

    /// Takes an id a test chose, keeping the auto-increment above every id in use.
    mutating func claim(_ id: Int) {
        nextID = max(nextID, id + 1)
    }

    /// The newest `post_modified_gmt` on the site, which a validating cache takes as the
    /// `Last-Modified` of responses that carry no post (the index, an empty page).
    var lastModifiedGMT: Int64 {
        posts.values.lazy.map(\.modifiedGMT).max() ?? createdGMT
    }

    func slugs(ofType type: String) -> Set<String> {
        Set(posts.values.lazy.filter { $0.type == type }.map(\.slug))
    }

    /// `wp_unique_post_slug`: a taken slug gets `-2`, `-3`, … appended.
    static func unique(_ slug: String, among taken: Set<String>) -> String {
        let base = slug.isEmpty ? "untitled" : slug
        var candidate = base
        var suffix = 2
        while taken.contains(candidate) {
            candidate = "\(base)-\(suffix)"
            suffix += 1
        }
        return candidate
    }

    /// `max(now, previous + 1 s)`: a bumped `post_modified_gmt` always moves forward by whole
    /// seconds, even when a test edits the same post twice within one second.
    static func bumpedModified(after previous: Int64, now: Int64 = WPTime.now()) -> Int64 {
        max(now, previous + 1)
    }
}
