/// What a chat or push message says about one event, before a service's
/// format shapes it: the facts, which are always sent whole, and the first
/// lines of the diff, which are cut to fit the service's limits.
struct ChatMessage: Sendable {
    var kind: EventKind
    /// e.g. `Silent edit on news`: the message's title where the service has one.
    var headline: String
    /// The post's title, or the site's name for an event about the site.
    var subject: String
    /// The post's address, or the site's.
    var link: String
    /// What people must not miss, said first and in bold where the format
    /// has bold: that a silent edit is one.
    var prominent: String?
    /// Short lines after it: what kind of change, which version, which fields, the error.
    var facts: [String]
    /// Lines of the unified diff of the post's readable text, each already cut
    /// to `longestDiffLine`.
    var diff: [String]
    /// What to run for the whole diff, named when lines are left out.
    var fullDiffCommand: String?

    /// Longer diff lines (a paragraph on one line) are cut, so that one long
    /// line does not push out every line after it.
    static let longestDiffLine = 300
    /// Titles longer than this are cut in every format: no service shows more
    /// in a title, and Discord refuses an embed whose title is longer than 256.
    static let longestSubject = 250

    init(_ event: ChangeEvent, excerpt: String?) {
        kind = event.kind
        let site = event.site
        let item = event.postType.map(ChangeEvent.singular) ?? "post"
        headline = switch event.kind {
        case .new: "New \(item) on \(site)"
        case .revised: "Revised on \(site)"
        case .silentEdit: "Silent edit on \(site)"
        case .touched: "Date changed on \(site)"
        case .deleted: "Deleted from \(site)"
        case .unpublished: "Unpublished on \(site)"
        case .restored: "Back on \(site)"
        case .baseline: "Now watching \(site)"
        case .siteFailing: "\(site) is failing"
        case .siteRecovered: "\(site) recovered"
        }
        subject = Self.cut(ChangeEvent.singleLine(event.title ?? (event.postID == nil ? site : "(no title)")),
                           to: Self.longestSubject)
        link = event.postURL ?? event.siteURL
        prominent = event.kind == .silentEdit
            ? "The content changed but WordPress's modified date did not: an edit nobody was told of." : nil
        var facts: [String] = []
        switch event.kind {
        case .touched: facts.append("The modified date changed; the content did not.")
        case .deleted: facts.append("The \(item) is gone from the site.")
        case .unpublished: facts.append("The \(item) is no longer public.")
        default: break
        }
        var post: [String] = []
        if let postID = event.postID { post.append("\(item) \(postID)") }
        if let version = event.version { post.append("version \(version)") }
        if let fields = event.changedFields, !fields.isEmpty {
            post.append("changed: " + fields.map(\.rawValue).joined(separator: ", "))
        }
        if !post.isEmpty { facts.append(post.joined(separator: " · ")) }
        if let modified = event.modifiedGMT { facts.append("modified \(modified) UTC") }
        if let count = event.postCount { facts.append("\(count) \(count == 1 ? "post" : "posts") stored as the baseline") }
        if let error = event.error { facts.append(ChangeEvent.singleLine(error)) }
        self.facts = facts
        diff = excerpt.map(Self.chatLines) ?? []
        fullDiffCommand = event.postID.map { "feedwatch diff \(site) \($0)" }
    }

    /// A picture for the kind, ahead of the headline.
    var emoji: String {
        switch kind {
        case .new: "🆕"
        case .revised: "✏️"
        case .silentEdit: "⚠️"
        case .touched: "📅"
        case .deleted: "🗑️"
        case .unpublished: "🚫"
        case .restored: "♻️"
        case .baseline: "🗂️"
        case .siteFailing: "🚨"
        case .siteRecovered: "✅"
        }
    }

    /// The body with as many diff lines as fit in `limit`, measured by
    /// `size`, and a line saying how many were left out; the facts are never
    /// cut. `render` gets the diff lines to show.
    func fitted<Body>(limit: Int, size: (Body) -> Int, render: ([String]) -> Body) -> Body {
        var shown = diff.count
        while true {
            var lines = Array(diff.prefix(shown))
            if shown < diff.count {
                let left = diff.count - shown
                lines.append("… \(left) more \(left == 1 ? "line" : "lines")" + (fullDiffCommand.map { ": \($0)" } ?? ""))
            }
            let body = render(lines)
            if shown == 0 || size(body) <= limit { return body }
            shown -= 1
        }
    }

    /// The message as plain text: subject, link, facts, then the diff.
    func plainText(diff lines: [String]) -> String {
        var text = ([subject, link] + [prominent].compactMap { $0 } + facts).joined(separator: "\n")
        if !lines.isEmpty { text += "\n\n" + lines.joined(separator: "\n") }
        return text
    }

    /// The excerpt's lines as a chat shows them: a field's pair of headers
    /// (`--- title (version 1)`, `+++ title (version 2)`) becomes `title:`, and
    /// hunk ranges (`@@ -1,3 +1,3 @@`) are left out.
    static func chatLines(_ excerpt: String) -> [String] {
        let lines = excerpt.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var shown: [String] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            index += 1
            if line.hasPrefix("@@ "), line.hasSuffix(" @@") { continue }
            if line.hasPrefix("--- "), line.hasSuffix(")"), let label = line.dropFirst(4).range(of: " (version "),
               index < lines.count, lines[index].hasPrefix("+++ ") {
                shown.append(line.dropFirst(4)[..<label.lowerBound] + ":")
                index += 1
                continue
            }
            shown.append(cut(line, to: longestDiffLine))
        }
        return shown
    }

    /// A line inside a code block, unable to end the block early.
    static func codeLine(_ line: String) -> String {
        line.replacingOccurrences(of: "```", with: "`\u{200B}``")
    }

    static func cut(_ text: String, to length: Int) -> String {
        text.count <= length ? text : text.prefix(length - 1) + "…"
    }
}
