#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The REST requests feedwatch makes of one WordPress site.
public struct WordPressClient: Sendable {
    /// WordPress refuses `per_page` above 100.
    public static let pageSize = 100
    static let indexRelation = "https://api.w.org/"

    private let http: HTTPClient
    private let timeout: Duration
    /// An application password, sent with REST requests to the site's own origin only.
    private let credentials: SiteCredentials?
    /// The site's `caFile`: its private certificate authority.
    private let caFile: String?

    public init(http: HTTPClient, timeout: Duration, credentials: SiteCredentials? = nil, caFile: String? = nil) {
        self.http = http
        self.timeout = timeout
        self.credentials = credentials
        self.caFile = caFile
    }

    /// Whether requests carry an application password, and so see hidden posts.
    public var isAuthenticated: Bool { credentials != nil }

    /// Finds the REST root: the front page's `Link: <…>; rel="https://api.w.org/"`,
    /// else `<url>/wp-json/`, else `<url>/?rest_route=/`. A linked root on
    /// another origin is refused when the site has an application password
    /// (see `SiteCredentials`), and taken as it is otherwise.
    /// - Parameter keepsConnection: whether the connection is worth keeping for
    ///   the listing that follows. Not for a site whose last sync failed: its
    ///   next answer is most likely a failure too, after which the connection
    ///   would only sit in libcurl's cache until it ages out.
    public func discoverRoot(siteURL: String, keepsConnection: Bool = true) async throws(WordPressError) -> RESTRoot {
        let front = try await get(siteURL, keepConnection: keepsConnection)
        if let linked = Self.indexLink(in: front.headers.values("link")) {
            try credentials?.check(linked)
            return RESTRoot(linked)
        }
        for candidate in [siteURL + "wp-json/", siteURL + "?rest_route=/"] {
            guard let response = try? await get(candidate, keepConnection: keepsConnection), response.status == 200,
                  Self.isRESTIndex(response.body)
            else { continue }
            return RESTRoot(candidate)
        }
        throw .noRESTAPI(siteURL: siteURL)
    }

    /// What one listing request brought back.
    public enum ListResponse: Sendable {
        case page(PostPage)
        /// A conditional request whose answer is 304: nothing changed.
        case notModified
        /// Past the last page.
        case end
    }

    /// One page of a collection.
    /// - Parameter validators: those of an earlier answer from the same URL, to
    ///   ask conditionally.
    public func listPage(
        _ listing: Listing, root: RESTRoot, type: String, page: Int, validators: Validators? = nil
    ) async throws(WordPressError) -> ListResponse {
        let url = root.url(for: "wp/v2/\(type)", query: listing.query(page: page, authenticated: credentials != nil))
        let conditional = validators.flatMap { $0.url == url ? $0.conditionalHeaders : nil } ?? []
        let response = try await get(url, credentials: credentials, headers: conditional,
                                     keepConnection: listing.keepsConnection(page: page))
        if response.status == 304, !conditional.isEmpty { return .notModified }
        guard response.status == 200 else {
            let error = Self.error(from: response)
            if error.code == "rest_post_invalid_page_number", response.status == 400 { return .end }
            throw error
        }
        var decoded = try PostPage(decoding: response)
        decoded.validators = Validators(url: url, headers: response.headers)
        return .page(decoded)
    }

    /// What a direct request for one post showed.
    public enum SingleResponse: Sendable {
        case post(WordPressPost)
        /// 404 `rest_post_invalid_id` or 410: deleted for good.
        case gone
        /// 401/403 with a WordPress error: trashed, draft, pending or private.
        case refused
    }

    /// One post by id: how a post missing from a complete listing is confirmed
    /// gone before it is reported. Anything but a clear answer from WordPress
    /// itself (a proxy's HTML 404, a 500) is an error, never a deletion.
    public func fetchPost(_ id: Int, root: RESTRoot, type: String) async throws(WordPressError) -> SingleResponse {
        var query = [("_fields", Listing.contentFields)]
        if credentials != nil { query.append(("context", "edit")) }
        let response = try await get(root.url(for: "wp/v2/\(type)/\(id)", query: query), credentials: credentials)
        let error = Self.error(from: response)
        switch (response.status, error.code) {
        case (200, _): return .post(try Self.decodePost(response))
        case (410, _), (404, "rest_post_invalid_id"?): return .gone
        case (401, _?), (403, _?): return .refused
        default: throw error
        }
    }

    private static func decodePost(_ response: HTTPResponse) throws(WordPressError) -> WordPressPost {
        let body = ResponseBody.jsonStart(of: response.body)
        if let offset = ResponseBody.firstInvalidUTF8(in: body) {
            throw .unexpectedBody(url: response.url, status: response.status,
                                  reason: "the body is not valid UTF-8 (byte \(offset))")
        }
        do {
            var post = try JSONDecoder().decode(WordPressPost.self, from: Data(body))
            post.servedAt = response.servedAt
            return post
        } catch {
            throw .unexpectedBody(url: response.url, status: response.status,
                                  reason: "it is not a post (\(ResponseBody.describe(error)))")
        }
    }

    /// The `rest_base` of a post type named by its slug or its `rest_base`,
    /// from `/wp/v2/types`.
    public func restBase(of name: String, root: RESTRoot) async throws(WordPressError) -> String {
        let response = try await get(root.url(for: "wp/v2/types"), credentials: credentials)
        guard response.status == 200 else { throw Self.error(from: response) }
        struct TypeInfo: Decodable { var rest_base: String? }
        guard let types = try? JSONDecoder().decode([String: TypeInfo].self, from: Data(ResponseBody.jsonStart(of: response.body)))
        else {
            throw .unexpectedBody(url: response.url, status: response.status, reason: "the list of post types is not valid JSON")
        }
        let bases = types.map { (slug: $0.key, base: $0.value.rest_base ?? $0.key) }
        if let match = bases.first(where: { $0.base == name || $0.slug == name }) { return match.base }
        throw .unknownCollection(name: name, available: bases.map(\.base).sorted())
    }

    /// A GET, with the application password when `credentials` are given and
    /// `url` is on the site's own origin. libcurl follows redirects without the
    /// password to any other origin (see `CurlTransfer`); an authenticated
    /// request that ends up elsewhere is an error, as its anonymous answer
    /// would show less than the site has.
    private func get(
        _ url: String, credentials: SiteCredentials? = nil, headers: [(name: String, value: String)] = [],
        keepConnection: Bool = true
    ) async throws(WordPressError) -> HTTPResponse {
        try credentials?.check(url)
        let response: HTTPResponse
        do {
            var request = HTTPRequest(url: url, headers: [("Accept", "application/json")] + headers,
                                      timeout: timeout, credentials: credentials?.credentials, caFile: caFile)
            request.keepsConnection = keepConnection
            response = try await http.get(request)
        } catch {
            throw .transport(error)
        }
        try credentials?.check(response.url, redirectedFrom: url)
        return response
    }

    static func indexLink(in headerValues: [String]) -> String? {
        for value in headerValues {
            for link in value.split(separator: ",") {
                let parts = link.split(separator: ";").map { String($0).trimmingWhitespace() }
                // `<>` names no address: taking it would make every REST URL relative. Nor does
                // a target with spaces or control characters, which no URI has (RFC 3986).
                guard let target = parts.first, target.hasPrefix("<"), target.hasSuffix(">"), target.count > 2,
                      !target.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F }) else { continue }
                let isIndex = parts.dropFirst().contains { parameter in
                    let pair = parameter.split(separator: "=", maxSplits: 1).map { String($0).trimmingWhitespace() }
                    return pair.count == 2 && pair[0].lowercased() == "rel"
                        && pair[1].trimmingCharacters(in: ["\""]) == indexRelation
                }
                if isIndex { return String(target.dropFirst().dropLast()) }
            }
        }
        return nil
    }

    private static func isRESTIndex(_ body: [UInt8]) -> Bool {
        struct Index: Decodable { var namespaces: [String]? ; var routes: [String: IgnoredValue]? }
        guard let index = try? JSONDecoder().decode(Index.self, from: Data(ResponseBody.jsonStart(of: body))) else { return false }
        return index.namespaces != nil || index.routes != nil
    }

    /// A WordPress error (`{"code":…,"message":…,"data":{"status":…}}`) or a plain HTTP error.
    static func error(from response: HTTPResponse) -> WordPressError {
        struct Body: Decodable { var code: String?; var message: String? }
        let body = try? JSONDecoder().decode(Body.self, from: Data(ResponseBody.jsonStart(of: response.body)))
        return .status(url: response.url, status: response.status, code: body?.code, message: body?.message,
                       retryAfter: response.headers["Retry-After"].flatMap { RetryAfter.parse($0) })
    }
}

/// Decodes any JSON value and keeps nothing.
private struct IgnoredValue: Decodable {
    init(from decoder: any Decoder) throws {}
}
