@testable import FeedwatchCore

/// `Link` header values of a front page (one per input line), searched for the
/// REST root `<…>; rel="https://api.w.org/"` as `WordPressClient.discoverRoot`
/// does. A root found must come from between `<` and `>` of some value.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLinkHeader(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let values = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if let root = WordPressClient.indexLink(in: values) {
        // Bytes, not Foundation's `String.contains`, which crashes on some needles with NULs.
        let needle = Array(root.utf8)
        precondition(values.contains { Array($0.utf8).firstRange(of: needle) != nil }, "a root not in any value")
        _ = RESTRoot(root).url(for: "wp/v2/posts", query: [("per_page", "100")])
    }
    return 0
}
