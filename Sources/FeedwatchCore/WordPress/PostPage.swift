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
    public var skipped = 0

    init(posts: [WordPressPost], totalPages: Int?, skipped: Int = 0) {
        self.posts = posts
        self.totalPages = totalPages
        self.skipped = skipped
    }

    init(posts: (posts: [WordPressPost], skipped: Int), totalPages: Int?) {
        self.init(posts: posts.posts, totalPages: totalPages, skipped: posts.skipped)
    }

    /// The posts of a 200 response; one bad entry is skipped, not the page.
    static func decode(_ response: HTTPResponse) throws(WordPressError) -> (posts: [WordPressPost], skipped: Int) {
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
        let posts = entries.compactMap(\.post)
        return (posts, entries.count - posts.count)
    }

    private struct Entry: Decodable {
        let post: WordPressPost?
        init(from decoder: any Decoder) throws {
            post = try? WordPressPost(from: decoder)
        }
    }
}
