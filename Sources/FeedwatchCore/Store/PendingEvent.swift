/// An event in the outbox, committed to the database and waiting to be
/// written to the journal.
public struct PendingEvent: Sendable, Equatable {
    public var id: Int64
    public var event: ChangeEvent
}
