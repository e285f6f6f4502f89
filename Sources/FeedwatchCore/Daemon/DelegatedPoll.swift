/// `feedwatch poll` when another feedwatch holds the database's lock: the
/// request goes to the database, the daemon syncs and answers, and this
/// process reports nothing itself, so no event is ever written twice. When
/// the lock is let go of before the request is taken (the holder was another
/// `poll`, or the daemon stopped), the poll is this process's own after all.
public struct DelegatedPoll: Sendable {
    public enum Outcome: Sendable {
        /// The daemon synced the sites.
        case answered([SiteOutcome], by: DatabaseWriter?)
        /// Nobody holds the lock any more: it is now this process's.
        case ownPoll(DatabaseLock)
    }

    private let store: any Store
    /// How long the request may wait to be taken.
    private let patience: Duration
    private let interval: Duration

    public init(store: any Store, patience: Duration = .seconds(30), interval: Duration = .milliseconds(100)) {
        self.store = store
        self.patience = patience
        self.interval = interval
    }

    public func run(sites: [String], full: Bool) async throws(DelegatedPollError) -> Outcome {
        do {
            let writer = try await store.writer()
            let id = try await store.requestPoll(sites: sites, full: full)
            let deadline = ContinuousClock.now + patience
            while true {
                switch try await store.pollRequestState(id) {
                case .answered(let outcomes):
                    try await store.forgetPollRequest(id)
                    return .answered(outcomes, by: writer)
                case .gone:
                    throw DelegatedPollError.lost(writer)
                case .taken:
                    // Free again with the request taken: the daemon stopped before answering.
                    if try await store.lockWriter() != nil {
                        throw DelegatedPollError.holderStopped(writer)
                    }
                case .waiting:
                    if let lock = try await store.lockWriter() {
                        if try await store.withdrawPollRequest(id) { return .ownPoll(lock) }
                        throw DelegatedPollError.holderStopped(writer)
                    }
                    if ContinuousClock.now > deadline {
                        _ = try await store.withdrawPollRequest(id)
                        throw DelegatedPollError.notTaken(writer, patience)
                    }
                }
                try? await Task.sleep(for: interval)
            }
        } catch let error as DelegatedPollError {
            throw error
        } catch let error as StoreError {
            throw .store(error)
        } catch let error as DatabaseLockError {
            throw .lock(error)
        } catch {
            throw .store(StoreError(path: store.location, operation: "waiting for the daemon", error: error))
        }
    }
}

/// Why a poll handed to the daemon got no answer.
public enum DelegatedPollError: Error, CustomStringConvertible {
    case store(StoreError)
    case lock(DatabaseLockError)
    case notTaken(DatabaseWriter?, Duration)
    case holderStopped(DatabaseWriter?)
    case lost(DatabaseWriter?)

    public var description: String {
        switch self {
        case .store(let error): error.description
        case .lock(let error): error.description
        case let .notTaken(writer, patience):
            "\(Self.name(writer)) holds the database but did not take the request within \(patience); is it hanging?"
        case .holderStopped(let writer):
            "\(Self.name(writer)) stopped before answering; see journalctl -u feedwatch, then poll again"
        case .lost(let writer):
            "the request to \(Self.name(writer)) vanished from the database; poll again"
        }
    }

    private static func name(_ writer: DatabaseWriter?) -> String {
        writer.map { "the running \($0)" } ?? "the feedwatch process holding the database"
    }
}
