/// The built-in rules of `ContentNormalizer`: markup that WordPress core, themes and plugins print
/// differently on two requests for an unchanged post, replaced by fixed placeholders so that only
/// real edits change a hash.
///
/// One pass over the UTF-8 bytes, tag-aware and without regular expressions (the hot path runs
/// for every post of every sync). Prose between tags is never touched but in the output of a
/// dynamic block, replaced whole: a rule only looks inside start tags (attribute values), inside
/// `<script>`/`<style>` text, and at comments. A varying value is replaced rather than removed,
/// so a changed structure (an added form, a removed attribute) still changes the hash. The rules,
/// each with the reason it is safe:
///
/// - **HTML comments** are dropped (cache plugins' "generated in 0.123 s on …", ad and SEO plugins'
///   version banners, IE conditional comments): a reader never sees them, and text an editor
///   comments out still counts, as its disappearance from the page. Gutenberg block delimiters
///   (`<!-- wp:… -->`, `<!-- /wp:… -->`) are kept: they carry block attributes, which are content.
/// - **Nonces**: an attribute whose name contains `nonce` (`data-nonce`, CSP `nonce`), and the value
///   of any key containing `nonce` written `key=value`, `"key":"value"`, `key: 'value'` or with
///   `&quot;` quotes (`_wpnonce=` in URLs, `"nonce":"…"` in inline JSON, `X-WP-Nonce` in scripts):
///   `wp_create_nonce()` changes every 12 hours and per session.
/// - **Hidden form fields** whose name mentions a nonce, token, referer or version, whose value has
///   the shape of a nonce (10 hex digits) or a Unix time (10 digits), or echoes a REST URL:
///   `wp_referer_field()` and WPForms' `page_url` print the request URI, which differs between a
///   list and an `include=` request; versions change on every plugin update. Other hidden values
///   (a PayPal `business` address, an amount) are kept: changing them silently is tampering.
/// - **Form actions that are a REST URL**: Contact Form 7 and Gravity Forms post back to
///   `add_query_arg( array() )`, the current request URI; the `#fragment` is kept.
/// - **The request's own URL in a link**: an `href` or form `action` that carries `_fields=`, the
///   parameter every content request of feedwatch sends and no link a person writes has: Query
///   Loop pagination (`paginate_links()`, `add_query_arg( $page_key, … )`), the comment form's
///   `cancel-comment-reply-link`. The listing and a by-id fetch use different URLs, so the echo
///   differs for an unchanged post. The `#fragment` is kept; a link to anything else is untouched.
/// - **`redirect_to=` values that are the REST request** (`wp_loginout()`, `wp_login_url()` with
///   the current URL, URL-encoded): only that value, so the login URL itself still counts.
/// - **`ver=` query values** (`?ver=6.7.1`, `&#038;ver=…`) in URLs other than a link's `href`:
///   core's `wp_enqueue_*` cache-busting, changed by every core, theme or plugin update.
/// - **Per-request counters** in ids, classes, ARIA references, `data-*` and `<style>`/`<script>`:
///   `gallery-N` (`gallery_shortcode()`'s static `$instance`), `audio-P-N`/`video-P-N`,
///   `wp-block-gallery-N`, `wp-block-search__input-N`, `wp-block-archives-N` (ids and `for=`),
///   `wp-block-categories-N` (the block's static `$block_id`), `accordion-item-N`, `wp-elements-N`,
///   the last part of `wp-container-…` and of `wp-duotone-<preset or colours>-N` (block supports;
///   these are every `wp_unique_id()` prefix of WordPress 6.1 outside the Navigation block's
///   `modal-N`, which goes with the block. `wp_unique_id()` counts from the start of the request,
///   so a post's ids depend on what was rendered before it in the same response), and the `_=N`
///   query parameter (outside links) that the audio and video shortcodes add to each
///   `<source src>`, their static `$instance`. Only the number goes: the
///   preset, the colours and the rest of the name still count. Not in link targets: `/gallery-2/`
///   is a page slug.
/// - **Contact Form 7 unit tags** `wpcf7-fF-pP-oN`: `N` is a request-wide form counter.
/// - **`uniqid()` values** (13 hex digits whose first 8 are a plausible Unix time), outside link
///   targets: core's image lightbox `imageId`/`data-wp-key`, Jetpack Likes' wrapper and frame ids,
///   5.8's `wp-container-<uniqid>`: PHP's microsecond clock, new on every call.
/// - **Embed secrets** (`data-secret`, `#?secret=`): `wp_generate_password()` on every render.
/// - **WPForms anti-spam tokens** (`data-token`, `data-token-time`): time-derived.
/// - **Cloudflare email obfuscation** (`data-cfemail`, `/cdn-cgi/l/email-protection#…`): the same
///   address XOR-ed with a new random key per response, so it is decoded rather than erased: a
///   changed address is still a change. Rocket Loader's `type="<hex>-text/javascript"` prefix and
///   the `/cdn-cgi/scripts/<hex>/` path change with Cloudflare's deployments.
/// - **Dynamic blocks** that render other posts, comments, users, terms or settings, recognized
///   by their wrapper's class (`wp-block-latest-posts`, `-query`, `-archives`, `-calendar`,
///   `-categories`, `-tag-cloud`, `-latest-comments`, `-page-list`, `-rss` and its error box,
///   `-loginout`, `-post-date`, `-post-author`, `-post-author-biography`, `-post-terms`,
///   `-post-navigation-link`, `-comments`, `-post-comments`, `-post-comments-form`, `-avatar`,
///   `-navigation`, `-site-title`, `-site-tagline`, `-site-logo`, `-template-part`): the whole
///   element, nested elements of its name counted, becomes `<div>{block:NAME}</div>`. Their output
///   changes when another post is published, a comment is approved, a setting (`date_format`, the
///   timezone, the site title) changes or a day passes (`id="today"`), none of which edits the
///   post; the placeholder keeps the block's name and place, so adding, removing or moving one
///   is still a change. What it hides is the block's own settings as they show in its output
///   (how many posts, with dates or not): an authenticated site sees those in `content.raw`.
///   A wrapper never closed is left as it is, and so is every later one (broken markup is kept,
///   and is not searched to its end once per wrapper).
/// - **Empty paragraphs around blocks**: a bare `<p>` right before the start tag of an element
///   that closes paragraphs (`<div>`, `<figure>`, `<ul>`, …) and a `</p>` right after such an
///   element's end tag are dropped. `wpautop()` wraps a shortcode's `<figure>` or gallery `<div>`
///   so or not depending on what was rendered before it in the same response
///   (`_restore_wpautop_hook()`: a classic post listed after a block post differs from the same
///   post fetched alone); a browser reads either as an empty paragraph next to the block, so no
///   text is hidden.
/// - **Loading hints** `loading`, `decoding`, `fetchpriority` on `img`/`iframe`/`video`/`audio`, and
///   the `auto, ` that WordPress 6.7 puts before lazy images' `sizes`, are removed (not replaced:
///   whether they are there at all depends on the image's position in the response and on the
///   core version); they change how fast a page loads, never what it shows.
enum DynamicMarkup {
    /// `html` with every per-request value neutralized; `html` itself when it has no markup.
    static func neutralize(_ html: String) -> String {
        guard let bytes = neutralizedBytes(html) else { return html }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The neutralized UTF-8 bytes, or `nil` when `html` has no `<` and so nothing to neutralize.
    static func neutralizedBytes(_ html: String) -> [UInt8]? {
        var html = html
        return html.withUTF8 { input in
            guard input.contains(UInt8(ascii: "<")) else { return nil }
            var scanner = MarkupScanner(input)
            scanner.run()
            return scanner.output
        }
    }
}
