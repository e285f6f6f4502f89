/// Why a site could not be synced, worded for the administrator reading the
/// journal or `feedwatch status`.
public enum WordPressError: Error, Sendable, CustomStringConvertible {
    case transport(HTTPError)
    /// An HTTP error status, with WordPress's `code` and `message` when the body
    /// had them, and how long the server asked clients to wait (`Retry-After`).
    case status(url: String, status: Int, code: String?, message: String?, retryAfter: Duration?)
    /// A body that is not the JSON expected, such as an HTML challenge page.
    case unexpectedBody(url: String, status: Int, reason: String)
    case noRESTAPI(siteURL: String)
    /// An application password would have gone over plain http to another host.
    case insecureAuthentication(url: String)
    /// An authenticated request for `url`, which is not on the site's own
    /// origin: named so by the front page's `Link` header (or a stored REST
    /// root), or reached through a redirect from `redirectedFrom`.
    case credentialsOffOrigin(url: String, siteOrigin: Origin, redirectedFrom: String?)
    /// The application password could not be read.
    case credentials(String)
    /// A configured `types` entry that the site does not have.
    case unknownCollection(name: String, available: [String])

    public var description: String {
        switch self {
        case .transport(let error):
            return error.description
        case let .status(url, status, code, message, _):
            let detail = [code, message.map { HTMLText.plain($0) }].compactMap { $0 }.joined(separator: ": ")
            return "\(url): HTTP \(status)\(detail.isEmpty ? "" : " (\(detail))")\(Self.hint(status: status, code: code))"
        case let .unexpectedBody(url, status, reason):
            return "\(url): HTTP \(status) but \(reason)"
        case .noRESTAPI(let siteURL):
            return "\(siteURL): no WordPress REST API found (no Link rel=\"https://api.w.org/\" header on the front page, "
                + "and neither /wp-json/ nor /?rest_route=/ answered with the REST index); is this a WordPress site "
                + "with the REST API enabled?"
        case .insecureAuthentication(let url):
            return "\(url): refusing to send the application password over plain http; use the site's https address "
                + "(WordPress itself accepts application passwords only over https)"
        case let .credentialsOffOrigin(url, siteOrigin, redirectedFrom?):
            let origin = Origin.describe(url)
            return "\(redirectedFrom): redirected to \(url), on \(origin), which was not sent the application password "
                + "(only the site's own \(siteOrigin) gets it); if that is the same WordPress, set the site's \"url\" "
                + "to its address on \(origin)"
        case let .credentialsOffOrigin(url, siteOrigin, nil):
            let origin = Origin.describe(url)
            return "\(url): the REST API is on \(origin), not on the site's own \(siteOrigin), and feedwatch sends the "
                + "application password only to the site's own origin (without it, hidden posts would look unpublished); "
                + "if that is the same WordPress, set the site's \"url\" to its address on \(origin), else make WordPress "
                + "announce its REST API on \(siteOrigin)"
        case .credentials(let reason):
            return "application password: \(reason)"
        case let .unknownCollection(name, available):
            return "the site has no REST collection \"\(name)\" (it has: \(available.joined(separator: ", "))); "
                + "fix \"types\" in the configuration"
        }
    }

    /// WordPress's error code (`rest_no_route`, `rest_forbidden`, …), if the body had one.
    public var code: String? {
        guard case .status(_, _, let code, _, _) = self else { return nil }
        return code
    }

    /// How long the server asked to be left alone, if it did.
    public var retryAfter: Duration? {
        guard case .status(_, _, _, _, let retryAfter) = self else { return nil }
        return retryAfter
    }

    private static func hint(status: Int, code: String?) -> String {
        switch (status, code) {
        case (401, "rest_cannot_access"?), (401, "rest_login_required"?), (403, _):
            return "; the site refuses anonymous REST requests (a security plugin?)"
        case (404, _):
            return "; the REST route does not exist on this site"
        case (429, _), (503, _):
            return "; the server asks feedwatch to slow down"
        default:
            return ""
        }
    }
}
