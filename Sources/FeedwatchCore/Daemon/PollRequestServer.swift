import Logging

/// Serves `feedwatch poll` while this daemon holds the database: takes each
/// request the database holds, has the scheduler sync its sites (in turn with
/// their regular syncs, so no site is ever synced twice at once and every
/// event is reported once, by the daemon), and writes the answer back.
public struct PollRequestServer: Sendable {
    private let store: any Store
    private let scheduler: AsyncStream<SyncRequest>.Continuation
    private let interval: Duration
    private let logger: Logger

    /// - Parameter interval: how often the database is looked at for requests.
    public init(store: any Store, scheduler: AsyncStream<SyncRequest>.Continuation, interval: Duration = .milliseconds(250),
                logger: Logger) {
        self.store = store
        self.scheduler = scheduler
        self.interval = interval
        self.logger = logger
    }

    /// Serves until the task is cancelled.
    public func run() async {
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                do {
                    for request in try await store.takePollRequests() {
                        logger.info("feedwatch poll asks to sync \(request.sites.isEmpty ? "every site" : request.sites.joined(separator: ", "))")
                        group.addTask { await serve(request) }
                    }
                } catch {
                    logger.error("\(error)")
                }
                try? await Task.sleep(for: interval)
            }
            group.cancelAll()
        }
    }

    private func serve(_ request: PollRequest) async {
        let outcomes = await SyncRequest.ask(scheduler, sites: request.sites, full: request.full)
        do {
            try await store.answerPoll(request.id, with: outcomes)
        } catch {
            logger.error("\(error)")
        }
    }
}
