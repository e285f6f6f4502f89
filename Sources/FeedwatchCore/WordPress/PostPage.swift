#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One page of a REST collection.
public struct PostPage: Sendable {
    public var posts: [WordPressPost]
    /// `X-WP-TotalPages`, when the server sent it.
    public var totalPages: Int?
    /// Entries that were not posts (no numeric `id`), left out.
    public var skipped: Int

    /// The posts of a 200 response; one bad entry is skipped, not the page. A
    /// PHP warning or byte order mark before valid JSON is tolerated.
    init(decoding response: HTTPResponse) throws(WordPressError) {
        let candidates = ResponseBody.jsonCandidates(of: response.body)
        guard let body = candidates.first, !body.isEmpty else {
            throw .unexpectedBody(url: response.url, status: response.status, reason: "the body is empty")
        }
        var firstError: (any Error)?
        for candidate in candidates where candidate.first == UInt8(ascii: "[") {
            do {
                let entries = try JSONDecoder().decode([Entry].self, from: Data(candidate))
                posts = entries.compactMap(\.post)
                skipped = entries.count - posts.count
                totalPages = response.headers["X-WP-TotalPages"].flatMap { Int($0.trimmingWhitespace()) }
                return
            } catch {
                firstError = firstError ?? error
            }
        }
        if body.first == UInt8(ascii: "["), let firstError {
            throw .unexpectedBody(url: response.url, status: response.status,
                                  reason: "the JSON is not valid (\(ResponseBody.describe(firstError)))")
        }
        throw .unexpectedBody(url: response.url, status: response.status, reason: ResponseBody.describe(response))
    }

    private struct Entry: Decodable {
        let post: WordPressPost?
        init(from decoder: any Decoder) throws {
            post = try? WordPressPost(from: decoder)
        }
    }
}
