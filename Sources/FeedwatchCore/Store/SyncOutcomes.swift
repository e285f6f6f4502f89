import Locking

/// Outcomes of syncs waiting to be written together: a quiet sync changes
/// only its site's row, and one transaction for the syncs of a few
/// milliseconds costs each a fraction of one (the commit, the hop to the
/// writer, a WAL frame of the site table). Each sync still waits for its
/// outcome to be committed.
final class SyncOutcomes: Sendable {
    /// How long the first outcome of a batch waits for others.
    static let window = Duration.milliseconds(20)

    enum Outcome: Sendable {
        case success
        case failure(String)
    }

    struct Entry: Sendable {
        var site: SiteRecord
        var outcome: Outcome
        /// When the sync ended, as stored.
        var time: String
        var completion: CheckedContinuation<Result<[PendingEvent], StoreError>, Never>
    }

    private let pending = Locked<[Entry]>([])

    /// Queues `entry`; true when it is the first of a new batch, whose caller
    /// commits the batch after `window`.
    func add(_ entry: Entry) -> Bool {
        pending.withLock { entries in
            entries.append(entry)
            return entries.count == 1
        }
    }

    /// The batch, emptied: outcomes added from now on start the next one.
    func take() -> [Entry] {
        pending.withLock { entries in
            defer { entries = [] }
            return entries
        }
    }
}
