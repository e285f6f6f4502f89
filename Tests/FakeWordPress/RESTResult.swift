/// What a REST handler produced (`WP_REST_Response`): status, data and headers, plus whether the
/// `GET` handler of the matched route would let this client in, which decides `Allow: GET`
/// (`rest_send_allow_header` asks each handler's permission callback).
struct RESTResult: Sendable {
    var status = 200
    var data: JSONValue
    /// Posts to send instead of `data`, encoded once `_fields` is known (see `PostPayload`).
    var posts: PostPayload?
    var headers: [(name: String, value: String)] = []
    var isError = false
    /// `nil` when no route matched, so no `Allow` header is sent at all.
    var allowsGET: Bool?
    /// The methods of the matched route's handlers, which `Allow` lists for a user who passes
    /// every permission check.
    var routeMethods = ["GET"]
    /// The newest `post_modified_gmt` among the posts returned, if any.
    var lastModified: Int64?

    init(data: JSONValue, headers: [(name: String, value: String)] = [], allowsGET: Bool? = true) {
        self.data = data
        self.headers = headers
        self.allowsGET = allowsGET
    }

    init(posts: PostPayload, headers: [(name: String, value: String)]) {
        self.init(data: .null, headers: headers)
        self.posts = posts
    }

    init(error: WPError, allowsGET: Bool?) {
        status = error.status
        data = error.json
        isError = true
        self.allowsGET = allowsGET
    }
}
