/// The persistent modes of a site: what plugins, hosting or a CDN in front of it change, and the
/// application passwords that let a client sign in.
extension FakeSite {
    /// `true` makes the site behave as with the "Disable REST API" plugin: every REST route, the
    /// index included, answers an anonymous client (or one whose credentials were refused) 401
    /// `{"code":"rest_cannot_access","message":"DRA: Only authenticated users can access the
    /// REST API.","data":{"status":401}}`; a user signed in with an application password gets
    /// through. Theme pages and discovery are unchanged.
    public var restDisabled: Bool {
        get { state.withLock { $0.restDisabled } }
        set { state.withLock { $0.restDisabled = newValue } }
    }

    /// `true` removes the REST API, as security plugins and hardened hosts do: `/wp-json/…` and
    /// any `?rest_route=` are the theme's 404 page, and no page carries the
    /// `rel="https://api.w.org/"` `Link` header or `<link>` tag any more. Faults stay queued,
    /// as there is no REST response to show them on.
    public var restRemoved: Bool {
        get { state.withLock { $0.restRemoved } }
        set { state.withLock { $0.restRemoved = newValue } }
    }

    /// A REST root for theme pages to announce in their `Link: <…>; rel="https://api.w.org/"`
    /// header and `<link>` tag instead of the site's own, as a `rest_url` filter does (headless
    /// setups, plugins serving the API from another host, a misconfigured `home`); `nil` (the
    /// default) announces the site's own. The site's REST API keeps answering where it is.
    public var announcedRESTRoot: String? {
        get { state.withLock { $0.announcedRESTRoot } }
        set { state.withLock { $0.announcedRESTRoot = newValue } }
    }

    /// `true` puts a validating cache (a CDN or caching plugin) in front of the site: complete
    /// `200` JSON answers to `GET`/`HEAD` carry a strong `ETag` derived from the body and a
    /// `Last-Modified` (the newest `modified_gmt` of the posts returned, or the site's newest),
    /// and a matching `If-None-Match` (or, without one, an `If-Modified-Since` not older than
    /// `Last-Modified`) gets `304 Not Modified` without a body. Core WordPress sends neither
    /// validator, hence the default `false`.
    public var sendsValidators: Bool {
        get { state.withLock { $0.sendsValidators } }
        set { state.withLock { $0.sendsValidators = newValue } }
    }

    /// `true` makes the site behave like one whose theme and plugins print markup into each post's
    /// `content.rendered` that differs on every response, with no page cache in front: fresh
    /// nonces, `uniqid()` and `wp_unique_id()` ids, request-wide counters (`gallery-N`, Contact
    /// Form 7's unit tag) that depend on the post's position in the response, the request URI as a
    /// form action and referer, cache-busting `ver=`, a re-encoded Cloudflare email address, embed
    /// secrets, a first-image `fetchpriority`, and timing comments (see `PluginMarkup`). Titles,
    /// excerpts and `FakeSite.post(_:)` stay as they are; `edit` changes the post's own content as
    /// always. The default `false` leaves every response byte for byte as before.
    public var variesPluginMarkup: Bool {
        get { state.withLock { $0.variesPluginMarkup } }
        set { state.withLock { $0.variesPluginMarkup = newValue } }
    }

    /// `WP_ENVIRONMENT_TYPE`: `production` (the default), `staging`, `development` or `local`.
    /// Application passwords need https or `local`; the fake speaks plain http, so on any other
    /// environment WordPress ignores Basic credentials without a word and the request is
    /// anonymous (`wp_validate_application_password()` returns before checking them). With
    /// `local`, the REST index also advertises `authentication.application-passwords`.
    public var environmentType: String {
        get { state.withLock { $0.environmentType } }
        set { state.withLock { $0.environmentType = newValue } }
    }

    /// Gives `user` (an administrator) an application password, as WordPress 5.6+ displays it:
    /// `abcd EFGH 1234 ijkl MNOP 6789`; clients may send it with or without the spaces. A REST
    /// request with `Authorization: Basic base64(user:password)` is then, on a `local` site,
    /// signed in: it may ask for any `status` (`any`, `draft,private`, …) and `context=edit`
    /// (which adds `title.raw`, `content.raw` and the other edit fields), reads drafts, private
    /// and trashed posts, and gets WordPress's no-cache headers. A wrong password answers 401
    /// `incorrect_password`, an unknown user 401 `invalid_username` (`invalid_email` for an
    /// address), on every REST route. While no user has an application password, WordPress does
    /// not look at Basic credentials at all.
    public func addApplicationPassword(user: String, password: String) {
        state.withLock { $0.applicationPasswords.add(user: user, password: password) }
    }
}
