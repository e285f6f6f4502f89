#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where the sync of one REST collection of one site stands.
public struct CollectionState: Sendable, Equatable {
    /// The collection's REST route when it differs from the configured name
    /// (a type slug such as `book` whose `rest_base` is `books`).
    public var restBase: String?
    /// The newest `modified_gmt` whose post is committed: incremental syncs ask
    /// for what changed after it.
    public var highWaterGMT: String?
    public var lastReconcile: Date?
    /// The last pass that fetched every post's content; `nil` before the first.
    public var lastVerify: Date?
    /// What the server sent to validate the last incremental listing.
    public var validators: Validators?

    public init(
        restBase: String? = nil, highWaterGMT: String? = nil, lastReconcile: Date? = nil, lastVerify: Date? = nil,
        validators: Validators? = nil
    ) {
        self.validators = validators
        self.restBase = restBase
        self.highWaterGMT = highWaterGMT
        self.lastReconcile = lastReconcile
        self.lastVerify = lastVerify
    }
}
