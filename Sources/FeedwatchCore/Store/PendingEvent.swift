/// An event committed to the database: waiting in the outbox to be written
/// to the journal, or, once written, kept as the record of what changed
/// (`feedwatch changes`, the Atom feed) for `EventQuery.retention`.
public struct PendingEvent: Sendable, Equatable {
    public var id: Int64
    public var event: ChangeEvent
    /// When it was committed (ISO 8601): a delivery's age counts from here.
    public var createdAt: String
}
