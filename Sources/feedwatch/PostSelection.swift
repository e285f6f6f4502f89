import ArgumentParser
import FeedwatchCore
import Foundation

/// `SITE POST_ID [--json]`, taken by `history` and `diff`.
struct PostSelection: ParsableArguments {
    @Argument(help: "The site's name, as in the configuration.")
    var site: String

    @Argument(help: ArgumentHelp("The post's WordPress id.", valueName: "post-id"))
    var postID: Int

    @Flag(help: "Print JSON for scripts instead of text for people.")
    var json = false

    /// The post's history; a clear message and exit 1 when it is not stored.
    func history(in store: any Store) async throws -> PostHistory {
        let found: PostHistory?
        do {
            found = try await store.history(site: site, postID: postID)
        } catch {
            StandardError.write("feedwatch: \(error)\n")
            throw ExitCode.failure
        }
        guard let found, !found.versions.isEmpty else {
            StandardError.write("feedwatch: \(store.location) holds no post \(postID) of a site named \"\(site)\"\n")
            throw ExitCode.failure
        }
        return found
    }

    /// `value` as indented JSON with snake_case keys, like WordPress's own.
    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
