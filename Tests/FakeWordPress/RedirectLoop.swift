/// A site that redirects in circles, as one whose home URL, proxy and rewrite rules disagree does
/// (`FakeFault.redirectLoop`).
///
/// The fault answers the REST request with a `302` to the same URL plus a `redirect_loop=1`
/// query argument, and every request under the site that carries that argument is redirected to
/// itself, forever and whatever else is pending: one injected fault is one endless chain, however
/// many hops the client follows. Redirects look like `wp_redirect()`'s: `X-Redirect-By:
/// WordPress`, an absolute `Location` and an empty body.
enum RedirectLoop {
    static let marker = "redirect_loop=1"

    /// Whether a request is already inside a loop.
    static func isLooping(rawQuery: String) -> Bool {
        rawQuery.split(separator: "&").contains { $0 == marker }
    }

    /// The first hop: from the request's own URL into the loop.
    static func enter(from url: String) -> HTTPResponse {
        redirect(to: url + (url.contains("?") ? "&" : "?") + marker)
    }

    /// Every later hop: to the very URL asked for.
    static func redirect(to url: String) -> HTTPResponse {
        HTTPResponse(status: 302, headers: [
            ("X-Redirect-By", "WordPress"),
            ("Location", url),
            ("Content-Type", "text/html; charset=UTF-8"),
        ])
    }
}
