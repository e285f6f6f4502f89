@testable import FeedwatchCore
import Testing

/// What WordPress 6.1 derives when it renders a post — counters shared by the whole response, the
/// request's own URL, the output of blocks that show other posts or site state — neutralized,
/// while what the author wrote next to it still counts. The markup is as 6.1's render callbacks
/// (`wp-includes/blocks/*.php`, `block-supports/duotone.php`, `media.php`) print it.
@Suite struct DynamicBlockTests: MarkupExpectations {

    // MARK: - Counters of wp_unique_id() and static $instance

    /// `wp_render_duotone_support()`: `wp-duotone-` + `sanitize_key( "$preset-" )` + the counter.
    private func duotoneImage(_ counter: Int, preset: String = "varpresetduotonedark-grayscale", caption: String = "Harbour") -> String {
        """
        <figure class="wp-duotone-\(preset)-\(counter) wp-block-image size-large"><img decoding="async" \
        src="http://example.org/wp-content/uploads/2025/08/harbour.jpg" alt="" class="wp-image-41"/>\
        <figcaption class="wp-element-caption">\(caption)</figcaption></figure>
        """
    }

    @Test func duotoneCounterIsNeutralizedButThePresetAndCaptionCount() {
        expectSame(duotoneImage(3), duotoneImage(7))
        expectSame(duotoneImage(1, preset: "000000-ffffff"), duotoneImage(12, preset: "000000-ffffff"))
        #expect(DynamicMarkup.neutralize(duotoneImage(3)).contains("wp-duotone-varpresetduotonedark-grayscale-{n} "))
        expectDifferent(duotoneImage(3), duotoneImage(3, preset: "varpresetduotonepurple-green"))
        expectDifferent(duotoneImage(3), duotoneImage(7, caption: "Harbor"))
    }

    @Test func archivesAndCategoriesDropdownCountersAreNeutralizedInIdsLabelsAndScripts() {
        // The counters alone (as a theme's copy of the markup would carry them), outside the blocks.
        func archives(_ counter: Int) -> String {
            #"<label class="wp-block-archives__label" for="wp-block-archives-\#(counter)">Archives</label><select id="wp-block-archives-\#(counter)" name="archive-dropdown"></select>"#
        }
        expectSame(archives(1), archives(4))
        func categories(_ counter: Int) -> String {
            """
            <select name='cat' id='wp-block-categories-\(counter)' class='postform'></select>\
            <script type='text/javascript'>var dropdown = document.getElementById( 'wp-block-categories-\(counter)' );</script>
            """
        }
        expectSame(categories(1), categories(2))
        expectDifferent(#"<select id="wp-block-archives-list"></select>"#, #"<select id="wp-block-archives-lists"></select>"#)
    }

    /// `wp_audio_shortcode()`: `add_query_arg( '_', $instance, $url )` on every `<source>`.
    @Test func audioAndVideoShortcodeSourceCountersAreNeutralizedButNotTheFile() {
        func audio(_ instance: Int, file: String = "interview.mp3") -> String {
            """
            <audio class="wp-audio-shortcode" id="audio-55-\(instance)" preload="none" style="width: 100%;" controls="controls">\
            <source type="audio/mpeg" src="http://example.org/wp-content/uploads/2025/08/\(file)?_=\(instance)" />\
            <a href="http://example.org/wp-content/uploads/2025/08/\(file)">http://example.org/wp-content/uploads/2025/08/\(file)</a></audio>
            """
        }
        expectSame(audio(1), audio(3))
        expectDifferent(audio(1), audio(1, file: "speech.mp3"))
        expectDifferent(#"<a href="https://example.org/?_=1">first</a>"#, #"<a href="https://example.org/?_=2">first</a>"#)
    }

    // MARK: - The request echoed

    @Test func queryPaginationLinksThatEchoTheRequestAreNeutralized() {
        // paginate_links() with `format => "?query-1-page=%#%"` keeps the request's query arguments.
        func numbers(_ echoed: String) -> String {
            #"<p>Read on.</p><a class="page-numbers" href="?query-1-page=2&#038;\#(echoed)">2</a>"#
        }
        expectSame(numbers("per_page=100&#038;page=1&#038;orderby=id&#038;order=asc&#038;_fields=id%2Cmodified_gmt%2Ccontent"),
                   numbers("include=12&#038;orderby=id&#038;order=asc&#038;_fields=id%2Cmodified_gmt%2Ccontent"))
        expectDifferent(numbers("_fields=id"), numbers("_fields=id").replacingOccurrences(of: "Read on.", with: "Read more."))
        let next = #"<a href="http://example.org/wp-json/wp/v2/posts?per_page=100&#038;_fields=id&#038;query-1-page=2" class="wp-block-query-pagination-next">Next Page</a>"#
        #expect(DynamicMarkup.neutralize(next).hasPrefix(#"<a href="{request-uri}""#))
    }

    @Test func theCancelReplyLinkEchoingTheRequestIsNeutralizedKeepingItsFragment() {
        func form(_ uri: String) -> String {
            """
            <h3 id="reply-title" class="comment-reply-title">Leave a Reply <small><a rel="nofollow" id="cancel-comment-reply-link" \
            href="\(uri)#respond" style="display:none;">Cancel reply</a></small></h3>
            """
        }
        let listing = form("/wp-json/wp/v2/posts?per_page=100&#038;page=1&#038;_fields=id%2Ccontent")
        expectSame(listing, form("/wp-json/wp/v2/posts/12?_fields=id%2Ccontent&#038;context=edit"))
        #expect(DynamicMarkup.neutralize(listing).contains(#"href="{request-uri}#respond""#))
        expectDifferent(listing, listing.replacingOccurrences(of: "Leave a Reply", with: "Leave a Comment"))
    }

    @Test func aLoginRedirectToTheRequestIsNeutralizedButNotTheLoginURLOrOtherRedirects() {
        func login(_ redirect: String, host: String = "example.org") -> String {
            #"<a href="http://\#(host)/wp-login.php?redirect_to=\#(redirect)">Log in</a>"#
        }
        let listing = login("http%3A%2F%2Fexample.org%2Fwp-json%2Fwp%2Fv2%2Fposts%3Fper_page%3D100%26_fields%3Did")
        expectSame(listing, login("http%3A%2F%2Fexample.org%2F%3Frest_route%3D%2Fwp%2Fv2%2Fposts%2F12"))
        #expect(DynamicMarkup.neutralize(listing) == #"<a href="http://example.org/wp-login.php?redirect_to={request-uri}">Log in</a>"#)
        expectDifferent(listing, login("http%3A%2F%2Fexample.org%2Fwp-json%2F", host: "evil.example"))
        expectDifferent(login("https%3A%2F%2Fexample.org%2Fmembers%2F"), login("https%3A%2F%2Fexample.org%2Fdonors%2F"))
    }

    @Test func linksAPersonWroteAreNotRequestEchoes() {
        expectDifferent(#"<a href="https://example.org/?page=2">next</a>"#, #"<a href="https://example.org/?page=3">next</a>"#)
        expectDifferent(#"<a href="https://example.org/wp-json/wp/v2/posts">the API</a>"#,
                        #"<a href="https://example.org/wp-json/wp/v2/pages">the API</a>"#)
    }

    // MARK: - Dynamic blocks

    private func latestPosts(_ titles: [String], dates: Bool = false) -> String {
        let items = titles.enumerated().map { number, title in
            #"<li><a class="wp-block-latest-posts__post-title" href="http://example.org/?p=\#(number + 10)">\#(title)</a>"#
                + (dates ? #"<time datetime="2025-08-19T09:41:13+00:00" class="wp-block-latest-posts__post-date">August 19, 2025</time>"# : "")
                + "</li>\n"
        }.joined()
        return #"<ul class="wp-block-latest-posts__list\#(dates ? " has-dates" : "") wp-block-latest-posts">\#(items)</ul>"#
    }

    private func post(_ block: String, before: String = "Before the list.", after: String = "After the list.") -> String {
        "<p>\(before)</p>\n\n\(block)\n\n<p>\(after)</p>"
    }

    @Test func latestPostsIsOnePlaceholderWhateverItLists() {
        let first = post(latestPosts(["Harbour notes", "Quiet post"]))
        expectSame(first, post(latestPosts(["Newest", "Harbour notes", "Quiet post"], dates: true)))
        #expect(normalized(first) == "<p>Before the list.</p> <div>{block:latest-posts}</div> <p>After the list.</p>")
        expectDifferent(first, post(latestPosts(["Harbour notes"]), after: "After the lists."))
        expectDifferent(first, post(latestPosts(["Harbour notes"]), before: "Before this list."))
    }

    @Test func addingRemovingMovingOrSwappingADynamicBlockIsAChange() {
        let block = latestPosts(["Harbour notes"])
        let archives = #"<ul class="wp-block-archives-list wp-block-archives">\#t<li><a href='http://example.org/2025/08/'>August 2025</a></li></ul>"#
        let placed = post(block)
        expectDifferent(placed, "<p>Before the list.</p>\n\n<p>After the list.</p>")
        expectDifferent(placed, "<p>Before the list.</p>\n\n<p>After the list.</p>\n\n" + block)
        expectDifferent(placed, post(archives))
        expectDifferent(placed, post(block + block))
    }

    @Test func nestedListsOfThePageListAreCountedSoTheTextAfterItStays() {
        let pages = """
        <ul class="wp-block-page-list"><li class="wp-block-pages-list__item has-child"><a class="wp-block-pages-list__item__link" \
        href="http://example.org/about/">About</a><ul class="submenu-container"><li class="wp-block-pages-list__item">\
        <a class="wp-block-pages-list__item__link" href="http://example.org/about/team/">Team</a></li></ul></li>\
        <li class="wp-block-pages-list__item"><a class="wp-block-pages-list__item__link" href="http://example.org/contact/">Contact</a></li></ul>
        """
        #expect(DynamicMarkup.neutralize(post(pages)) == "<p>Before the list.</p>\n\n<div>{block:page-list}</div>\n\n<p>After the list.</p>")
        expectSame(post(pages), post(pages.replacingOccurrences(of: "Team", with: "Our team")))
        expectDifferent(post(pages), post(pages, after: "After the list, edited."))
    }

    @Test func theArchivesDropdownWithItsLabelAndSelectIsOnePlaceholder() {
        func dropdown(_ counter: Int, months: [String]) -> String {
            let options = months.map { "\t<option value='http://example.org/2025/\($0)/'> \($0) 2025 </option>\n" }.joined()
            return """
            <div class="wp-block-archives-dropdown wp-block-archives"><label for="wp-block-archives-\(counter)" class="wp-block-archives__label">Archives</label>
            \t\t<select id="wp-block-archives-\(counter)" name="archive-dropdown" onchange="document.location.href=this.options[this.selectedIndex].value;">
            \t\t<option value="">Select Month</option>\(options)</select></div>
            """
        }
        expectSame(post(dropdown(1, months: ["08"])), post(dropdown(3, months: ["09", "08"])))
        #expect(DynamicMarkup.neutralize(dropdown(1, months: ["08"])) == "<div>{block:archives}</div>")
    }

    /// `get_calendar()` inside the block's `<div>`: `id="today"` moves every day.
    @Test func theCalendarTableIsOnePlaceholder() {
        func calendar(today: Int) -> String {
            let days = (17...20).map { $0 == today ? "<td id=\"today\">\($0)</td>" : "<td>\($0)</td>" }.joined()
            return """
            <div class="wp-block-calendar"><table id="wp-calendar" class="wp-calendar-table">
            \t<caption>August 2025</caption>
            \t<thead>
            \t<tr>
            \t\t<th scope="col" title="Monday">M</th>
            \t</tr>
            \t</thead>
            \t<tbody>
            \t<tr>\(days)
            \t</tr>
            \t</tbody>
            \t</table><nav aria-label="Previous and next months" class="wp-calendar-nav">
            \t\t<span class="wp-calendar-nav-prev"><a href="http://example.org/2025/07/">&laquo; Jul</a></span>
            \t\t<span class="pad">&nbsp;</span>
            \t\t<span class="wp-calendar-nav-next">&nbsp;</span>
            \t</nav></div>
            """
        }
        expectSame(post(calendar(today: 18)), post(calendar(today: 19)))
        expectDifferent(post(calendar(today: 18)), post(calendar(today: 18), after: "After the calendar."))
    }

    /// The dropdown's `<script>` is skipped as script text while the end of the `<div>` is sought.
    @Test func theCategoriesBlockWithCountsOrItsDropdownScriptIsOnePlaceholder() {
        func list(_ count: Int) -> String {
            #"<ul class="wp-block-categories-list wp-block-categories">\#t<li class="cat-item cat-item-1"><a href="http://example.org/category/news/">News</a> (\#(count))</li></ul>"#
        }
        expectSame(post(list(3)), post(list(4)))
        let dropdown = """
        <div class="wp-block-categories-dropdown wp-block-categories"><label class="screen-reader-text" for="wp-block-categories-1">Categories</label>\
        <select  name='cat' id='wp-block-categories-1' class='postform' ><option value='-1'>Select Category</option></select>
        <script type='text/javascript'>
        /* <![CDATA[ */
        ( function() {
        \tvar dropdown = document.getElementById( 'wp-block-categories-1' );
        \tfunction onCatChange() { if ( dropdown.options[ dropdown.selectedIndex ].value > 0 ) { location.href = "<div></div>"; } }
        \tdropdown.onchange = onCatChange;
        })();
        /* ]]> */
        </script>

        </div>
        """
        #expect(DynamicMarkup.neutralize(post(dropdown)) == "<p>Before the list.</p>\n\n<div>{block:categories}</div>\n\n<p>After the list.</p>")
    }

    @Test func tagCloudSizesAndLatestCommentsWithOrWithoutCommentsAreOnePlaceholder() {
        func cloud(_ size: String) -> String {
            #"<p class="wp-block-tag-cloud"><a href="http://example.org/tag/harbour/" class="tag-cloud-link tag-link-3 tag-link-position-1" style="font-size: \#(size)pt;" aria-label="harbour (2 items)">harbour</a></p>"#
        }
        expectSame(post(cloud("8")), post(cloud("22")))
        let comments = """
        <ol class="has-avatars has-dates has-excerpts wp-block-latest-comments"><li class="wp-block-latest-comments__comment">\
        <article><footer class="wp-block-latest-comments__comment-meta"><span class="wp-block-latest-comments__comment-author">Ann</span> on \
        <a class="wp-block-latest-comments__comment-link" href="http://example.org/?p=10#comment-2">Harbour notes</a></footer>\
        <div class="wp-block-latest-comments__comment-excerpt"><p>Nice.</p>\n</div></article></li></ol>
        """
        let none = #"<div class="has-avatars has-dates has-excerpts wp-block-latest-comments">No comments to show.</div>"#
        expectSame(post(comments), post(none))
    }

    @Test func rssItemsAndTheRSSErrorBoxAreTheSamePlaceholder() {
        let items = #"<ul class="wp-block-rss"><li class='wp-block-rss__item'><div class='wp-block-rss__item-title'><a href='https://news.example/1'>One</a></div></li></ul>"#
        let error = #"<div class="components-placeholder"><div class="notice notice-error"><strong>RSS Error:</strong> A feed could not be found at `https://news.example/feed`.</div></div>"#
        expectSame(post(items), post(error))
        #expect(DynamicMarkup.neutralize(error) == "<div>{block:rss}</div>")
    }

    @Test func postDateFollowingDateFormatAndLoginoutAreOnePlaceholderEach() {
        func date(_ shown: String) -> String {
            #"<div class="wp-block-post-date"><time datetime="2025-08-19T09:41:13+00:00">\#(shown)</time></div>"#
        }
        expectSame(post(date("August 19, 2025")), post(date("19/08/2025")))
        let loggedOut = #"<div class="logged-out wp-block-loginout"><a href="http://example.org/wp-login.php?redirect_to=http%3A%2F%2Fexample.org%2Fwp-json%2Fwp%2Fv2%2Fposts">Log in</a></div>"#
        let loggedIn = #"<div class="logged-in wp-block-loginout"><a href="http://example.org/wp-login.php?action=logout&amp;_wpnonce=0a1b2c3d4e">Log out</a></div>"#
        expectSame(post(loggedOut), post(loggedIn))
        expectDifferent(post(date("August 19, 2025")), post(loggedOut))
    }

    /// The Query Loop's saved `<div>` holds the Post Template and pagination, `<div>`s among them.
    @Test func theQueryLoopWithNestedDivsIsOnePlaceholder() {
        func query(_ titles: [String]) -> String {
            let items = titles.map { title in
                """
                <li class="wp-block-post post-10 post type-post status-publish format-standard hentry category-news">\
                <h2 class="wp-block-post-title">\(title)</h2><div class="wp-block-post-date"><time datetime="2025-08-19T09:41:13+00:00">August 19, 2025</time></div>\
                <div class="wp-block-post-excerpt"><p class="wp-block-post-excerpt__excerpt">Text. </p></div></li>
                """
            }.joined()
            return """
            <div class="wp-block-query"><ul class="wp-block-post-template">\(items)</ul>
            <nav class="wp-block-query-pagination is-layout-flex wp-container-3" aria-label="Pagination">\
            <div class="wp-block-query-pagination-numbers"><span aria-current="page" class="page-numbers current">1</span>
            <a class="page-numbers" href="?query-1-page=2&#038;per_page=100&#038;_fields=id">2</a></div></nav></div>
            """
        }
        expectSame(post(query(["A", "B"])), post(query(["New", "A"])))
        #expect(normalized(post(query(["A"]))) == "<p>Before the list.</p> <div>{block:query}</div> <p>After the list.</p>")
    }

    @Test func partsOfBlocksAndUnclosedWrappersAreNotCollapsed() {
        let part = #"<a class="wp-block-latest-posts__post-title" href="http://example.org/?p=10">Harbour notes</a>"#
        #expect(DynamicMarkup.neutralize(part) == part)
        let unclosed = #"<ul class="wp-block-latest-posts"><li>Harbour notes</li>"#
        #expect(DynamicMarkup.neutralize(unclosed) == unclosed)
        expectDifferent(#"<div class="wp-block-group"><p>One</p></div>"#, #"<div class="wp-block-group"><p>Two</p></div>"#)
    }

    /// Broken markup with many unclosed wrappers: each would otherwise be searched to the end.
    @Test func manyUnclosedWrappersAreKeptAndTakeLinearTime() {
        let wrapper = #"<ul class="wp-block-latest-posts"><li>Item</li>"#
        let small = String(repeating: wrapper, count: 2_000), large = String(repeating: wrapper, count: 8_000)
        #expect(DynamicMarkup.neutralize(small) == small)
        let clock = ContinuousClock()
        let smallTime = clock.measure { _ = DynamicMarkup.neutralize(small) }
        let largeTime = clock.measure { _ = DynamicMarkup.neutralize(large) }
        // Quadratic work would make four times the input take sixteen times as long.
        #expect(largeTime < smallTime * 10 + .milliseconds(20), "\(smallTime) for 2,000 wrappers, \(largeTime) for 8,000")
    }

    // MARK: - What a person reads

    @Test func theReadableDiffShowsThePlaceholderNotTheListedPosts() {
        func version(_ number: Int, _ content: String) -> StoredVersion {
            StoredVersion(
                summary: VersionSummary(version: number, seenAt: "2025-08-19T10:00:00Z", modifiedGMT: "2025-08-19T09:41:13",
                                        hash: String(repeating: "0", count: 64), change: "revised", changedFields: [.content]),
                snapshot: PostSnapshot(fields: [.content: content]))
        }
        let before = post(latestPosts(["Harbour notes", "Quiet post"]), after: "The minister resigned on Monday.")
        let after = post(latestPosts(["Newest", "Harbour notes"]), after: "The minister resigned on Tuesday.")
        let diff = PostDiff(site: "s", postID: 1, from: version(1, before), to: version(2, after)).text
        #expect(diff.contains("-The minister resigned on Monday."))
        #expect(diff.contains("+The minister resigned on Tuesday."))
        #expect(diff.contains(" {block:latest-posts}"), "the placeholder is the context line: \(diff)")
        #expect(!diff.contains("Newest") && !diff.contains("Quiet post"), "the listed posts are churn: \(diff)")
        #expect(ReadableText.lines(fromHTML: DynamicMarkup.neutralize(before))
            == ["Before the list.", "{block:latest-posts}", "The minister resigned on Monday."])
    }

    // MARK: - wpautop() around blocks

    @Test func anEmptyParagraphWpautopPutsAroundABlockIsNoChangeButParagraphTextIs() {
        let gallery = "<div id='gallery-1' class='gallery'><figure class='gallery-item'>A</figure></div>"
        expectSame("<p>\(gallery)</p>\n<p>After.</p>", "\(gallery)\n\n<p>After.</p>")
        expectSame("<p>\n<figure class=\"wp-caption\">B</figure>\n</p>", "<figure class=\"wp-caption\">B</figure>")
        expectDifferent("<p>Before.</p>\(gallery)", gallery)
        expectDifferent("<p><span>Inline</span></p>", "<span>Inline</span>")
        expectDifferent("<p>Text <div>A</div> more</p>", "<div>A</div>")
    }
}
