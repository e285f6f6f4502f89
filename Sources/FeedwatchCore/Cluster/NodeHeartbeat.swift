import Logging

/// Keeps a daemon known as alive to the others sharing its database, and its
/// leases renewed: a beat every third of a lease, until the task is
/// cancelled. Beats that fail (the database is away) are logged once, and
/// again when they succeed; meanwhile the leases run out, and the others
/// take over what this daemon had, as they would after its death. Once the
/// database is back, a beat takes the node's lock again, or ends the
/// heartbeat with `NodeTakenError` if another process holds it now.
public struct NodeHeartbeat: Sendable {
    private let sharing: any WorkSharing
    private let command: String
    private let reporter: EventReporter
    private let logger: Logger

    /// - Parameter reporter: flushed after each beat, so that the events a
    ///   dead node committed but did not report are taken over even while
    ///   this one commits none of its own.
    public init(_ sharing: any WorkSharing, command: String, reporter: EventReporter, logger: Logger) {
        self.sharing = sharing
        self.command = command
        self.reporter = reporter
        self.logger = logger
    }

    public func run() async throws(NodeTakenError) {
        var failing = false
        var taken = false
        while !Task.isCancelled {
            do {
                guard try await beat() else {
                    taken = true
                    break
                }
                if failing {
                    logger.notice("node \(sharing.node) reaches the database again; its heartbeat and leases are renewed")
                    failing = false
                }
                await reporter.flushLoggingErrors()
            } catch {
                if !failing {
                    logger.error("""
                        \(error); node \(sharing.node) cannot renew its leases, so the other daemons take over \
                        its sites after \(DurationText.format(sharing.lease))
                        """)
                }
                failing = true
            }
            try? await Task.sleep(for: sharing.lease / 3)
        }
        guard taken else { return }
        let holder = try? await sharing.nodes().first { $0.name == sharing.node }
        throw NodeTakenError(node: sharing.node, holder: holder)
    }

    /// One beat, unless another process acts as this node now (`false`).
    private func beat() async throws(StoreError) -> Bool {
        guard try await sharing.keepNodeLock() else { return false }
        try await sharing.heartbeat(command: command)
        return true
    }
}
