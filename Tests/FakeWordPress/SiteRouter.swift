/// Decides, like WordPress's rewrite rules and `WP::parse_request()` (and, for plain permalinks,
/// the web server that has no rewrite rules), whether a request under the site goes to the REST
/// server or to a theme page.
struct SiteRouter {
    enum Destination {
        case rest(RESTRequest)
        case frontPage
        /// `?p=<id>` or `?page_id=<id>`.
        case postByID(Int)
        /// A pretty permalink, `/<slug>/`.
        case postBySlug(String)
        case notFound
    }

    let config: SiteConfig

    /// - Parameters:
    ///   - path: the percent-decoded path after the site's prefix, starting with `/`.
    ///   - rawQuery: the query string as sent, without `?`.
    func destination(method: String, path: String, rawQuery: String,
                     headers: [(name: String, value: String)]) -> Destination {
        let query = QueryParameters(parsing: rawQuery)
        let isIndexScript = path == "/" || path == "/index.php"
        func rest(_ route: String) -> Destination {
            .rest(RESTRequest(method: method, route: Self.untrailingslashit(route), query: query, headers: headers))
        }

        // The `rest_route` query variable wins over the path, as public query vars from $_GET do.
        if let routeValue = query["rest_route"], config.permalinks == .pretty || isIndexScript {
            if case .string(let route) = routeValue, !route.isEmpty { return rest(route) }
        }
        if config.permalinks == .pretty, path == "/wp-json" || path.hasPrefix("/wp-json/") {
            return rest(String(path.dropFirst("/wp-json".count)))
        }
        if isIndexScript {
            if let id = query.string("p").flatMap(Int.init) ?? query.string("page_id").flatMap(Int.init) {
                return .postByID(id)
            }
            return .frontPage
        }
        if config.permalinks == .pretty {
            let slug = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
            if slug.count <= 2, let first = slug.first, !first.isEmpty, slug.count == 1 || slug[1].isEmpty {
                return .postBySlug(String(first))
            }
        }
        return .notFound
    }

    /// `untrailingslashit`, then `/` for an empty route, as `rest_api_loaded()` does. A route
    /// without its leading slash (`?rest_route=wp/v2/posts`) is kept as is and matches nothing.
    static func untrailingslashit(_ route: String) -> String {
        var trimmed = Substring(route)
        while let last = trimmed.last, last == "/" || last == "\\" { trimmed = trimmed.dropLast() }
        return trimmed.isEmpty ? "/" : String(trimmed)
    }
}
