/// An application password bound to the one origin it may be sent to: the
/// configured site's own (scheme, host and port). A REST root, a redirect or
/// a stored address that leads anywhere else gets no password.
///
/// Why refuse rather than carry on anonymously: a site configured with a
/// password is synced with `status=any&context=edit`, and its drafts, private
/// and trashed posts are stored. Without the password those requests fail, or
/// worse, the hidden posts simply vanish from the listings and would be
/// reported as unpublished. So a REST API on another origin is an error that
/// names both origins and tells the administrator what to change.
public struct SiteCredentials: Sendable {
    public let credentials: HTTPCredentials
    /// The site's origin, the only one that gets the password.
    public let origin: Origin

    /// - Throws: `insecureAuthentication` when the site is plain http on
    ///   another machine, where the password would cross the network in clear.
    public init(_ credentials: HTTPCredentials, siteURL: String) throws(WordPressError) {
        guard let origin = Origin(url: siteURL),
              origin.scheme == "https" || Loopback.isHost(of: siteURL)
        else { throw .insecureAuthentication(url: siteURL) }
        self.credentials = credentials
        self.origin = origin
    }

    /// Whether `url` is on the site's own origin.
    func mayBeSent(to url: String) -> Bool {
        Origin(url: url) == origin
    }

    /// Throws `credentialsOffOrigin` unless `url` is on the site's own origin.
    /// - Parameter redirectedFrom: the URL asked for, when `url` answered it through a redirect.
    func check(_ url: String, redirectedFrom: String? = nil) throws(WordPressError) {
        guard mayBeSent(to: url) else {
            throw .credentialsOffOrigin(url: url, siteOrigin: origin, redirectedFrom: redirectedFrom)
        }
    }
}
