#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// Keeps the `feed` file up to date: rewritten from the database's newest
/// events after each batch the reporter wrote to the journal. A file that
/// cannot be written is logged once per reason and tried again next time;
/// nothing else waits for it.
public actor FeedWriter {
    private var configuration: FeedConfiguration?
    private let store: any Store
    private let logger: Logger
    /// Rendered entries by event id: an event never changes, so a rewrite
    /// renders only the events new since the last one.
    private var rendered: [Int64: String] = [:]
    private var refreshing = false
    private var refreshAgain = false
    private var lastProblem: String?

    /// Lines of the diff an entry carries.
    static let excerptLines = 200

    public init(_ configuration: FeedConfiguration?, store: any Store, logger: Logger) {
        self.configuration = configuration
        self.store = store
        self.logger = logger
    }

    /// Takes a reloaded configuration's `feed`.
    public func configure(_ feed: FeedConfiguration?) {
        guard feed != configuration else { return }
        configuration = feed
        rendered = [:]
    }

    /// Rewrites the file. A call while a rewrite runs makes that one run
    /// again once done, and returns: the file then has what both would have.
    public func refresh() async {
        guard configuration != nil else { return }
        if refreshing {
            refreshAgain = true
            return
        }
        refreshing = true
        repeat {
            refreshAgain = false
            await rewrite()
        } while refreshAgain
        refreshing = false
    }

    private func rewrite() async {
        guard let configuration else { return }
        do {
            let events = try await store.events(matching: EventQuery(kinds: configuration.events, limit: configuration.entries))
            let instance = try await store.instanceID()
            var entries: [Int64: String] = [:]
            for event in events {
                if let entry = rendered[event.id] {
                    entries[event.id] = entry
                } else {
                    let excerpt = try await store.diffExcerpt(of: event.event, lines: Self.excerptLines)
                    entries[event.id] = AtomFeed.entry(event, instance: instance, excerpt: excerpt)
                }
            }
            rendered = entries
            let document = AtomFeed.document(instance: instance, updated: events.first?.createdAt ?? Date().ISO8601Format(),
                                             entries: events.compactMap { entries[$0.id] })
            try await OutputFile.replace(configuration.path, with: Array(document.utf8))
            if lastProblem != nil {
                logger.notice("the feed \(configuration.path) is written again")
                lastProblem = nil
            }
        } catch {
            let problem = "feed: \(error)"
            if problem != lastProblem { logger.error("\(problem)") }
            lastProblem = problem
        }
    }
}
