import Logging

/// Writes committed events to the journal in commit order, then marks them
/// reported: the last step of the pipeline, so an event is never reported
/// before its version is stored.
///
/// Every event leaves through `flush()`, one flush at a time, so an event is
/// never written twice by this process, and one the journal refused is retried
/// by the next flush.
public actor EventReporter {
    private let store: Store
    private let journal: JournalWriter
    private let logger: Logger
    private static let batchSize = 500

    public init(store: Store, journal: JournalWriter, logger: Logger) {
        self.store = store
        self.journal = journal
        self.logger = logger
    }

    /// Reports every event in the outbox: those just committed, and those an
    /// earlier run committed but did not get to report.
    public func flush() async throws(StoreError) {
        while true {
            let pending = try await store.unemittedEvents(limit: Self.batchSize)
            var written: [Int64] = []
            for item in pending {
                do {
                    try journal.write(item.event)
                    written.append(item.id)
                } catch {
                    logger.error("\(error); \(pending.count - written.count) events wait in the database for the next try")
                    break
                }
            }
            try await store.markEmitted(written)
            if written.count < Self.batchSize { return }
        }
    }

    /// Flushes when a transaction committed events, the common case after a write.
    public func flush(after committed: [PendingEvent]) async throws(StoreError) {
        if !committed.isEmpty { try await flush() }
    }

    /// `flush()` for callers that carry on whatever happens: a failure is logged.
    public func flushLoggingErrors() async {
        do {
            try await flush()
        } catch {
            logger.error("\(error)")
        }
    }
}
