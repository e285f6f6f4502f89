/// A misbehaviour a fake site can be told to show on its next REST responses, for testing how a
/// client copes with what real hosting puts between it and WordPress (see `FakeSite.injectFault`).
public enum FakeFault: Sendable, Equatable {
    /// An HTML error page with this status instead of the REST response, as a proxy, CDN or
    /// WordPress's maintenance mode sends (e.g. 429 or 503), with an optional `Retry-After` value.
    case status(Int, retryAfter: String? = nil)
    /// A 200 `text/html` theme page instead of JSON, as a caching or security plugin may serve.
    case htmlInsteadOfJSON
    /// The real response preceded by a UTF-8 byte order mark (a plugin file saved with a BOM).
    case byteOrderMark
    /// The real response preceded by a PHP warning, as on a site with `display_errors` on.
    case phpWarning
    /// The real headers and `Content-Length`, but the connection closes halfway through the body.
    case truncatedBody
    /// The connection closes without any response.
    case dropConnection
    /// The real headers at once, then the body trickled at about this many bytes a second (at
    /// least 1), in some twenty writes a second. Writing stops at once when the client hangs up
    /// or the server stops.
    case slowBody(bytesPerSecond: Int)
    /// A `302` into an endless redirect loop: to the same URL with `redirect_loop=1` added, which
    /// then redirects to itself on every request (see `RedirectLoop`). One injection makes one
    /// endless chain, however many hops the client follows.
    case redirectLoop
    /// A `302` to the same path and query on another origin (such as `http://127.0.0.1:8081`), as
    /// a proxy or host that moved the site sends.
    case redirect(toOrigin: String)
    /// The real JSON with up to three string values (post titles first) each carrying an invalid
    /// UTF-8 sequence (`C3 28`, `FF`, `ED A0 80`) in place of their second character.
    case invalidUTF8
    /// A `200` JSON response of exactly `bytes` bytes, `["xxx…x"]` (with `Content-Length`),
    /// generated while it is written so that any size costs no memory; writing stops when the
    /// client hangs up or the server stops.
    case oversizedBody(bytes: Int)
    /// The real posts with fields of the wrong JSON type: `"title": 5`, `"author": "admin"`,
    /// `"tags": "10,11"`, `"categories": {"1": 3}`, `"modified_gmt": null`, `"sticky": 0`
    /// (whichever of them the response has); ids and everything else intact.
    case wrongTypes
}

extension FakeFault {
    /// The response a client gets instead of (or made out of) the real REST `response` to a
    /// request for `url` (absolute); `themePage` is what the site's theme would render, for
    /// `.htmlInsteadOfJSON`.
    func apply(to response: HTTPResponse, url: String, themePage: @autoclosure () -> HTTPResponse) -> HTTPResponse {
        var altered = response
        switch self {
        case .status(let status, let retryAfter):
            let reason = HTTPResponse.reasonPhrase(status)
            let html = "<!DOCTYPE html>\n<html><head><title>\(status) \(reason)</title></head>"
                + "<body><h1>\(reason)</h1></body></html>\n"
            var headers = [(name: "Content-Type", value: "text/html; charset=UTF-8")]
            if let retryAfter { headers.insert(("Retry-After", retryAfter), at: 0) }
            return HTTPResponse(status: status, headers: headers, body: Array(html.utf8))
        case .htmlInsteadOfJSON:
            var page = themePage()
            page.status = 200
            return page
        case .byteOrderMark:
            altered.body = [0xEF, 0xBB, 0xBF] + response.body
        case .phpWarning:
            let warning = "<br />\n<b>Warning</b>:  Undefined array key \"HTTP_REFERER\" in "
                + "<b>/var/www/html/wp-content/plugins/example/example.php</b> on line <b>42</b><br />\n"
            altered.body = Array(warning.utf8) + response.body
        case .truncatedBody:
            altered.delivery = .truncated(afterBodyBytes: response.body.count / 2)
        case .dropConnection:
            altered.delivery = .dropConnection
        case .slowBody(let rate):
            altered.delivery = .trickled(bytesPerSecond: max(1, rate))
        case .redirectLoop:
            return RedirectLoop.enter(from: url)
        case .redirect(let origin):
            // `url` is absolute: keep what follows its own origin.
            let afterScheme = url.range(of: "://").map(\.upperBound) ?? url.startIndex
            let path = url[afterScheme...].firstIndex(of: "/").map { url[$0...] } ?? "/"
            return RedirectLoop.redirect(to: origin + path)
        case .invalidUTF8:
            altered.body = BodyCorruption.invalidUTF8(response.body)
        case .oversizedBody(let bytes):
            var oversized = HTTPResponse(status: 200, headers: response.headers)
            oversized.delivery = .oversized(bytes: max(0, bytes))
            return oversized
        case .wrongTypes:
            altered.body = BodyCorruption.wrongTypes(response.body)
        }
        return altered
    }
}
