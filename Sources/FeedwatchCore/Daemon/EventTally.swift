import Locking

/// The events one sync committed, for `feedwatch poll` to print. Bound as a
/// task-local by `SiteSyncer.sync` and filled by `EventReporter`, so the
/// passes in between need not carry it.
final class EventTally: Sendable {
    @TaskLocal static var current: EventTally?

    private let events = Locked<[ChangeEvent]>([])

    func add(_ committed: [PendingEvent]) {
        events.withLock { $0 += committed.map(\.event) }
    }

    var all: [ChangeEvent] { events.withLock { $0 } }
}
