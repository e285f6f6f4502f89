import Logging

/// Syncs a set of sites once, a bounded number at a time: `feedwatch poll`.
public struct Poller: Sendable {
    private let syncers: [SiteSyncer]
    private let concurrency: Int

    public init(syncers: [SiteSyncer], concurrency: Int = Configuration.defaultConcurrency) {
        self.syncers = syncers
        self.concurrency = max(1, concurrency)
    }

    /// - Parameter full: verify every collection of every site now.
    /// - Returns: the name and error of every site that failed.
    public func pollOnce(full: Bool = false) async -> [(site: String, error: String)] {
        await withTaskGroup(of: (String, String?).self) { group in
            var failures: [(site: String, error: String)] = []
            var next = syncers.makeIterator()
            func collect(_ result: (String, String?)) {
                if let error = result.1 { failures.append((result.0, error)) }
            }
            for _ in 0..<concurrency {
                guard let syncer = next.next() else { break }
                group.addTask { (syncer.site.name, await syncer.sync(full: full).error) }
            }
            while let result = await group.next() {
                collect(result)
                if let syncer = next.next() {
                    group.addTask { (syncer.site.name, await syncer.sync(full: full).error) }
                }
            }
            return failures.sorted { $0.site < $1.site }
        }
    }
}
