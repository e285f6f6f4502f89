#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The JSON document a webhook receives for one event: what the journal entry
/// says, with snake_case keys, plus the first lines of the text diff.
public struct WebhookPayload: Sendable, Codable, Equatable {
    public var event: String
    /// Stable across retries; also the `Idempotency-Key` header.
    public var eventID: String
    public var site: String
    public var siteURL: String
    public var postType: String?
    public var postID: Int?
    public var url: String?
    public var title: String?
    public var modifiedGMT: String?
    public var previousModifiedGMT: String?
    public var hash: String?
    public var previousHash: String?
    public var changedFields: [String]?
    public var version: Int?
    public var postCount: Int?
    public var error: String?
    /// The first lines of the unified diff of the post's readable text.
    public var excerpt: String?

    private enum CodingKeys: String, CodingKey {
        case event, site, title, hash, version, error, excerpt, url
        case eventID = "event_id", siteURL = "site_url", postType = "post_type", postID = "post_id"
        case modifiedGMT = "modified_gmt", previousModifiedGMT = "previous_modified_gmt", previousHash = "previous_hash"
        case changedFields = "changed_fields", postCount = "post_count"
    }

    public init(_ event: ChangeEvent, eventID: String, excerpt: String? = nil) {
        self.event = event.kind.rawValue
        self.eventID = eventID
        site = event.site
        siteURL = event.siteURL
        postType = event.postType
        postID = event.postID
        url = event.postURL
        title = event.title
        modifiedGMT = event.modifiedGMT
        previousModifiedGMT = event.previousModifiedGMT
        hash = event.hash
        previousHash = event.previousHash
        changedFields = event.changedFields?.map(\.rawValue)
        version = event.version
        postCount = event.postCount
        error = event.error
        self.excerpt = excerpt
    }

    /// The request body: compact JSON, keys sorted, so equal payloads are
    /// equal bytes.
    public func body() -> [UInt8] {
        compactJSON()
    }
}
