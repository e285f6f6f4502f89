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

    /// The posts of a 200 response; one bad entry is skipped, not the page.
    init(decoding response: HTTPResponse) throws(WordPressError) {
        let json = ResponseBody.jsonStart(of: response.body)
        guard let first = json.first else {
            throw .unexpectedBody(url: response.url, status: response.status, reason: "the body is empty")
        }
        guard first == UInt8(ascii: "[") else {
            throw .unexpectedBody(url: response.url, status: response.status, reason: ResponseBody.describe(response))
        }
        let entries: [Entry]
        do {
            entries = try JSONDecoder().decode([Entry].self, from: Data(json))
        } catch {
            throw .unexpectedBody(url: response.url, status: response.status,
                                  reason: "the JSON is not valid (\(ResponseBody.describe(error)))")
        }
        posts = entries.compactMap(\.post)
        skipped = entries.count - posts.count
        totalPages = response.headers["X-WP-TotalPages"].flatMap { Int($0.trimmingWhitespace()) }
    }

    private struct Entry: Decodable {
        let post: WordPressPost?
        init(from decoder: any Decoder) throws {
            post = try? WordPressPost(from: decoder)
        }
    }
}
