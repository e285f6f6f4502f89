/// A request that reached WordPress's REST server (`WP_REST_Request`): the route found in the
/// path or in `rest_route`, and the query as PHP decoded it.
struct RESTRequest: Sendable {
    let method: String
    /// The route without trailing slash, e.g. `/wp/v2/posts` (`/` for the index).
    let route: String
    let query: QueryParameters
    let headers: [(name: String, value: String)]

    func header(_ name: String) -> String? {
        headers.first { $0.name == name.lowercased() }?.value
    }

    /// `GET` and `HEAD` both reach the `READABLE` handlers.
    var isRead: Bool { method == "GET" || method == "HEAD" }

    /// The `context` argument as sent (the permission checks look at it before sanitizing).
    var context: String { query.string("context") ?? "view" }
}
