/// The store writes of one pass over a collection, one at a time and in
/// order, each under way while the next page is fetched, decoded and
/// fingerprinted: the single SQLite writer and the other cores work at once.
///
/// Ordering and crash safety are those of writing each page before fetching
/// the next: a write starts only once the one before it is committed, and
/// each carries its own high-water mark in its own transaction, so the mark
/// never passes a post that is not committed. A process killed with a write
/// under way loses that page's transaction whole, and the mark with it: the
/// next sync fetches the page again.
///
/// One owner. The owner calls `finish()` (or `abandon()`,
/// on a failure of its own) before it returns, so that nothing it started is
/// still writing when it is done.
public actor PageWrites {
    private var pending: Task<StoreError?, Never>?

    public init() {}

    /// Waits for the write under way, then starts `write`.
    /// - Throws: the error of the write before, which then is not followed by this one.
    public func start(_ write: @escaping @Sendable () async throws(StoreError) -> Void) async throws(StoreError) {
        try await finish()
        pending = Task {
            do throws(StoreError) {
                try await write()
                return nil
            } catch {
                return error
            }
        }
    }

    /// Waits until the write under way, if any, is done.
    /// - Throws: its error.
    public func finish() async throws(StoreError) {
        guard let pending else { return }
        self.pending = nil
        if let error = await pending.value { throw error }
    }

    /// Waits until the write under way, if any, is done, when the owner fails
    /// for a reason of its own, the one it reports; the write's error, if any,
    /// is the next sync's to meet.
    public func abandon() async {
        guard let pending else { return }
        self.pending = nil
        _ = await pending.value
    }
}
