import Logging

/// Writes committed events to the journal in commit order, then marks them
/// reported: the last step of the pipeline, so an event is never reported
/// before its version is stored.
///
/// Every event leaves through `flush()`. Flushes run one after another, never
/// interleaved (an actor alone would let a second flush in while the first
/// awaits the database, and both would write the same events), so this process
/// never writes an event twice, and one the journal refused is retried by the
/// next flush.
public actor EventReporter {
    private let store: Store
    public nonisolated let journal: JournalWriter
    private let logger: Logger
    /// The newest flush; each new one waits for it before reading the outbox.
    private var lastFlush: Task<Drained, Never>?
    /// The `notify[]` channels each reported event is queued for.
    private var channels: [NotifyChannel] = []
    /// When each change to a post was reported, oldest first, for the status line.
    private var changeTimes: [ContinuousClock.Instant] = []
    private static let batchSize = 500

    /// - Parameter channels: the `notify[]` channels each reported event is queued for.
    public init(store: Store, journal: JournalWriter, channels: [NotifyChannel] = [], logger: Logger) {
        self.store = store
        self.journal = journal
        self.channels = channels
        self.logger = logger
    }

    /// Reports every event in the outbox: those just committed, and those an
    /// earlier run committed but did not get to report.
    public func flush() async throws(StoreError) {
        let previous = lastFlush
        let current = Task { [store, journal, logger, channels] in
            _ = await previous?.value
            return await Self.drain(store: store, journal: journal, channels: channels, logger: logger)
        }
        lastFlush = current
        let drained = await current.value
        changeTimes += drained.changeTimes
        if let error = drained.error { throw error }
    }

    /// From now on, each event reported is also queued for those of
    /// `channels` that want it (a start, a reload).
    public func deliver(to channels: [NotifyChannel]) {
        self.channels = channels
    }

    /// How many changes to posts (`EventKind.isChange`) this process reported
    /// within the last `window`.
    public func changesReported(inLast window: Duration) -> Int {
        let cutoff = ContinuousClock.now - window
        changeTimes.removeFirst(changeTimes.firstIndex { $0 >= cutoff } ?? changeTimes.count)
        return changeTimes.count
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

    /// Writes the outbox to the journal, marking each event reported as soon as
    /// it is written: a crash between the two can repeat at most that one entry
    /// (with the same `FEEDWATCH_EVENT_ID`), never lose one.
    private static func drain(
        store: Store, journal: JournalWriter, channels: [NotifyChannel], logger: Logger
    ) async -> Drained {
        var drained = Drained()
        do {
            while true {
                let pending = try await store.unemittedEvents(limit: batchSize)
                for (index, item) in pending.enumerated() {
                    CrashPoint.afterCommit.reach()
                    var event = item.event
                    event.eventID = item.id
                    do {
                        try journal.write(event)
                    } catch {
                        logger.error("\(error); \(pending.count - index) events wait in the database for the next try")
                        return drained
                    }
                    if event.kind.isChange { drained.changeTimes.append(.now) }
                    CrashPoint.afterEmit.reach()
                    let wanting = channels.filter { $0.wants(event.kind, site: event.site) }.map(\.name)
                    try await store.markEmitted(item, deliveringTo: wanting)
                }
                if pending.count < batchSize { return drained }
            }
        } catch {
            drained.error = error
            return drained
        }
    }

    /// What one flush did.
    private struct Drained: Sendable {
        var error: StoreError?
        var changeTimes: [ContinuousClock.Instant] = []
    }
}
