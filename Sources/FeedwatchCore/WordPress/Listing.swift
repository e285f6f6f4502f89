/// What one listing request of a REST collection asks for.
public struct Listing: Sendable, Equatable {
    public enum Selection: Sendable, Equatable {
        /// Every post, oldest id first: stable paging while posts are edited.
        case everything
        /// Posts modified after a time (`modified_after`, WordPress 5.7+), oldest change first.
        case modifiedAfter(String)
        /// These posts (at most a page of them).
        case ids([Int])
    }

    public var selection: Selection
    /// Whole posts, or only `id` and `modified_gmt`.
    public var includesContent: Bool

    /// The fields feedwatch reads: `_fields` keeps responses to what it tracks. A
    /// top-level name keeps the whole object (`rest_is_field_included()`), so in
    /// the edit context `title`, `content` and `excerpt` bring their `raw` text.
    static let contentFields = "id,modified_gmt,status,slug,link,title,content,excerpt,author,featured_media,categories,tags"
    static let idFields = "id,modified_gmt,status"

    public init(_ selection: Selection, includesContent: Bool) {
        self.selection = selection
        self.includesContent = includesContent
    }

    /// Whether the connection that asks for `page` is worth keeping for the
    /// site's next request. Not for the first page of what changed since the
    /// last sync: at scale that is nearly always a quiet site's only request
    /// until its next interval, and every idle connection in libcurl's cache is
    /// polled each second by the cache's upkeep until it ages out (at 333 syncs
    /// a second, about 80 polls a sync; docs/benchmarks.md).
    func keepsConnection(page: Int) -> Bool {
        if case .modifiedAfter = selection, page == 1 { return false }
        return true
    }

    /// - Parameter authenticated: ask for every status (drafts, private, trash),
    ///   which WordPress shows only to a signed-in user.
    func query(page: Int, authenticated: Bool = false) -> [(String, String)] {
        var query = [("per_page", String(WordPressClient.pageSize)), ("page", String(page))]
        switch selection {
        case .everything:
            query += [("orderby", "id"), ("order", "asc")]
        case .modifiedAfter(let time):
            query += [("modified_after", time), ("orderby", "modified"), ("order", "asc")]
        case .ids(let ids):
            query += [("include", ids.map(String.init).joined(separator: ",")), ("orderby", "id"), ("order", "asc")]
        }
        query.append(("_fields", includesContent ? Self.contentFields : Self.idFields))
        if authenticated { query += [("status", "any"), ("context", "edit")] }
        return query
    }
}
