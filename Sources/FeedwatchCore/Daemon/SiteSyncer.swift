import Logging

/// One sync of one site: discover the REST root, list every configured
/// collection page by page, store and report what changed.
public struct SiteSyncer: Sendable {
    /// A bound on pages per collection, so a server that lies about its page
    /// count cannot keep feedwatch busy forever: 10,000 pages of 100 posts.
    static let maximumPages = 10_000

    public let site: SiteConfiguration
    private let store: Store
    private let wordpress: WordPressClient
    private let reporter: EventReporter
    private let logger: Logger

    public init(site: SiteConfiguration, store: Store, http: HTTPClient, reporter: EventReporter, logger: Logger) {
        self.site = site
        self.store = store
        self.wordpress = WordPressClient(http: http, timeout: site.timeout)
        self.reporter = reporter
        var logger = logger
        logger[metadataKey: "site"] = "\(site.name)"
        self.logger = logger
    }

    /// Syncs the site; a failure is recorded for the site (and reported once it
    /// has failed three times in a row), never thrown.
    /// - Returns: the error message when the sync failed.
    @discardableResult
    public func sync() async -> String? {
        let record: SiteRecord
        do {
            record = try await store.registerSite(name: site.name, url: site.url)
        } catch {
            logger.error("\(error)")
            return error.description
        }
        do throws(SyncError) {
            try await syncCollections(of: record)
            do {
                try await report(store.recordSuccess(of: record))
            } catch {
                throw .store(error)
            }
            return nil
        } catch {
            guard !Task.isCancelled else { return "cancelled" }
            let message = error.description
            logger.warning("sync failed: \(message)")
            do {
                try await report(store.recordFailure(of: record, error: message))
            } catch {
                logger.error("\(error)")
            }
            return message
        }
    }

    private func syncCollections(of record: SiteRecord) async throws(SyncError) {
        var root: RESTRoot
        if let known = record.restRoot {
            root = RESTRoot(known)
        } else {
            root = try await discover(record)
        }
        let normalizer = ContentNormalizer(ignorePatterns: site.ignore)
        for type in site.types {
            do {
                try await syncCollection(type, root: root, record: record, normalizer: normalizer)
            } catch .wordpress(.status(_, 404, _, _)) where record.restRoot != nil {
                // The site moved its API (permalinks changed?): look again, once.
                root = try await discover(record)
                try await syncCollection(type, root: root, record: record, normalizer: normalizer)
            }
        }
    }

    /// Sends newly committed events on to the journal.
    private func report(_ committed: [PendingEvent]) async throws(StoreError) {
        if !committed.isEmpty { try await reporter.flush() }
    }

    private func discover(_ record: SiteRecord) async throws(SyncError) -> RESTRoot {
        let root: RESTRoot
        do {
            root = try await wordpress.discoverRoot(siteURL: site.url)
        } catch {
            throw .wordpress(error)
        }
        logger.debug("REST API root: \(root.url)")
        do {
            try await store.saveRESTRoot(root.url, siteID: record.id)
        } catch {
            throw .store(error)
        }
        return root
    }

    private func syncCollection(
        _ type: String, root: RESTRoot, record: SiteRecord, normalizer: ContentNormalizer
    ) async throws(SyncError) {
        var page = 1
        while page <= Self.maximumPages {
            let listing: PostPage?
            do {
                listing = try await wordpress.listPage(root: root, type: type, page: page)
            } catch {
                throw .wordpress(error)
            }
            guard let listing, !listing.posts.isEmpty || listing.skipped > 0 else { return }
            if listing.skipped > 0 {
                logger.warning("\(type) page \(page): skipped \(listing.skipped) entries without a numeric id")
            }
            let fetched = listing.posts.map { FetchedPost($0, normalizer: normalizer) }
            do {
                try await report(store.record(fetched, type: type, site: record))
            } catch {
                throw .store(error)
            }
            if let total = listing.totalPages, page >= total { return }
            if listing.totalPages == nil && listing.posts.count + listing.skipped < WordPressClient.pageSize { return }
            page += 1
        }
        logger.warning("\(type): stopped after \(Self.maximumPages) pages")
    }
}

/// Why a sync stopped.
enum SyncError: Error, CustomStringConvertible {
    case wordpress(WordPressError)
    case store(StoreError)

    var description: String {
        switch self {
        case .wordpress(let error): error.description
        case .store(let error): error.description
        }
    }
}
