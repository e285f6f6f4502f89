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
    /// The response's `ETag`/`Last-Modified`, when it had any.
    public var validators: Validators?

    /// The posts of a 200 response; one bad entry is skipped, not the page. A
    /// PHP warning or byte order mark before valid JSON is tolerated.
    init(decoding response: HTTPResponse) throws(WordPressError) {
        let candidates = ResponseBody.jsonCandidates(of: response.body)
        guard let body = candidates.first, !body.isEmpty else {
            throw .unexpectedBody(url: response.url, status: response.status, reason: "the body is empty")
        }
        if let offset = ResponseBody.firstInvalidUTF8(in: body) {
            throw .unexpectedBody(url: response.url, status: response.status,
                                  reason: "the body is not valid UTF-8 (byte \(offset))")
        }
        var firstError: (any Error)?
        totalPages = response.headers["X-WP-TotalPages"].flatMap { Int($0.trimmingWhitespace()) }
        for candidate in candidates where candidate.first == UInt8(ascii: "[") {
            // What WordPress sends, read without building what is dropped; anything
            // else, and every error, as JSONDecoder reads it (see PostScanner).
            if let scanned = PostScanner.posts(in: candidate) {
                posts = Self.served(scanned, at: response.servedAt)
                skipped = 0
                return
            }
            do {
                let entries = try JSONDecoder().decode([Entry].self, from: Data(candidate))
                posts = Self.served(entries.compactMap(\.post), at: response.servedAt)
                skipped = entries.count - posts.count
                return
            } catch let error as WrongField {
                throw .unexpectedBody(url: response.url, status: response.status, reason: error.description)
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

    private static func served(_ posts: [WordPressPost], at servedAt: Date?) -> [WordPressPost] {
        posts.map { post in
            var post = post
            post.servedAt = servedAt
            return post
        }
    }

    /// One element of the list: a post, or something without a numeric id,
    /// which is skipped. A post whose fields have the wrong types fails the page.
    private struct Entry: Decodable {
        let post: WordPressPost?

        private struct Identified: Decodable { let id: Int }

        init(from decoder: any Decoder) throws {
            guard let identified = try? Identified(from: decoder) else {
                post = nil
                return
            }
            do {
                post = try WordPressPost(from: decoder)
            } catch {
                throw WrongField(id: identified.id, error: error)
            }
        }
    }
}

/// A post with a field of the wrong type, named for the administrator.
struct WrongField: Error, CustomStringConvertible {
    let id: Int
    let error: any Error

    var description: String {
        guard let decoding = error as? DecodingError else {
            // Foundation's decoder also throws its parser's own errors, whose text is a
            // Swift enum case with its payload: `unescapedControlCharacterInString(ascii:
            // 10, location: …)`. Its name alone, in words, is what an administrator needs.
            let name = Mirror(reflecting: error).children.first?.label ?? "\(error)"
            return "post \(id) is not valid JSON: \(Self.words(name))"
        }
        switch decoding {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context),
             .keyNotFound(_, let context):
            let field = context.codingPath.filter { $0.intValue == nil }.map(\.stringValue).joined(separator: ".")
            return "post \(id) has \(field.isEmpty ? "a field" : "\"\(field)\"") of the wrong type"
        @unknown default:
            return "post \(id): \(error)"
        }
    }

    /// `unescapedControlCharacterInString` as "unescaped control character in string".
    private static func words(_ name: String) -> String {
        var words = ""
        for character in name {
            if character.isUppercase, !words.isEmpty { words.append(" ") }
            words.append(character.isUppercase ? Character(character.lowercased()) : character)
        }
        return words
    }
}
