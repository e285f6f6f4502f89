/// An event in the outbox, committed to the database and waiting to be
/// written to the journal.
public struct PendingEvent: Sendable, Equatable {
    public var id: Int64
    public var event: ChangeEvent
    /// When it was committed (ISO 8601): a delivery's age counts from here.
    public var createdAt: String
}
