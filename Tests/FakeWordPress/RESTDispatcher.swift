/// `WP_REST_Server::serve_request()` for one site: checks authentication, matches the route,
/// runs the handler and sends the result with the headers WordPress adds to every REST response.
struct RESTDispatcher {
    let config: SiteConfig
    let state: SiteState
    let authentication: ApplicationPasswords.Outcome
    /// `$_SERVER['REQUEST_URI']`, which plugins print into content (`FakeSite.variesPluginMarkup`).
    var requestURI = ""

    private var user: String? {
        if case .user(let name) = authentication { return name }
        return nil
    }

    func respond(to request: RESTRequest) -> HTTPResponse {
        let result: RESTResult
        if let error = authenticationError() {
            // Refused before any route is matched, so no `Allow` header either.
            result = RESTResult(error: error, allowsGET: nil)
        } else {
            result = dispatch(request)
        }
        let fields = result.isError ? nil : request.query["_fields"]
        let body: [UInt8]
        if let posts = result.posts {
            let plugins = state.variesPluginMarkup
                ? PluginMarkup.Response(requestURI: requestURI, config: config) : nil
            body = posts.encode(fields: fields, plugins: plugins)
        } else {
            let filter = fields.flatMap(FieldFilter.init)
            body = PHPJSONEncoder.encode(filter?.apply(to: result.data) ?? result.data)
        }
        var response = HTTPResponse(status: result.status, headers: headers(for: result, request), body: body)
        if state.sendsValidators {
            // Only a validating cache needs it, and the site-wide fallback walks every post.
            response.lastModified = result.lastModified ?? state.lastModifiedGMT
        }
        return response
    }

    /// The `rest_authentication_errors` filter: the "Disable REST API" plugin's
    /// `you_shall_not_pass()` (priority 20) refuses anyone not signed in, before core's
    /// `rest_application_password_check_errors()` (priority 90) reports refused credentials.
    private func authenticationError() -> WPError? {
        if state.restDisabled, user == nil {
            return WPError("rest_cannot_access", "DRA: Only authenticated users can access the REST API.",
                           status: WPError.authorizationRequiredCode)
        }
        if case .refused(let code, let message) = authentication { return WPError(code, message, status: 401) }
        return nil
    }

    /// Route matching is case-insensitive, as WordPress matches routes with `@^…$@i`.
    private func dispatch(_ request: RESTRequest) -> RESTResult {
        let parts = request.route.lowercased().split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        let index = RESTIndex(config: config, applicationPasswordsAvailable: state.environmentType == "local")
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
            guard let type = PostTypeInfo.withRestBase(String(rest[0])),
                  let result = posts(type, id: rest.count == 2 ? String(rest[1]) : nil, request)
            else { break }
            return result
        default:
            break
        }
        return RESTResult(error: .noRoute, allowsGET: nil)
    }

    /// `/wp/v2/<rest_base>` and `/wp/v2/<rest_base>/<id>`, or `nil` when no handler matches.
    private func posts(_ type: PostTypeInfo, id: String?, _ request: RESTRequest) -> RESTResult? {
        let controller = PostsController(type: type, config: config, state: state, user: user)
        var result: RESTResult
        if let id {
            guard !id.isEmpty, id.allSatisfy(\.isASCII), id.allSatisfy(\.isNumber) else { return nil }
            if request.isRead {
                result = controller.item(id, request)
            } else if ["POST", "PUT", "PATCH", "DELETE"].contains(request.method) {
                result = controller.refuseChange(id, request)
            } else {
                return nil
            }
            result.routeMethods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
        } else {
            if request.isRead {
                result = controller.items(request)
            } else if request.method == "POST" {
                result = controller.refuseCreate(request)
            } else {
                return nil
            }
            result.routeMethods = ["GET", "POST"]
        }
        return result
    }

    /// The headers of `serve_request()`, in the order PHP emits them. The response's own `Link`
    /// (pagination, or `alternate` for one post) replaces the API-root `Link` sent earlier,
    /// because `header()` replaces by default. A signed-in user's responses end with the no-cache
    /// headers (`rest_send_nocache_headers` defaults to `is_user_logged_in()`; sent after the
    /// response's own headers since 6.3.2, with `no-store, private` since 6.3).
    private func headers(for result: RESTResult, _ request: RESTRequest) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [("X-Robots-Tag", "noindex")]
        if !result.headers.contains(where: { $0.name == "Link" }) { headers.append(config.apiLinkHeader) }
        headers += [
            ("X-Content-Type-Options", "nosniff"),
            ("Access-Control-Expose-Headers", "X-WP-Total, X-WP-TotalPages, Link"),
            ("Access-Control-Allow-Headers", "Authorization, X-WP-Nonce, Content-Disposition, Content-MD5, Content-Type"),
        ]
        headers += result.headers
        if result.allowsGET == true {
            // An administrator passes every handler's permission check, a visitor only GET's.
            headers.append(("Allow", user == nil ? "GET" : result.routeMethods.joined(separator: ", ")))
        }
        if user != nil {
            headers += [
                ("Expires", "Wed, 11 Jan 1984 05:00:00 GMT"),
                ("Cache-Control", "no-cache, must-revalidate, max-age=0, no-store, private"),
            ]
        }
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
