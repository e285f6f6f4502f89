/// One request to a site, served from a snapshot of its state: a theme page, or the REST API as
/// the site's modes and the fault taken for this request present it. Authentication happens here,
/// so the request can be logged with its user before anything is answered.
struct SiteExchange {
    let config: SiteConfig
    let state: SiteState
    /// The absolute URL asked for, which redirects point back to.
    let url: String

    func respond(to destination: SiteRouter.Destination, _ request: HTTPRequest, fault: FakeFault?,
                 log: (_ authenticatedUser: String?) -> Void) -> HTTPResponse {
        let theme = ThemePages(config: config, state: state)
        guard case .rest(let restRequest) = destination, !state.restRemoved else {
            // Application passwords only work on API requests (`application_password_is_api_request`).
            log(nil)
            // A removed REST API leaves its URLs, `?rest_route=` included, to the theme's 404 page.
            if case .rest = destination { return theme.notFound() }
            return theme.respond(to: destination)
        }
        let authentication = state.applicationPasswords.authenticate(request.headers, local: state.environmentType == "local")
        if case .user(let name) = authentication { log(name) } else { log(nil) }
        let dispatcher = RESTDispatcher(config: config, state: state, authentication: authentication,
                                        requestURI: String(url.dropFirst(config.origin.count)))
        var response = dispatcher.respond(to: restRequest)
        if let fault {
            response = fault.apply(to: response, url: url, themePage: theme.respond(to: .frontPage))
        }
        // The cache sits in front of everything WordPress sends, faults included.
        guard state.sendsValidators else { return response }
        return ValidatingCache().respond(to: request.method, headers: request.headers, with: response)
    }
}
