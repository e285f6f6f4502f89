import ArgumentParser
import FeedwatchCore

struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List every stored version of a post: number, seen at, modified_gmt, hash, changed fields.")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var post: PostSelection

    func run() async throws {
        let history = try await post.history(in: options.openStoreForReading())
        if post.json {
            try PostSelection.printJSON(history)
        } else {
            print(Self.table(history), terminator: "")
        }
    }

    static func table(_ history: PostHistory) -> String {
        var output = "\(history.site) \(history.type) \(history.postID) \"\(history.title)\" \(history.link)\n"
        output += "\(history.versions.count) versions; now \(history.state.rawValue)\n"
        let rows = [["version", "seen at", "modified (GMT)", "change", "hash", "changed fields"]]
            + history.versions.map { version in
                [String(version.version), version.seenAt, version.modifiedGMT ?? "-", version.change,
                 String(version.hash.prefix(12)), version.changedFields.map(\.rawValue).joined(separator: ",")]
            }
        return output + TextTable.render(rows)
    }
}
