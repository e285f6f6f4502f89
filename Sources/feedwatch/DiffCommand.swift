import ArgumentParser
import FeedwatchCore

struct DiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show what changed between two stored versions of a post (default: the last two).",
        discussion: """
            Title, content and excerpt are reduced from HTML to readable text and shown as a unified diff; \
            the other tracked fields that changed are shown as before -> after.
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var post: PostSelection

    @Option(help: ArgumentHelp("The older version (default: the one before --to).", valueName: "N"))
    var from: Int?

    @Option(help: ArgumentHelp("The newer version (default: the newest).", valueName: "M"))
    var to: Int?

    func run() async throws {
        let store = try options.openStoreForReading()
        let history = try await post.history(in: store)
        let numbers = history.versions.map(\.version)
        let newer = to ?? numbers[numbers.count - 1]
        guard let older = from ?? numbers.last(where: { $0 < newer }) else {
            print("\(history.site) post \(history.postID) has only version \(newer): nothing to compare it with")
            return
        }
        for number in [older, newer] where !numbers.contains(number) {
            throw ValidationError("post \(history.postID) of \(history.site) has no version \(number) "
                + "(it has \(numbers.first ?? 0) to \(numbers.last ?? 0))")
        }
        let versions = try await store.versions(site: history.site, postID: history.postID, numbers: [older, newer])
        guard versions.count == 2 else { throw ExitCode.failure }
        let diff = PostDiff(site: history.site, postID: history.postID, from: versions[0], to: versions[1])
        if post.json {
            try PostSelection.printJSON(diff)
        } else {
            print(diff.text, terminator: "")
        }
    }
}
