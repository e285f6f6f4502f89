/// What `ChangeRecorder` may do inside one of a backend's write transactions
/// (`Store.writeChanges`): read what is stored and write what it decided, in
/// SQL of the backend's own. The calls are synchronous, on the backend's
/// connection, not on the cooperative pool. A backend shared by several
/// daemons locks the post rows it reads here until the transaction ends, so
/// that version numbers are assigned under the row's lock.
public protocol StoreTransaction: AnyObject {
    /// The site's record as committed now.
    func site(named name: String) throws -> SiteRecord?
    /// The stored states of those of `ids` that are stored, by id.
    func storedStates(of ids: [Int], siteID: Int64, type: String) throws -> [Int: StoredPostState]
    func storedState(of key: PostKey) throws -> StoredPostState?
    /// What an event about the post reports of it, as stored.
    func storedHeader(of key: PostKey) throws -> StoredPostHeader?
    /// The texts of one stored version.
    func snapshot(of key: PostKey, version: Int) throws -> PostSnapshot?
    /// How many posts of the site are stored.
    func postCount(siteID: Int64) throws -> Int

    /// Stores version `number` of `post`, and makes it the post's newest state.
    /// - Parameter change: `version.change`: an event kind, or `baseline`.
    func storeVersion(
        _ number: Int, of post: FetchedPost, key: PostKey, change: String, changed: [TrackedField], title: String,
        at now: String
    ) throws
    /// A post whose `modified_gmt` moved while its content did not (`touched`).
    func saveTouch(of key: PostKey, modifiedGMT: String?, recheck: Bool, at now: String) throws
    func saveRecheck(_ recheck: Bool, of key: PostKey) throws
    /// Replaces a post's stored hashes and the normalization they were made with.
    func saveFingerprint(_ fingerprint: PostFingerprint, normalizer: String?, of key: PostKey) throws
    /// Adds the raw texts of `post` to its stored version `version`.
    func addRawTexts(of post: FetchedPost, to key: PostKey, version: Int) throws
    /// A post gone from the site or hidden, with no content to store.
    func saveState(_ state: PostState, of key: PostKey, at now: String) throws
    /// Moves the collection's high-water mark forward, never back.
    func advanceHighWater(to mark: String, siteID: Int64, type: String) throws

    func saveSuccess(siteID: Int64, at now: String) throws
    /// Returns the failures in a row, this one included.
    func saveFailure(siteID: Int64, error: String, at now: String) throws -> Int

    /// Adds an event to the outbox.
    func enqueue(_ event: ChangeEvent, siteID: Int64, at now: String) throws -> PendingEvent
}

/// What an event about a post reports of it, as stored: for the posts a
/// direct request showed gone, which come with no content of their own.
public struct StoredPostHeader: Sendable, Equatable {
    public var version: Int
    public var modifiedGMT: String?
    public var hash: String
    public var title: String
    public var link: String
    public var state: PostState
}
