/// `WP_REST_Server::serve_request()` for one site: matches the route, runs the handler and sends
/// the result with the headers WordPress adds to every REST response.
struct RESTDispatcher {
    let config: SiteConfig
    let state: SiteState

    func respond(to request: RESTRequest) -> HTTPResponse {
        var result = dispatch(request)
        if !result.isError, let fields = request.query["_fields"], let filter = FieldFilter(fields) {
            result.data = filter.apply(to: result.data)
        }
        return HTTPResponse(status: result.status, headers: headers(for: result, request),
                            body: PHPJSONEncoder.encode(result.data))
    }

    /// Route matching is case-insensitive, as WordPress matches routes with `@^…$@i`.
    private func dispatch(_ request: RESTRequest) -> RESTResult {
        let parts = request.route.lowercased().split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        let index = RESTIndex(config: config)
        switch (parts.first, parts.dropFirst().first, Array(parts.dropFirst(2))) {
        case (""?, nil, _) where request.isRead:
            return index.root()
        case ("wp"?, "v2"?, []) where request.isRead:
            return index.namespaceIndex()
        case ("wp"?, "v2"?, ["types"]) where request.isRead:
            return index.types()
        case ("wp"?, "v2"?, let rest) where rest.count == 2 && rest[0] == "types" && request.isRead:
            let slug = String(rest[1])
            guard !slug.isEmpty, slug.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else { break }
            return index.type(slug)
        case ("wp"?, "v2"?, let rest) where (1...2).contains(rest.count):
            guard let type = PostTypeInfo.withRestBase(String(rest[0])) else { break }
            let controller = PostsController(type: type, config: config, state: state)
            if rest.count == 1 {
                if request.isRead { return controller.items(request) }
                if request.method == "POST" { return controller.refuseCreate(request) }
                break
            }
            let id = String(rest[1])
            guard !id.isEmpty, id.allSatisfy(\.isASCII), id.allSatisfy(\.isNumber) else { break }
            if request.isRead { return controller.item(id, request) }
            if ["POST", "PUT", "PATCH", "DELETE"].contains(request.method) { return controller.refuseChange(id, request) }
        default:
            break
        }
        return RESTResult(error: .noRoute, allowsGET: nil)
    }

    /// The headers of `serve_request()`, in the order PHP emits them. The response's own `Link`
    /// (pagination, or `alternate` for one post) replaces the API-root `Link` sent earlier,
    /// because `header()` replaces by default.
    private func headers(for result: RESTResult, _ request: RESTRequest) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [("X-Robots-Tag", "noindex")]
        if !result.headers.contains(where: { $0.name == "Link" }) { headers.append(config.apiLinkHeader) }
        headers += [
            ("X-Content-Type-Options", "nosniff"),
            ("Access-Control-Expose-Headers", "X-WP-Total, X-WP-TotalPages, Link"),
            ("Access-Control-Allow-Headers", "Authorization, X-WP-Nonce, Content-Disposition, Content-MD5, Content-Type"),
        ]
        headers += result.headers
        if result.allowsGET == true { headers.append(("Allow", "GET")) }
        if let origin = request.header("origin") {
            headers += [
                ("Access-Control-Allow-Origin", origin),
                ("Access-Control-Allow-Methods", "OPTIONS, GET, POST, PUT, PATCH, DELETE"),
                ("Access-Control-Allow-Credentials", "true"),
                ("Vary", "Origin"),
            ]
        } else if request.method == "GET" {
            headers.append(("Vary", "Origin"))
        }
        headers.append(("Content-Type", "application/json; charset=UTF-8"))
        return headers
    }
}
