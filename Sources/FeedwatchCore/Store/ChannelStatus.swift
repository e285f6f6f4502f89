#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One channel's health as the database has it, for `feedwatch status`.
public struct ChannelStatus: Sendable, Equatable, Codable {
    public var name: String
    /// Events waiting for the channel.
    public var backlog: Int
    public var oldestWaiting: Date?
    public var lastSuccess: Date?
    public var lastError: String?
    public var lastErrorAt: Date?

    public init(name: String, backlog: Int = 0, oldestWaiting: Date? = nil, lastSuccess: Date? = nil,
                lastError: String? = nil, lastErrorAt: Date? = nil) {
        self.name = name
        self.backlog = backlog
        self.oldestWaiting = oldestWaiting
        self.lastSuccess = lastSuccess
        self.lastError = lastError
        self.lastErrorAt = lastErrorAt
    }
}
