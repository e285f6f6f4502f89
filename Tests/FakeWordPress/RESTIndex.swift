/// The discovery documents: the API root (`WP_REST_Server::get_index()`), the `wp/v2` namespace
/// index and `/wp/v2/types` (`WP_REST_Post_Types_Controller`), where clients learn `rest_base`.
struct RESTIndex {
    let config: SiteConfig
    /// `wp_is_application_passwords_available()`: https (never, here) or a `local` environment.
    let applicationPasswordsAvailable: Bool

    /// The routes the fake serves, as the index lists them (arguments left out).
    private static let routes: [(route: String, namespace: String, methods: [String])] = [
        ("/", "", ["GET"]),
        ("/wp/v2", "wp/v2", ["GET"]),
        ("/wp/v2/posts", "wp/v2", ["GET", "POST"]),
        ("/wp/v2/posts/(?P<id>[\\d]+)", "wp/v2", ["GET", "POST", "PUT", "PATCH", "DELETE"]),
        ("/wp/v2/pages", "wp/v2", ["GET", "POST"]),
        ("/wp/v2/pages/(?P<id>[\\d]+)", "wp/v2", ["GET", "POST", "PUT", "PATCH", "DELETE"]),
        ("/wp/v2/media", "wp/v2", ["GET", "POST"]),
        ("/wp/v2/types", "wp/v2", ["GET"]),
        ("/wp/v2/types/(?P<type>[\\w-]+)", "wp/v2", ["GET"]),
    ]

    func root() -> RESTResult {
        let offsetHours = Double(config.offsetSeconds) / 3600
        let gmtOffset = offsetHours == offsetHours.rounded() ? String(Int(offsetHours)) : String(offsetHours)
        return RESTResult(data: .object([
            "name": .string(config.name),
            "description": .string("Just another WordPress site"),
            "url": .string(config.home),
            "home": .string(config.home),
            "gmt_offset": .number(gmtOffset),
            "timezone_string": .string(""),
            "namespaces": .array(["oembed/1.0", "wp/v2", "wp-site-health/v1", "wp-block-editor/v1"].map(JSONValue.string)),
            "authentication": authentication,
            "routes": routeData(Self.routes),
            "site_logo": .int(0),
            "site_icon": .int(0),
            "site_icon_url": .string(""),
            "_links": .object(["help": .array([.object(["href": .string("https://developer.wordpress.org/rest-api/")])])]),
        ]))
    }

    /// `rest_add_application_passwords_to_index()` adds where users authorize an application
    /// when application passwords are available; otherwise the empty PHP array encodes as `[]`.
    private var authentication: JSONValue {
        guard applicationPasswordsAvailable else { return .array([]) }
        let authorize = config.home + "/wp-admin/authorize-application.php"
        return .object(["application-passwords": .object(["endpoints": .object(["authorization": .string(authorize)])])])
    }

    func namespaceIndex() -> RESTResult {
        RESTResult(data: .object([
            "namespace": .string("wp/v2"),
            "routes": routeData(Self.routes.filter { $0.namespace == "wp/v2" }),
            "_links": .object(["up": .array([.object(["href": .string(config.restURL())])])]),
        ]))
    }

    func types() -> RESTResult {
        RESTResult(data: .object(PostTypeInfo.all.map { JSONMember(key: $0.slug, value: typeData($0)) }))
    }

    func type(_ slug: String) -> RESTResult {
        guard let type = PostTypeInfo.all.first(where: { $0.slug == slug }) else {
            return RESTResult(error: WPError("rest_type_invalid", "Invalid post type.", status: 404), allowsGET: true)
        }
        return RESTResult(data: typeData(type))
    }

    private func typeData(_ type: PostTypeInfo) -> JSONValue {
        .object([
            "description": .string(""),
            "hierarchical": .bool(type.hierarchical),
            "has_archive": .bool(false),
            "name": .string(type.name),
            "slug": .string(type.slug),
            "icon": .string(type.icon),
            "taxonomies": .array(type.taxonomies.map(JSONValue.string)),
            "rest_base": .string(type.restBase),
            "rest_namespace": .string("wp/v2"),
            "_links": .object([
                "collection": .array([.object(["href": .string(config.restURL("wp/v2/types"))])]),
                "wp:items": .array([.object(["href": .string(config.restURL(type.collectionRoute))])]),
                "curies": .array([.object([
                    "name": .string("wp"), "href": .string("https://api.w.org/{rel}"), "templated": .bool(true),
                ])]),
            ]),
        ])
    }

    private func routeData(_ routes: [(route: String, namespace: String, methods: [String])]) -> JSONValue {
        .object(routes.map { entry in
            var data = JSONValue.object([
                "namespace": .string(entry.namespace),
                "methods": .array(entry.methods.map(JSONValue.string)),
                "endpoints": .array([.object(["methods": .array(entry.methods.map(JSONValue.string)), "args": .array([])])]),
            ])
            if !entry.route.contains("(") {
                data["_links"] = .object(["self": .array([.object(["href": .string(config.restURL(entry.route))])])])
            }
            return JSONMember(key: entry.route, value: data)
        })
    }
}
