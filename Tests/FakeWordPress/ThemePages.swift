import Foundation

/// The HTML a site's theme renders: front page, single posts and the 404 page. Every one carries
/// the `Link: <…>; rel="https://api.w.org/"` header (`rest_output_link_header`, hooked on
/// `template_redirect`) unless the site was told not to send it, and the matching `<link>` tag
/// (`rest_output_link_wp_head`); a site whose REST API was removed has neither.
struct ThemePages {
    let config: SiteConfig
    let state: SiteState

    func respond(to destination: SiteRouter.Destination) -> HTTPResponse {
        switch destination {
        case .frontPage:
            let latest = state.posts.values.filter { $0.type == "post" && $0.status == "publish" }
                .sorted { ($0.dateLocal, $0.id) > ($1.dateLocal, $1.id) }.prefix(10)
            let items = latest.map { "<li><a href=\"\(Self.escape($0.link))\">\($0.title)</a></li>" }.joined(separator: "\n")
            return page(status: 200, title: "\(Self.escape(config.name)) &#8211; Just another WordPress site",
                        bodyClass: "home blog", content: "<ul class=\"wp-block-latest-posts\">\n\(items)\n</ul>")
        case .postByID(let id):
            return single(state.posts[id])
        case .postBySlug(let slug):
            return single(state.posts.values.first { $0.slug == slug && ($0.type == "post" || $0.type == "page") })
        case .notFound, .rest:
            return notFound()
        }
    }

    private func single(_ post: PostRecord?) -> HTTPResponse {
        guard let post, post.status == "publish" else { return notFound() }
        let route = post.type == "page" ? "wp/v2/pages/\(post.id)" : "wp/v2/posts/\(post.id)"
        var extra = [(name: "Link", value: "<\(config.home)/?p=\(post.id)>; rel=shortlink")]
        if !state.restRemoved {
            extra.insert(("Link", "<\(config.restURL(route))>; rel=\"alternate\"; title=\"JSON\"; type=\"application/json\""), at: 0)
        }
        return page(status: 200, title: "\(post.title) &#8211; \(Self.escape(config.name))",
                    bodyClass: "\(post.type)-template-default single postid-\(post.id)",
                    content: "<article>\n<h1>\(post.title)</h1>\n\(post.renderedContent)</article>", extraHeaders: extra)
    }

    func notFound() -> HTTPResponse {
        page(status: 404, title: "Page not found &#8211; \(Self.escape(config.name))", bodyClass: "error404",
             content: "<h1>Nothing here</h1>\n<p>It looks like nothing was found at this location.</p>")
    }

    private func page(status: Int, title: String, bodyClass: String, content: String,
                      extraHeaders: [(name: String, value: String)] = []) -> HTTPResponse {
        var headers: [(name: String, value: String)] = []
        let restRoot = state.announcedRESTRoot ?? config.restURL()
        if config.sendsLinkHeader, !state.restRemoved { headers.append(("Link", "<\(restRoot)>; rel=\"https://api.w.org/\"")) }
        headers += extraHeaders
        let discovery = state.restRemoved ? "" : "<link rel=\"https://api.w.org/\" href=\"\(Self.escape(restRoot))\" />\n"
        headers.append(("Content-Type", "text/html; charset=UTF-8"))
        let html = """
            <!DOCTYPE html>
            <html lang="en-US">
            <head>
            <meta charset="UTF-8" />
            <title>\(title)</title>
            \(discovery)</head>
            <body class="\(bodyClass)">
            \(content)
            </body>
            </html>

            """
        return HTTPResponse(status: status, headers: headers, body: Array(html.utf8))
    }

    /// `esc_attr`/`esc_html` for the few values that end up in markup.
    static func escape(_ text: String) -> String {
        [("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\"", "&quot;")].reduce(text) { text, pair in
            UTF8Text.replacing(pair.0, with: pair.1, in: text)
        }
    }
}
