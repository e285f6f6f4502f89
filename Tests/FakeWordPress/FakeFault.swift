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
}

extension FakeFault {
    /// The response a client gets instead of (or made out of) the real REST `response`;
    /// `themePage` is what the site's theme would render, for `.htmlInsteadOfJSON`.
    func apply(to response: HTTPResponse, themePage: @autoclosure () -> HTTPResponse) -> HTTPResponse {
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
        }
        return altered
    }
}
