import Foundation

/// What the theme and plugins of a site without a page cache print into each post's rendered
/// content, differently on every response (`FakeSite.variesPluginMarkup`): a lightbox image
/// (core, `uniqid()` ids and a position-dependent `fetchpriority`/`loading`), a layout container
/// (`wp_unique_id()` class), a `[gallery]` (static instance counter, in ids and its `<style>`),
/// a Cloudflare-obfuscated email address (new key per response), Contact Form 7 (request-wide unit
/// tag counter, the request URI as action and referer, a nonce, its version), a WPForms form
/// (time token, `page_url`), a WordPress embed (random secret), Jetpack Likes (`uniqid()` and a
/// `ver=`), inline settings with a nonce, a script with a cache-busting `ver=`, and a cache
/// plugin's timing comments.
///
/// The markup is appended to `content.rendered` with `{{slot}}` markers, encoded once per post
/// version like any view (`PostRenderCache`), and the markers are filled in on every response,
/// so the mode costs one pass over the bytes. Slots survive `json_encode` as they are; the values
/// put in them are JSON-escaped.
enum PluginMarkup {
    fileprivate static func template(postID id: Int, config: SiteConfig) -> String {
        let home = config.home
        let uploads = home + "/wp-content/uploads/2025/01"
        return """
        <div class="wp-block-group is-layout-constrained wp-container-core-group-is-layout-{{layout}} \
        wp-block-group-is-layout-constrained">
        <figure data-wp-context="{&quot;imageId&quot;:&quot;{{imageid}}&quot;}" data-wp-interactive="core/image" \
        data-wp-key="{{imageid}}" class="wp-block-image size-large wp-lightbox-container"><img{{imgattrs}} \
        decoding="async" width="1024" height="683" src="\(uploads)/harbour-1024x683.jpg" alt="The harbour at dawn" \
        class="wp-image-\(id + 1000)" srcset="\(uploads)/harbour-1024x683.jpg 1024w, \(uploads)/harbour-300x200.jpg 300w" \
        sizes="{{sizes}}(max-width: 1024px) 100vw, 1024px" /></figure>
        </div>

        <style type="text/css">
        \t#gallery-{{gallery}} { margin: auto; }
        \t#gallery-{{gallery}} .gallery-item { float: left; margin-top: 10px; text-align: center; width: 50%; }
        </style>
        <div id="gallery-{{gallery}}" class="gallery galleryid-\(id) gallery-columns-2 gallery-size-thumbnail">\
        <figure class="gallery-item"><div class="gallery-icon landscape"><img loading="lazy" decoding="async" width="150" \
        height="150" src="\(uploads)/boat-150x150.jpg" class="attachment-thumbnail size-thumbnail" alt="" \
        aria-describedby="gallery-{{gallery}}-\(id + 1001)" /></div><figcaption class="wp-caption-text gallery-caption" \
        id="gallery-{{gallery}}-\(id + 1001)">A boat in the harbour</figcaption></figure></div>
        <p>Questions? Write to <a href="/cdn-cgi/l/email-protection#{{cfemail}}"><span class="__cf_email__" \
        data-cfemail="{{cfemail}}">[email&#160;protected]</span></a>.</p>
        <div class="wpcf7 no-js" id="wpcf7-f42-p\(id)-o{{cf7}}" lang="en-US" dir="ltr"><form \
        action="{{action}}#wpcf7-f42-p\(id)-o{{cf7}}" method="post" class="wpcf7-form init" aria-label="Contact form" \
        novalidate="novalidate" data-status="init"><div style="display: none;">
        <input type="hidden" name="_wpcf7" value="42" />
        <input type="hidden" name="_wpcf7_version" value="5.9.{{patch}}" />
        <input type="hidden" name="_wpcf7_locale" value="en_US" />
        <input type="hidden" name="_wpcf7_unit_tag" value="wpcf7-f42-p\(id)-o{{cf7}}" />
        <input type="hidden" name="_wpcf7_container_post" value="\(id)" />
        <input type="hidden" name="_wpcf7_posted_data_hash" value="" />
        <input type="hidden" id="_wpnonce" name="_wpnonce" value="{{nonce}}" /><input type="hidden" \
        name="_wp_http_referer" value="{{referer}}" />
        </div>
        <p><label> Your message<br /><textarea cols="40" rows="10" class="wpcf7-form-control wpcf7-textarea" \
        name="your-message"></textarea></label></p>
        <p><input class="wpcf7-form-control wpcf7-submit has-spinner" type="submit" value="Send" /></p>
        </form></div>
        <form id="wpforms-form-77" class="wpforms-validate wpforms-form" data-formid="77" method="post" \
        action="\(config.permalink(id: id, type: "post", slug: "subscribe"))" data-token="{{token}}" \
        data-token-time="{{time}}"><input type="hidden" name="wpforms[id]" value="77"><input type="hidden" \
        name="page_url" value="{{pageurl}}"><button type="submit" name="wpforms[submit]">Subscribe</button></form>
        <blockquote class="wp-embedded-content" data-secret="{{secret}}"><a href="\(home)/hello-world/">Hello world!</a>\
        </blockquote><iframe class="wp-embedded-content" sandbox="allow-scripts" security="restricted" \
        title="&#8220;Hello world!&#8221;" src="\(home)/hello-world/embed/#?secret={{secret}}" \
        data-secret="{{secret}}" width="500" height="282" frameborder="0" scrolling="no"></iframe>
        <div class="sharedaddy sd-block sd-like jetpack-likes-widget-wrapper jetpack-likes-widget-unloaded" \
        id="like-post-wrapper-201612345-\(id)-{{likeid}}" data-src="https://widgets.wp.com/likes/?ver={{ver}}\
        #blog_id=201612345&amp;post_id=\(id)&amp;origin=127.0.0.1&amp;obj_id=201612345-\(id)-{{likeid}}" \
        data-name="like-post-frame-201612345-\(id)-{{likeid}}" data-title="Like or Reblog"><h3 class="sd-title">\
        Like this:</h3></div>
        <script type="text/javascript" id="contact-form-7-js-before">
        var wpcf7 = {"api":{"root":"\(home)/wp-json/","namespace":"contact-form-7/v1"},"nonce":"{{nonce}}"};
        </script>
        <script type="text/javascript" src="\(home)/wp-content/plugins/contact-form-7/includes/js/index.js?ver={{ver}}" \
        id="contact-form-7-js"></script>
        <!-- Dynamic page generated in {{seconds}} seconds. -->
        <!-- Cached page generated by WP-Super-Cache on {{date}} -->

        """
    }

    /// The values of one response: some shared by every post in it (nonces, versions, the
    /// request URI), some new for each post (`uniqid()`, secrets, Cloudflare's key), and the
    /// request-wide counters that each post's shortcodes and blocks advance.
    struct Response {
        let config: SiteConfig
        private let nonce = PluginMarkup.hex(10)
        private let version = String(UInt64.random(in: 1_000_000_000...9_999_999_999))
        private let patch = String(Int.random(in: 0...99))
        private let token = PluginMarkup.hex(32)
        private let time = String(Int(Date().timeIntervalSince1970))
        private let action: [UInt8]
        private let referer: [UInt8]
        private let pageURL: [UInt8]
        /// Posts rendered so far in this response.
        private var rendered = 0
        /// Unique ids other code took before the first post (widgets, the excerpt's own pass
        /// through `the_content`), which depends on the request.
        private let counterBase = Int.random(in: 0...3)

        /// - Parameters:
        ///   - requestURI: `$_SERVER['REQUEST_URI']`, which `add_query_arg()` and
        ///     `wp_referer_field()` print.
        ///   - config: the site, whose addresses the markup links to.
        init(requestURI: String, config: SiteConfig) {
            self.config = config
            action = PluginMarkup.jsonEscaped(requestURI.replacingOccurrences(of: "&", with: "&#038;"))
            referer = PluginMarkup.jsonEscaped(requestURI.replacingOccurrences(of: "&", with: "&amp;"))
            pageURL = PluginMarkup.jsonEscaped(config.origin + requestURI.replacingOccurrences(of: "&", with: "&#038;"))
        }

        /// `object` (a post as its view shows it) with the markup, slots left in, after its
        /// `content.rendered`; the same for every response, so it is cached with the post.
        func adding(to object: JSONValue, record: PostRecord) -> JSONValue {
            guard let rendered = object["content"]?["rendered"]?.stringValue else { return object }
            var object = object
            object["content"]?["rendered"] = .string(rendered + PluginMarkup.template(postID: record.id, config: config))
            return object
        }

        /// `bytes` (one post's encoded JSON) with its slots filled.
        mutating func fill(_ bytes: [UInt8]) -> [UInt8] {
            let open = Array("{{".utf8)
            guard bytes.firstRange(of: open) != nil else { return bytes }
            rendered += 1
            let counter = Array(String(counterBase + rendered).utf8)
            // The first image of the response may be the page's largest, so core prioritizes it.
            let imageAttributes = rendered == 1 ? #" fetchpriority=\"high\""# : #" loading=\"lazy\""#
            let perPost: [String: [UInt8]] = [
                "layout": counter, "gallery": counter, "cf7": counter,
                "imageid": PluginMarkup.uniqid(rendered), "likeid": PluginMarkup.uniqid(rendered + 500_000),
                "imgattrs": Array(imageAttributes.utf8), "sizes": Array((rendered == 1 ? "" : "auto, ").utf8),
                "cfemail": PluginMarkup.cloudflareEncoded("editor@example.org"),
                "secret": Array(PluginMarkup.alphanumeric(10).utf8),
                "nonce": Array(nonce.utf8), "ver": Array(version.utf8), "patch": Array(patch.utf8),
                "token": Array(token.utf8), "time": Array(time.utf8),
                "action": action, "referer": referer, "pageurl": pageURL,
                "seconds": Array(String(format: "%.3f", Double.random(in: 0.05...0.9)).utf8),
                "date": Array(PluginMarkup.dateFormatter.string(from: Date()).utf8),
            ]
            var output: [UInt8] = []
            output.reserveCapacity(bytes.count + 512)
            var index = 0
            while let start = bytes[index...].firstRange(of: open)?.lowerBound {
                guard let close = bytes[(start + 2)...].firstRange(of: Array("}}".utf8))?.lowerBound,
                      let value = perPost[String(decoding: bytes[(start + 2)..<close], as: UTF8.self)]
                else {
                    output += bytes[index..<(start + 2)]
                    index = start + 2
                    continue
                }
                output += bytes[index..<start]
                output += value
                index = close + 2
            }
            output += bytes[index...]
            return output
        }
    }

    // MARK: - Values as PHP makes them

    private static let dateFormatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEEE, d MMMM yyyy HH:mm:ss.SSS"
        return formatter
    }()

    static func hex(_ count: Int) -> String {
        String((0..<count).map { _ in "0123456789abcdef".randomElement() ?? "0" })
    }

    static func alphanumeric(_ count: Int) -> String {
        let characters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        return String((0..<count).map { _ in characters.randomElement() ?? "a" })
    }

    /// `uniqid()`: the current second and microsecond in hex; `offset` microseconds apart for
    /// calls made one after the other.
    static func uniqid(_ offset: Int) -> [UInt8] {
        let now = Date().timeIntervalSince1970
        let seconds = UInt64(now)
        let microseconds = (UInt64((now - Double(seconds)) * 1_000_000) + UInt64(offset)) % 1_000_000
        let text = String(seconds, radix: 16).leftPadded(to: 8) + String(microseconds, radix: 16).leftPadded(to: 5)
        return Array(text.utf8)
    }

    /// Cloudflare's email obfuscation: a random key byte, then each byte of the address XOR-ed with it.
    static func cloudflareEncoded(_ address: String) -> [UInt8] {
        let key = UInt8.random(in: 1...255)
        let digits = Array("0123456789abcdef".utf8)
        var output: [UInt8] = []
        for byte in [key] + address.utf8.map({ $0 ^ key }) {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
        return output
    }

    /// A value as `json_encode` writes it inside a string: `/` as `\/`, `"` and `\` escaped.
    static func jsonEscaped(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        for byte in text.utf8 {
            if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                output.append(UInt8(ascii: "\\"))
            }
            output.append(byte)
        }
        return output
    }
}
