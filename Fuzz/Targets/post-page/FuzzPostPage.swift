@testable import FeedwatchCore

/// A 200 response's body as `WordPressClient` decodes a page of posts:
/// `ResponseBody.jsonStart`/`jsonCandidates` (byte order mark, leading
/// whitespace, a PHP warning before the JSON), the UTF-8 check, then
/// `PostPage(decoding:)`, which fails the page or skips entries but must not crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPostPage(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let body = Array(UnsafeBufferPointer(start: data, count: size))
    let start = ResponseBody.jsonStart(of: body)
    precondition(start.endIndex == body.endIndex, "jsonStart must only drop a prefix")
    for candidate in ResponseBody.jsonCandidates(of: body) {
        precondition(candidate.endIndex == body.endIndex, "a JSON candidate must run to the end of the body")
    }
    let response = HTTPResponse(status: 200, headers: HTTPHeaders([("X-WP-TotalPages", "3")]), body: body,
                                url: "https://fuzz.example/wp-json/wp/v2/posts")
    do {
        let page = try PostPage(decoding: response)
        precondition(page.skipped >= 0)
    } catch {
        _ = error.description
    }
    _ = ResponseBody.describe(response)
    return 0
}
