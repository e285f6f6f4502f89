import Logging

/// Writes committed events to the journal, then marks them reported: the last
/// step of the pipeline, so an event is never reported before its version is
/// stored.
public struct EventReporter: Sendable {
    private let store: Store
    private let journal: JournalWriter
    private let logger: Logger

    public init(store: Store, journal: JournalWriter, logger: Logger) {
        self.store = store
        self.journal = journal
        self.logger = logger
    }

    public func report(_ events: [PendingEvent]) async {
        var written: [Int64] = []
        for pending in events {
            do {
                try journal.write(pending.event)
                written.append(pending.id)
            } catch {
                // Left in the outbox: the next flush tries again.
                logger.error("\(error)", metadata: ["site": "\(pending.event.site)"])
                break
            }
        }
        do {
            try await store.markEmitted(written)
        } catch {
            logger.error("\(error)")
        }
    }

    /// Reports what an earlier run committed but did not get to report.
    public func flushOutbox() async throws(StoreError) {
        while true {
            let pending = try await store.unemittedEvents()
            guard !pending.isEmpty else { return }
            await report(pending)
            if try await store.unemittedEvents(limit: 1).first?.id == pending.first?.id { return }
        }
    }
}
