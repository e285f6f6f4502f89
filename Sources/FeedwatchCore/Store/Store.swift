#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where feedwatch keeps sites, the newest state of each post, every version,
/// the outbox of events and the notification queues. Each backend (SQLite,
/// the embedded default: `SQLiteStore`) is only SQL: what a sync's findings
/// mean — which change a post underwent, which events report it — is decided
/// once, by `ChangeRecorder`, inside a backend's write transaction
/// (`writeChanges`).
///
/// Every method either does all it says or, throwing, nothing.
public protocol Store: AnyObject, Sendable {
    /// The database as messages name it: a file's path, or a URL without password.
    var location: String { get }

    /// Why the last failed write failed, until a sync is stored whole (small
    /// writes, such as a site's failure, may succeed on a full disk): the
    /// database's own health, for the status line.
    var writeFailure: StoreError? { get }

    /// How the daemons sharing this database divide the work; `nil` when one
    /// daemon has it to itself (SQLite).
    var sharing: (any WorkSharing)? { get }

    /// From now on, each event committed is queued, in its own transaction,
    /// for those of `channels` that want it (a start, a reload).
    func route(to channels: [NotifyChannel])

    /// Runs `body` in one write transaction, with the events it adds to the
    /// outbox queued for the channels in the same transaction: everything or,
    /// throwing, nothing. A backend may commit several such writes together.
    /// - Parameter completingSync: whether it stores the end of a whole sync,
    ///   which clears `writeFailure`.
    func writeChanges(
        _ operation: String, completingSync: Bool,
        _ body: @escaping @Sendable (any StoreTransaction) throws -> [PendingEvent]
    ) async throws(StoreError) -> [PendingEvent]

    // MARK: Sites and collections

    /// What a sync starts from: the site's record (created on first sight; a
    /// changed URL forgets the discovered REST root) and the state of each of
    /// `types` — in one read when the site is known as configured, a quiet
    /// sync's only read.
    func startSync(name: String, url: String, types: [String]) async throws(StoreError) -> SiteSyncState
    func saveRESTRoot(_ root: String?, siteID: Int64) async throws(StoreError)
    func collectionState(siteID: Int64, type: String) async throws(StoreError) -> CollectionState
    func saveRESTBase(_ restBase: String, siteID: Int64, type: String) async throws(StoreError)
    /// Keeps (or, with `nil`, forgets) the validators of the last incremental listing.
    func saveValidators(_ validators: Validators?, siteID: Int64, type: String) async throws(StoreError)
    /// The stored stamp of every post of a collection, by id.
    func storedStamps(siteID: Int64, type: String) async throws(StoreError) -> [Int: PostStamp]
    /// The stored stamps of some posts of a collection, by id: what an
    /// incremental sync compares one listed page with.
    func storedStamps(siteID: Int64, type: String, ids: [Int]) async throws(StoreError) -> [Int: PostStamp]
    /// Records that a pass listing every post of the collection completed, and
    /// moves the high-water mark to the newest `modified_gmt` it saw.
    func recordPass(siteID: Int64, type: String, reconciled: Bool, verified: Bool, highWater: String?)
        async throws(StoreError)

    // MARK: The outbox

    /// Events committed but not yet written to the journal, oldest first: after a
    /// crash these are what the previous process did not get to report.
    func unemittedEvents(limit: Int) async throws(StoreError) -> [PendingEvent]
    /// Marks an event reported: it leaves the outbox, and stays as history
    /// for `EventQuery.retention`; older reported events are removed.
    func markEmitted(_ pending: PendingEvent) async throws(StoreError)
    /// Recorded events, reported or not, newest first.
    func events(matching query: EventQuery) async throws(StoreError) -> [PendingEvent]
    /// How many events wait for the journal.
    func unemittedCount() async throws(StoreError) -> Int

    // MARK: Notification queues

    /// The channel's oldest undelivered event: a channel gets its events one
    /// at a time, in the order they happened.
    func nextDelivery(for channel: String) async throws(StoreError) -> Delivery?
    /// The delivery is done: it leaves the queue.
    func deliverySucceeded(_ delivery: Delivery) async throws(StoreError)
    /// The attempt failed; the next one is at `retryAt`.
    func deliveryFailed(_ delivery: Delivery, error: String, retryAt: Date) async throws(StoreError)
    /// The event will never reach the channel (refused for good, or too old):
    /// it leaves the queue, and the reason stays as the channel's last error.
    func deliveryAbandoned(_ delivery: Delivery, reason: String) async throws(StoreError)
    /// Forgets what waits for channels no longer configured; returns how many
    /// events each of them had waiting.
    func dropDeliveries(exceptFor channels: [String]) async throws(StoreError) -> [String: Int]
    /// Every configured channel's backlog and last outcome, in the order given.
    func channelStatuses(_ channels: [String]) async throws(StoreError) -> [ChannelStatus]
    /// This database's name in idempotency keys.
    func instanceID() async throws(StoreError) -> String

    // MARK: Poll requests (`feedwatch poll` while the daemon runs)

    func requestPoll(sites: [String], full: Bool) async throws(StoreError) -> Int64
    /// Takes every request not taken yet, oldest first (the daemon).
    func takePollRequests() async throws(StoreError) -> [PollRequest]
    func answerPoll(_ id: Int64, with outcomes: [SiteOutcome]) async throws(StoreError)
    func pollRequestState(_ id: Int64) async throws(StoreError) -> PollRequest.State
    /// Takes back a request the daemon has not taken; `false` if it has.
    func withdrawPollRequest(_ id: Int64) async throws(StoreError) -> Bool
    /// Clears an answered request (its asker has read the answer).
    func forgetPollRequest(_ id: Int64) async throws(StoreError)

    // MARK: Reading the history

    /// Every site the database knows, by name.
    func siteStatuses() async throws(StoreError) -> [SiteStatus]
    /// The post's versions, oldest first; `nil` when the site or post is not stored.
    func history(site: String, postID: Int) async throws(StoreError) -> PostHistory?
    /// Some versions of a post with their texts, in the order asked; a number
    /// not stored is left out.
    func versions(site: String, postID: Int, numbers: [Int]) async throws(StoreError) -> [StoredVersion]

    // MARK: The database itself

    /// The database's one-writer lock (`DatabaseLock`) if no other process
    /// holds it, else `nil`; on a database several daemons share, the lock of
    /// this process's node, which one process at a time may act as.
    /// Throws `DatabaseLockError` or `StoreError`.
    func lockWriter() async throws -> DatabaseLock?
    /// Writes this process down as the database's writer; call with the lock held.
    func recordWriter(command: String) async throws(StoreError)
    /// The last process that took the lock, by its own record.
    func writer() async throws(StoreError) -> DatabaseWriter?
    /// The problems the backend's own check finds in the database, none when it is sound.
    func quickCheck() async throws(StoreError) -> [String]
}

extension Store {
    public var sharing: (any WorkSharing)? { nil }

    /// The site's record, created on first sight; a changed URL forgets the
    /// discovered REST root.
    public func registerSite(name: String, url: String) async throws(StoreError) -> SiteRecord {
        try await startSync(name: name, url: url, types: []).record
    }

    public func unemittedEvents() async throws(StoreError) -> [PendingEvent] {
        try await unemittedEvents(limit: 1000)
    }

    /// `quickCheck()`, as an error when the database is damaged: the daemon's
    /// first step, so it never builds on a broken history.
    public func requireSound() async throws(StoreError) {
        let problems = try await quickCheck()
        guard problems.isEmpty else {
            throw StoreError(path: location, operation: "checking the database", error: StoreDamage(problems: problems))
        }
    }
}

private struct StoreDamage: Error, CustomStringConvertible {
    let problems: [String]
    var description: String {
        let shown = problems.prefix(3).joined(separator: "; ") + (problems.count > 3 ? "; …" : "")
        return "the file is damaged (\(shown)); restore it from a backup, or move it away to start a new history"
    }
}
