import Locking

/// A request to sync some sites now, made to a running scheduler (by
/// `feedwatch poll` while the daemon holds the database): each site is synced
/// by the scheduler itself, in turn with its regular syncs, never two at once.
public struct SyncRequest: Sendable {
    /// Site names; empty for every site the scheduler runs.
    public var sites: [String]
    public var full: Bool
    let reply: Reply

    /// The answer, given once: by the scheduler, or by the asker when it
    /// gives up; whichever comes first wins, and whether it comes before or
    /// after the asker waits.
    final class Reply: Sendable {
        private enum State {
            case pending
            case waiting(CheckedContinuation<[SiteOutcome], Never>)
            case answered([SiteOutcome])
            case done
        }

        private let state = Locked(State.pending)

        func wait() async -> [SiteOutcome] {
            await withCheckedContinuation { continuation in
                let early = state.withLock { state -> [SiteOutcome]? in
                    guard case .answered(let outcomes) = state else {
                        state = .waiting(continuation)
                        return nil
                    }
                    state = .done
                    return outcomes
                }
                if let early { continuation.resume(returning: early) }
            }
        }

        func answer(_ outcomes: [SiteOutcome]) {
            let waiting = state.withLock { state -> CheckedContinuation<[SiteOutcome], Never>? in
                switch state {
                case .pending:
                    state = .answered(outcomes)
                    return nil
                case .waiting(let continuation):
                    state = .done
                    return continuation
                case .answered, .done:
                    return nil
                }
            }
            waiting?.resume(returning: outcomes)
        }
    }

    /// Hands a request to `requests` and waits for its answer; cancelled, it
    /// answers itself that feedwatch is stopping.
    public static func ask(
        _ requests: AsyncStream<SyncRequest>.Continuation, sites: [String], full: Bool
    ) async -> [SiteOutcome] {
        let reply = Reply()
        return await withTaskCancellationHandler {
            requests.yield(SyncRequest(sites: sites, full: full, reply: reply))
            return await reply.wait()
        } onCancel: {
            reply.answer(sites.map { SiteOutcome(site: $0, error: "feedwatch is stopping") })
        }
    }
}

/// What a requested sync of one site found.
public struct SiteOutcome: Sendable, Codable, Equatable {
    public var site: String
    /// Why it failed; `nil` when it succeeded.
    public var error: String?
    /// The `MESSAGE` of each event it reported.
    public var events: [String]

    public init(site: String, error: String?, events: [String] = []) {
        self.site = site
        self.error = error
        self.events = events
    }

    init(site: String, _ result: SyncResult) {
        self.init(site: site, error: result.error, events: result.events.map(\.message))
    }
}
