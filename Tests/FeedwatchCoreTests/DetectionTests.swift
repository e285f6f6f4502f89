@testable import FeedwatchCore
import Foundation
import Testing
import TestSupport

@Suite struct DetectionTests {
    private let plain = ContentNormalizer(ignorePatterns: [])

    @Test func realFixtureDecodesEveryTrackedField() throws {
        let post = try Fixture.post()
        #expect(post.id == 356473)
        #expect(post.modifiedGMT == "2025-08-19T09:41:13")
        #expect(post.status == "publish")
        #expect(post.link == "https://www.europesays.com/uk/356473/")
        #expect(post.title == "How Putin\u{A0}Brushed Off\u{A0}Trump\u{2019}s Latest Push for Peace in Ukraine")
        #expect(post.content?.hasPrefix("<p class=\"rich-text") == true)
        #expect(post.categories?.isEmpty == false)
    }

    @Test func missingOptionalFieldsAreToleratedAndPlainStringTitlesAccepted() throws {
        let json = #"{"id": 7, "title": "plain string title", "tags": [1, 2]}"#
        let post = try JSONDecoder().decode(WordPressPost.self, from: Data(json.utf8))
        #expect(post.id == 7)
        #expect(post.title == "plain string title")
        #expect(post.author == nil)
        #expect(post.tags == [1, 2])
        #expect(post.modifiedGMT == nil)
    }

    @Test func aFieldOfTheWrongTypeFailsThePageAndNamesThePostAndField() {
        let body = #"[{"id": 1}, {"id": 2, "author": "admin"}]"#
        let response = HTTPResponse(status: 200, headers: HTTPHeaders(), body: Array(body.utf8), url: "http://127.0.0.1/x")
        do {
            _ = try PostPage(decoding: response)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == #"http://127.0.0.1/x: HTTP 200 but post 2 has "author" of the wrong type"#)
        }
    }

    /// WordPress escapes control characters; a plugin that echoes raw text may not.
    @Test func aRawNewlineInAPostsStringIsNamedInWordsNotAsTheDecodersEnum() {
        let body = "[{\"id\": 1, \"content\": {\"rendered\": \"a\nb\"}}]"
        let response = HTTPResponse(status: 200, headers: HTTPHeaders(), body: Array(body.utf8), url: "http://127.0.0.1/x")
        do {
            _ = try PostPage(decoding: response)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "http://127.0.0.1/x: HTTP 200 but post 1 is not valid JSON: unescaped control character in string")
        }
    }

    @Test func entriesWithoutANumericIdAreSkippedNotThePage() throws {
        let body = #"[{"id": 1, "title": {"rendered": "a"}}, {"title": {"rendered": "no id"}}, {"id": "x"}, {"id": 2}]"#
        let response = HTTPResponse(status: 200, headers: HTTPHeaders([("X-WP-TotalPages", "3")]), body: Array(body.utf8),
                                    url: "http://127.0.0.1/wp-json/wp/v2/posts")
        let page = try PostPage(decoding: response)
        #expect(page.posts.map(\.id) == [1, 2])
        #expect(page.skipped == 2)
        #expect(page.totalPages == 3)
    }

    @Test func htmlInsteadOfJSONIsNamedAsSuch() {
        let response = HTTPResponse(status: 200, headers: HTTPHeaders([("Content-Type", "text/html")]),
                                    body: Array("<!DOCTYPE html><title>Just a moment...</title>".utf8), url: "http://127.0.0.1/x")
        #expect(throws: WordPressError.self) { try PostPage(decoding: response) }
        do {
            _ = try PostPage(decoding: response)
        } catch {
            #expect(error.description.contains("the server sent HTML instead of JSON"))
        }
    }

    @Test func whitespaceInRenderedHTMLDoesNotChangeTheHash() throws {
        var post = try Fixture.post()
        let original = PostFingerprint(PostSnapshot(post), normalizer: plain)
        post.content = post.content.map { $0.replacingOccurrences(of: "\n", with: "\n\n   \t") }
        #expect(PostFingerprint(PostSnapshot(post), normalizer: plain) == original)
    }

    @Test func ignorePatternsRemoveDynamicMarkupBeforeHashing() {
        let normalizer = ContentNormalizer(ignorePatterns: [#"data-views="[0-9]+""#])
        let a = WordPressPost(id: 1, content: #"<span data-views="12">x</span>"#)
        let b = WordPressPost(id: 1, content: #"<span data-views="13">x</span>"#)
        #expect(PostFingerprint(PostSnapshot(a), normalizer: normalizer) == PostFingerprint(PostSnapshot(b), normalizer: normalizer))
        #expect(PostFingerprint(PostSnapshot(a), normalizer: plain) != PostFingerprint(PostSnapshot(b), normalizer: plain))
    }

    @Test func changedFieldsNameExactlyWhatDiffers() throws {
        let post = try Fixture.post()
        var edited = post
        edited.title = "A new title"
        edited.tags = [99]
        let before = PostFingerprint(PostSnapshot(post), normalizer: plain)
        let after = PostFingerprint(PostSnapshot(edited), normalizer: plain)
        #expect(after.changedFields(since: before) == [.title, .tags])
        #expect(after.hash != before.hash)
        #expect(after.hash.count == 64)
    }

    @Test func classificationFollowsTheSpecTable() {
        let a = PostFingerprint(PostSnapshot(WordPressPost(id: 1, title: "a")), normalizer: plain)
        let b = PostFingerprint(PostSnapshot(WordPressPost(id: 1, title: "b")), normalizer: plain)
        let stored = StoredPostState(modifiedGMT: "2025-01-01T00:00:00", fingerprint: a, version: 1)
        #expect(ChangeClassifier.classify(modifiedGMT: "x", fingerprint: a, stored: nil, siteBaselined: false) == .baseline)
        #expect(ChangeClassifier.classify(modifiedGMT: "x", fingerprint: a, stored: nil, siteBaselined: true) == .new)
        #expect(ChangeClassifier.classify(modifiedGMT: "2025-01-02T00:00:00", fingerprint: b, stored: stored, siteBaselined: true)
            == .revised(changed: [.title]))
        #expect(ChangeClassifier.classify(modifiedGMT: "2025-01-02T00:00:00", fingerprint: a, stored: stored, siteBaselined: true)
            == .touched)
        #expect(ChangeClassifier.classify(modifiedGMT: "2025-01-01T00:00:00", fingerprint: b, stored: stored, siteBaselined: true)
            == .silentEdit(changed: [.title]))
        #expect(ChangeClassifier.classify(modifiedGMT: "2025-01-01T00:00:00", fingerprint: a, stored: stored, siteBaselined: true)
            == .unchanged)
    }

    @Test func titlesBecomePlainText() {
        #expect(HTMLText.plain("Trump&#8217;s <em>latest</em>&nbsp;push &amp; more &bogus; &#x41;") == "Trump’s latest\u{A0}push & more &bogus; A")
        #expect(HTMLText.plain("Prices < costs &#038; 3<4 <!-- note --> <br/>done <") == "Prices < costs & 3<4 done <",
                "a < that opens no tag is text")
    }

    @Test func messageIsOneLineWithoutControlCharacters() {
        var event = ChangeEvent(kind: .revised, site: "europesays-uk", siteURL: "https://www.europesays.com/uk/")
        event.postType = "posts"
        event.postID = 356473
        event.title = "How Putin\nBrushed Off\u{7}"
        event.changedFields = [.title, .content]
        event.postURL = "https://www.europesays.com/uk/356473/"
        #expect(event.message
            == #"revised: europesays-uk post 356473 "How Putin Brushed Off " (title, content) https://www.europesays.com/uk/356473/"#)
    }

    @Test func restRootBuildsBothPermalinkForms() {
        #expect(RESTRoot("https://a.org/wp-json/").url(for: "wp/v2/posts", query: [("per_page", "100")])
            == "https://a.org/wp-json/wp/v2/posts?per_page=100")
        #expect(RESTRoot("https://a.org/?rest_route=/").url(for: "wp/v2/posts", query: [("page", "2"), ("after", "2025-01-01T00:00:00+00:00")])
            == "https://a.org/?rest_route=/wp/v2/posts&page=2&after=2025-01-01T00%3A00%3A00%2B00%3A00")
    }

    @Test func linkHeaderDiscoveryFindsTheAPIRelation() {
        let values = [#"<https://a.org/wp-json/wp/v2/pages/2>; rel="alternate"; type="application/json", <https://a.org/wp-json/>; rel="https://api.w.org/""#]
        #expect(WordPressClient.indexLink(in: values) == "https://a.org/wp-json/")
        #expect(WordPressClient.indexLink(in: [#"<https://a.org/?p=1>; rel=shortlink"#]) == nil)
    }

    /// Found by the `link-header` fuzz target (Fuzz/Targets): an empty `<>` was
    /// taken as the REST root, which made every request URL relative.
    @Test func anEmptyLinkTargetIsNotARESTRoot() {
        let fuzzed = "<>; rel=\"https://apiht.org/?rest_route=/\u{FFFD}\0\0\0\0>; rel=\"https://api.w.org/\""
        #expect(WordPressClient.indexLink(in: [fuzzed]) == nil)
        #expect(WordPressClient.indexLink(in: [#"<>; rel="https://api.w.org/", <https://a.org/wp-json/>; rel="https://api.w.org/""#])
            == "https://a.org/wp-json/")
    }

    /// Found by the link-header fuzzer: a target of NULs (Foundation's `String.contains` itself
    /// crashes looking for it in `"Ü,ÿ,!tph"`, so the fuzzer's check now compares bytes).
    @Test func aLinkTargetWithControlCharactersIsNoRESTRoot() {
        let bytes: [UInt8] = Array("\u{DC},\u{FF},!tph\n\nrellink\n<h".utf8) + [0, 0, 0, 0, 0]
            + Array(#">;rel="https://api.w.org/""#.utf8)
        let values = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(WordPressClient.indexLink(in: values) == nil)
        #expect(WordPressClient.indexLink(in: [#"<https://a.org/wp json/>; rel="https://api.w.org/""#]) == nil)
        #expect(WordPressClient.indexLink(in: [#"<https://a.org/wp-json/>; rel="https://api.w.org/""#]) == "https://a.org/wp-json/")
    }
}
