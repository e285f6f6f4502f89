/// The fixed settings of one fake site, and the URLs WordPress derives from them.
struct SiteConfig: Sendable {
    let name: String
    /// `home_url()`: `http://127.0.0.1:<port>/<name>`, without a trailing slash as WordPress stores it.
    let home: String
    let permalinks: FakePermalinks
    let sendsLinkHeader: Bool
    /// The `gmt_offset` option, in seconds (WordPress allows fractional hours such as 5.5).
    let offsetSeconds: Int

    /// `http://127.0.0.1:<port>`: `home` without the site's path.
    var origin: String { String(home.dropLast(name.count + 1)) }

    /// `get_rest_url( null, $route )`. With plain permalinks this is `…/index.php?rest_route=/…`:
    /// WordPress appends `index.php` itself (so nginx need not redirect) and does not encode the route.
    func restURL(_ route: String = "/") -> String {
        let path = "/" + route.drop { $0 == "/" }
        switch permalinks {
        case .pretty: return home + "/wp-json" + path
        case .plain: return home + "/index.php?rest_route=" + path
        }
    }

    /// `rest_url()` followed by `add_query_arg()`, as controllers build links such as
    /// `comments?post=12` (which, on a plain-permalink site, re-encodes the route as `%2Fwp%2Fv2…`).
    func restURL(_ route: String, query: [(String, String)]) -> String {
        PHPURL.addQueryArgs(query.map { QueryParameters.Entry(name: $0.0, value: .string($0.1)) }, to: restURL(route))
    }

    /// `get_permalink()` with the "Post name" structure, or the plain `?p=` / `?page_id=` form.
    func permalink(id: Int, type: String, slug: String) -> String {
        switch permalinks {
        case .pretty: return "\(home)/\(slug)/"
        case .plain: return type == "page" ? "\(home)/?page_id=\(id)" : "\(home)/?p=\(id)"
        }
    }

    /// A post's GUID, which WordPress fixes at creation in the plain form whatever the permalinks.
    func guid(id: Int, type: String) -> String {
        type == "page" ? "\(home)/?page_id=\(id)" : "\(home)/?p=\(id)"
    }

    /// The `Link` header WordPress's `rest_output_link_header()` sends with every theme page.
    var apiLinkHeader: (name: String, value: String) {
        ("Link", "<\(restURL())>; rel=\"https://api.w.org/\"")
    }
}
