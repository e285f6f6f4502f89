#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An event waiting for one `notify[]` channel.
public struct Delivery: Sendable, Equatable {
    public var channel: String
    public var eventID: Int64
    public var event: ChangeEvent
    /// When the event was committed.
    public var createdAt: Date
    /// Failed attempts so far.
    public var attempts: Int
    public var nextAttempt: Date
}
