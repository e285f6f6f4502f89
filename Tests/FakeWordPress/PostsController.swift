/// `WP_REST_Posts_Controller` for one post type (WordPress 6.x), as an anonymous client or a user
/// signed in with an application password (an administrator, who may read and edit everything)
/// meets it.
struct PostsController {
    let type: PostTypeInfo
    let config: SiteConfig
    let state: SiteState
    /// The signed-in user, or `nil` for an anonymous client.
    let user: String?

    // MARK: - GET /wp/v2/<rest_base>

    func items(_ request: RESTRequest) -> RESTResult {
        let query: CollectionQuery
        switch CollectionQuery.parse(request.query, type: type, supportsModifiedAfter: state.supportsModifiedAfter,
                                     canEditPosts: user != nil) {
        case .failure(let error): return RESTResult(error: error, allowsGET: user != nil || request.context != "edit")
        case .success(let parsed): query = parsed
        }
        if query.context == "edit", user == nil {
            let error = WPError("rest_forbidden_context", "Sorry, you are not allowed to edit posts in this post type.",
                                status: WPError.authorizationRequiredCode)
            return RESTResult(error: error, allowsGET: false)
        }
        if query.orderby == "relevance", query.search.isEmpty {
            let error = WPError("rest_no_search_term_defined", "You need to define a search term to order by relevance.",
                                status: 400)
            return RESTResult(error: error, allowsGET: true)
        }
        if query.orderby == "include", query.include.isEmpty {
            return RESTResult(error: WPError("rest_orderby_include_missing_include",
                                             "You need to define an include parameter to order by include.", status: 400),
                              allowsGET: true)
        }

        let matches = PostQuery(query: query, type: type, offsetSeconds: config.offsetSeconds).run(on: state.posts.values)
        let total = matches.count
        let maxPages = (total + query.perPage - 1) / query.perPage
        if query.page > maxPages, total > 0 {
            return RESTResult(error: WPError("rest_post_invalid_page_number",
                                             "The page number requested is larger than the number of pages available.",
                                             status: 400), allowsGET: true)
        }
        let start = query.offset ?? (query.page - 1) * query.perPage
        let slice = start < total ? matches[start..<min(start + query.perPage, total)] : []

        var headers = [(name: "X-WP-Total", value: String(total)), (name: "X-WP-TotalPages", value: String(maxPages))]
        if let link = paginationLink(query, maxPages: maxPages) { headers.append(("Link", link)) }
        var result = RESTResult(posts: PostPayload(records: Array(slice), isList: true, view: view(query.context)),
                                headers: headers)
        result.lastModified = slice.lazy.map(\.modifiedGMT).max()
        return result
    }

    /// The `prev`/`next` links, built from the sanitized query exactly as `get_items()` does with
    /// `add_query_arg( urlencode_deep( $request->get_query_params() ), $collection_url )`.
    private func paginationLink(_ query: CollectionQuery, maxPages: Int) -> String? {
        let encoded = query.linkParameters.map { QueryParameters.Entry(name: $0.name, value: PHPURL.encode($0.value)) }
        let base = PHPURL.addQueryArgs(encoded, to: config.restURL(type.collectionRoute))
        func url(page: Int) -> String {
            PHPURL.addQueryArgs([QueryParameters.Entry(name: "page", value: .string(String(page)))], to: base)
        }
        var links: [String] = []
        if query.page > 1 { links.append("<\(url(page: min(query.page - 1, maxPages)))>; rel=\"prev\"") }
        if maxPages > query.page { links.append("<\(url(page: query.page + 1))>; rel=\"next\"") }
        return links.isEmpty ? nil : links.joined(separator: ", ")
    }

    // MARK: - GET /wp/v2/<rest_base>/<id>

    func item(_ idText: String, _ request: RESTRequest) -> RESTResult {
        let record = post(idText)
        let readable = record.map(isReadable) ?? false
        if let context = request.query["context"],
           let error = ArgumentSchema.string(enumeration: ["view", "embed", "edit"]).validate(context, name: "context") {
            return RESTResult(error: .invalidParameters([("context", error)]), allowsGET: readable)
        }
        guard let record else { return RESTResult(error: Self.invalidID, allowsGET: false) }
        if request.context == "edit", user == nil {
            return RESTResult(error: WPError("rest_forbidden_context", "Sorry, you are not allowed to edit this post.",
                                             status: WPError.authorizationRequiredCode), allowsGET: false)
        }
        if let password = request.query.string("password"), !password.isEmpty {
            // hash_equals( $post->post_password, … ): the fake's posts have no password.
            return RESTResult(error: WPError("rest_post_incorrect_password", "Incorrect post password.", status: 403),
                              allowsGET: false)
        }
        guard readable else { return RESTResult(error: .forbidden, allowsGET: false) }
        let view = view(request.context)
        let link = view.representation(of: record)["link"]?.stringValue ?? record.link
        let alternate = "<\(link)>; rel=\"alternate\"; type=text/html"
        var result = RESTResult(posts: PostPayload(records: [record], isList: false, view: view),
                                headers: [("Link", alternate)])
        result.lastModified = record.modifiedGMT
        return result
    }

    // MARK: - Writes, which an anonymous client may never make

    func refuseCreate(_ request: RESTRequest) -> RESTResult {
        if let id = request.query.string("id"), !id.isEmpty, id != "0" {
            return RESTResult(error: WPError("rest_post_exists", "Cannot create existing post.", status: 400),
                              allowsGET: request.context != "edit")
        }
        return RESTResult(error: WPError("rest_cannot_create", "Sorry, you are not allowed to create posts as this user.",
                                         status: WPError.authorizationRequiredCode), allowsGET: request.context != "edit")
    }

    func refuseChange(_ idText: String, _ request: RESTRequest) -> RESTResult {
        guard let record = post(idText) else { return RESTResult(error: Self.invalidID, allowsGET: false) }
        let error = request.method == "DELETE"
            ? WPError("rest_cannot_delete", "Sorry, you are not allowed to delete this post.",
                      status: WPError.authorizationRequiredCode)
            : WPError("rest_cannot_edit", "Sorry, you are not allowed to edit this post.",
                      status: WPError.authorizationRequiredCode)
        return RESTResult(error: error, allowsGET: isReadable(record) && request.context != "edit")
    }

    // MARK: - Helpers

    private static let invalidID = WPError("rest_post_invalid_id", "Invalid post ID.", status: 404)

    /// `get_post()` of the controller: a positive id of a post of this very type.
    private func post(_ idText: String) -> PostRecord? {
        guard let id = Int(idText), id > 0, let record = state.posts[id], record.type == type.slug else { return nil }
        return record
    }

    /// `check_read_permission()`: an administrator reads everything, trash included; a visitor
    /// published posts, and attachments (`inherit`).
    private func isReadable(_ record: PostRecord) -> Bool {
        user != nil || record.status == "publish" || record.status == "inherit"
    }

    private func view(_ context: String) -> PostView {
        PostView(context: context, editor: user == nil ? nil : config)
    }
}
