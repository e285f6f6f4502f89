@testable import FeedwatchCore
import Foundation
import Testing
import TestSupport

/// `PostScanner` must read every post it accepts exactly as `JSONDecoder`
/// does, and decline what it does not read, so that `PostPage` reports it
/// as before.
@Suite struct PostScannerTests {
    private func scanned(_ json: String) -> [WordPressPost]? {
        PostScanner.posts(in: Array(json.utf8)[...])
    }

    private func decoded(_ json: [UInt8]) -> [WordPressPost]? {
        try? JSONDecoder().decode([WordPressPost].self, from: Data(json))
    }

    @Test func readsTheRealFixtureAsJSONDecoderDoes() throws {
        let fixture = try Fixture.postData()
        let page = Array("[".utf8) + fixture + Array(",\n".utf8) + fixture + Array("]".utf8)
        let posts = try #require(PostScanner.posts(in: page[...]))
        #expect(posts.count == 2)
        #expect(posts == decoded(page))
        #expect(posts[0].id == 356473)
        #expect(posts[0].content?.hasPrefix("<p class=\"rich-text") == true)
        #expect(posts[0].title == "How Putin\u{A0}Brushed Off\u{A0}Trump\u{2019}s Latest Push for Peace in Ukraine")
    }

    @Test(arguments: [
        #"[]"#,
        " \n[ ]\t",
        #"[{"id": 7}]"#,
        #"[{"id": -3, "title": "plain string title", "tags": [1, 2], "categories": []}]"#,
        #"[{"id": 1, "title": {"rendered": "a\"b\\c\/d\b\f\n\r\t", "raw": "r"}, "excerpt": null}]"#,
        #"[{"id": 1, "content": {"rendered": "\u00e9\u2019 \ud83d\ude00 \u0000", "protected": false}}]"#,
        #"[{"id": 1, "slug": "é ü \u00e9", "link": null, "status": "publish", "author": 0, "featured_media": null}]"#,
        #"[{"id": 1, "modified_gmt": "2025-08-19T09:41:13", "meta": {"a": [1.5e3, -0.25, 0, true, false, null, {}]}}]"#,
        #"[{"_links": {"self": [{"href": "x", "id": "not the post's"}]}, "id": 2, "guid": {"rendered": "g"}}]"#,
        #"[{"id": 9223372036854775807, "title": {"raw": "only raw"}}, {"id": 2, "title": {}}]"#,
        #"[{"id": 1, "x": 1, "x": 2}]"#,
    ])
    func acceptsWhatWordPressSendsAndReadsItAsJSONDecoderDoes(_ json: String) throws {
        let posts = try #require(scanned(json))
        #expect(posts == decoded(Array(json.utf8)))
    }

    @Test(arguments: [
        #"[{"id": 1, "author": "admin"}]"#,  // the wrong type: JSONDecoder names it
        #"[{"id": "x"}]"#,  // no numeric id: skipped by PostPage
        #"[{"title": "no id"}]"#,
        #"[5]"#,
        #"[{"id": 1.0}]"#,
        #"[{"id": 1e2}]"#,
        #"[{"id": 01}]"#,
        #"[{"id": 99999999999999999999}]"#,
        #"[{"id": 1, "id": 2}]"#,  // a tracked key twice
        #"[{"id": 1, "title": {"rendered": 5}}]"#,
        #"[{"id": 1, "title": {"rendered": "a", "rendered": "b"}}]"#,
        #"[{"id": 1, "tags": [1, "2"]}]"#,
        #"[{"id": 1, "content": {"rendered": "\ud83d"}}]"#,  // a lone surrogate
        #"[{"id": 1, "content": {"rendered": "\ude00"}}]"#,
        #"[{"id": 1, "content": {"rendered": "\x"}}]"#,
        "[{\"id\": 1, \"content\": {\"rendered\": \"a\nb\"}}]",  // a raw newline
        #"[{"id": 1}] trailing"#,
        #"[{"id": 1},]"#,
        #"[{"id": 1} {"id": 2}]"#,
        #"[{"id": 1, "meta": [01]}]"#,
        #"[{"id": 1, "meta": -}]"#,
        #"[{"id": 1, "meta": 1.}]"#,
        #"[{"id": 1, "meta": tru}]"#,
        #"[{"id": 1, "me\u0074a": 1}]"#,  // an escape in a key
        #"[{"id": 1, "meta": "open"#,
        #"{"id": 1}"#,
    ])
    func declinesAnythingElse(_ json: String) {
        #expect(scanned(json) == nil)
    }

    @Test func declinesNestingDeeperThanJSONDecoderReads() {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(scanned(#"[{"id": 1, "meta": \#(deep)}]"#) == nil)
        let shallow = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(scanned(#"[{"id": 1, "meta": \#(shallow)}]"#) != nil)
    }

    /// The fixture damaged a byte at a time, at many places: whatever the
    /// scanner accepts, JSONDecoder decodes to the same posts.
    @Test func neverAcceptsWhatJSONDecoderReadsOtherwise() throws {
        let page = Array("[".utf8) + (try Fixture.postData()) + Array("]".utf8)
        let replacements = Array(#"{}[]",:0-9e.n\u \#n"#.utf8)
        var generator = SplitMix(seed: 11)
        var accepted = 0
        for _ in 0..<400 {
            var damaged = page
            for _ in 0...generator.next(below: 2) {
                let at = generator.next(below: damaged.count)
                if generator.next(below: 4) == 0 {
                    damaged.remove(at: at)
                } else {
                    damaged[at] = replacements[generator.next(below: replacements.count)]
                }
            }
            guard String(validating: damaged, as: UTF8.self) != nil else { continue }
            if let posts = PostScanner.posts(in: damaged[...]) {
                accepted += 1
                #expect(posts == decoded(damaged))
            }
        }
        // Most damage falls inside the content's text and leaves valid JSON: those are compared.
        #expect(accepted > 100)
    }

    @Test func aPageThatTheScannerDeclinesStillNamesTheBadField() {
        let body = #"[{"id": 1}, {"id": 2, "title": {"rendered": 5}}]"#
        let response = HTTPResponse(status: 200, headers: HTTPHeaders(), body: Array(body.utf8), url: "http://127.0.0.1/x")
        do {
            _ = try PostPage(decoding: response)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == #"http://127.0.0.1/x: HTTP 200 but post 2 has "title" of the wrong type"#)
        }
    }
}

/// A small deterministic generator, so that a failure repeats.
private struct SplitMix {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next(below bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }
}
