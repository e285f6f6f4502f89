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
    private let store: any Store
    public nonisolated let journal: JournalWriter
    private let logger: Logger
    /// The newest flush; each new one waits for it before reading the outbox.
    private var lastFlush: Task<Drained, Never>?
    /// When each change to a post was reported, oldest first, for the status line.
    private var changeTimes: [ContinuousClock.Instant] = []
    /// Set while the journal does not take events: how many wait for it.
    private var waitingForJournal: Int?
    private let pacer: JournalPacer
    /// Rewritten after each flush that reported events.
    private let feed: FeedWriter?
    private static let batchSize = 500

    public init(store: any Store, journal: JournalWriter, pacer: JournalPacer = JournalPacer(), feed: FeedWriter? = nil,
                logger: Logger) {
        self.store = store
        self.journal = journal
        self.pacer = pacer
        self.feed = feed
        self.logger = logger
    }

    /// Reports every event in the outbox: those just committed, and those an
    /// earlier run committed but did not get to report. Events the journal
    /// does not take stay in the outbox, in order, for the next flush.
    public func flush() async throws(StoreError) {
        let previous = lastFlush
        let current = Task { [store, journal, pacer] in
            _ = await previous?.value
            return await Self.drain(store: store, journal: journal, pacer: pacer)
        }
        lastFlush = current
        let drained = await current.value
        changeTimes += drained.changeTimes
        noteJournal(drained)
        if drained.reported > 0 { await feed?.refresh() }
        if let error = drained.storeError { throw error }
    }

    /// How many changes to posts (`EventKind.isChange`) this process reported
    /// within the last `window`.
    public func changesReported(inLast window: Duration) -> Int {
        let cutoff = ContinuousClock.now - window
        changeTimes.removeFirst(changeTimes.firstIndex { $0 >= cutoff } ?? changeTimes.count)
        return changeTimes.count
    }

    /// How many events wait because the journal did not take them, or `nil`
    /// when the last flush wrote everything.
    public var eventsWaitingForJournal: Int? { waitingForJournal }

    /// Flushes when a transaction committed events, the common case after a
    /// write. Nonisolated: a write that committed none (a quiet sync's) does
    /// not hop onto the actor.
    public nonisolated func flush(after committed: [PendingEvent]) async throws(StoreError) {
        guard !committed.isEmpty else { return }
        EventTally.current?.add(committed)
        try await flush()
    }

    /// `flush()` for callers that carry on whatever happens: a failure is logged.
    public func flushLoggingErrors() async {
        do {
            try await flush()
        } catch {
            logger.error("\(error)")
        }
    }

    /// Until the task is cancelled: while events wait for the journal, flushes
    /// again after 1 s, then 2 s, 4 s, … up to `longestWait`; every sync's own
    /// flush tries too. The first flush the journal takes writes the backlog
    /// in order.
    public func retryWhileJournalIsAway(check: Duration = .seconds(1), longestWait: Duration = .seconds(30)) async {
        var wait = check
        while !Task.isCancelled {
            try? await Task.sleep(for: waitingForJournal == nil ? check : wait)
            guard waitingForJournal != nil else {
                wait = check
                continue
            }
            await flushLoggingErrors()
            wait = min(wait * 2, longestWait)
        }
    }

    /// One line when the journal goes away, one when it is back: not one per try.
    private func noteJournal(_ drained: Drained) {
        if let error = drained.journalError {
            let waiting = drained.waiting ?? 0
            if waitingForJournal == nil {
                logger.error("\(error); \(waiting) \(waiting == 1 ? "event waits" : "events wait") in the database until it is back")
            }
            waitingForJournal = waiting
        } else if drained.storeError == nil, let waited = waitingForJournal {
            waitingForJournal = nil
            logger.notice("the systemd journal is back; the \(waited) \(waited == 1 ? "event" : "events") that waited are written")
        }
    }

    /// Writes the outbox to the journal, marking each event reported as soon as
    /// it is written: a crash between the two can repeat at most that one entry
    /// (with the same `FEEDWATCH_EVENT_ID`), never lose one.
    private static func drain(store: any Store, journal: JournalWriter, pacer: JournalPacer) async -> Drained {
        var drained = Drained()
        do {
            while true {
                let pending = try await store.unemittedEvents(limit: batchSize)
                for item in pending {
                    CrashPoint.afterCommit.reach()
                    var event = item.event
                    event.eventID = item.id
                    event.node = store.sharing?.node
                    if let wait = pacer.take() {
                        guard (try? await Task.sleep(for: wait)) != nil else { return drained }
                    }
                    do {
                        try journal.write(event)
                    } catch {
                        drained.journalError = error
                        drained.waiting = try await store.unemittedCount()
                        return drained
                    }
                    if event.kind.isChange { drained.changeTimes.append(.now) }
                    CrashPoint.afterEmit.reach()
                    try await store.markEmitted(item)
                    drained.reported += 1
                }
                if pending.count < batchSize { return drained }
            }
        } catch {
            drained.storeError = error
            return drained
        }
    }

    /// What one flush did.
    private struct Drained: Sendable {
        var storeError: StoreError?
        var journalError: JournalError?
        /// Events in the outbox after the journal refused one.
        var waiting: Int?
        var changeTimes: [ContinuousClock.Instant] = []
        var reported = 0
    }
}
