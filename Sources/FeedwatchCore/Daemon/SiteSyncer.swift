import Logging

/// One sync of one site: find the REST root, run the pass due for each
/// configured collection, record the outcome.
public struct SiteSyncer: Sendable {
    public let site: SiteConfiguration
    let store: any Store
    private let http: HTTPClient
    private let reporter: EventReporter
    private let environment: [String: String]
    /// Without the site's name: a logger with metadata of its own costs every
    /// one of 100,000 waiting syncers a dictionary and a boxed handler.
    private let baseLogger: Logger

    public init(
        site: SiteConfiguration, store: any Store, http: HTTPClient, reporter: EventReporter,
        environment: [String: String] = [:], logger: Logger
    ) {
        self.site = site
        self.store = store
        self.http = http
        self.reporter = reporter
        self.environment = environment
        baseLogger = logger
    }

    private var logger: Logger {
        var logger = baseLogger
        logger[metadataKey: "site"] = "\(site.name)"
        return logger
    }

    /// Syncs the site; a failure is recorded for the site (and reported once it
    /// has failed three times in a row), never thrown.
    /// - Parameter full: verify every collection now, whatever is due.
    @discardableResult
    public func sync(full: Bool = false) async -> SyncResult {
        let tally = EventTally()
        var result = await EventTally.$current.withValue(tally) { await syncRecording(full: full) }
        result.events = tally.all.filter { $0.kind != .touched }
        return result
    }

    private func syncRecording(full: Bool) async -> SyncResult {
        let start: SiteSyncState
        do {
            start = try await store.startSync(name: site.name, url: site.url, types: site.types)
        } catch {
            logger.error("\(error); the sync is tried again at the site's interval")
            return SyncResult(error: error.description, storeFailed: true)
        }
        let record = start.record
        do throws(SyncError) {
            try await syncCollections(of: record, states: start.collections, full: full)
            do {
                try await reporter.flush(after: store.recordSuccess(of: record))
            } catch {
                throw .store(error)
            }
            return SyncResult(error: nil)
        } catch {
            guard !Task.isCancelled else { return SyncResult(error: "cancelled") }
            let message = error.description
            logger.warning("sync failed: \(message)")
            // The database's failure is not the site's: it neither counts toward
            // `site-failing` nor is kept as the site's last error.
            guard !error.isStore else { return SyncResult(error: message, storeFailed: true) }
            do {
                try await reporter.flush(after: store.recordFailure(of: record, error: message))
            } catch {
                // Not even the failure could be stored (a full disk): this entry
                // and the status line are all that tell of it.
                logger.error("\(error); the sync failure is not recorded")
            }
            return SyncResult(error: message, retryAfter: error.retryAfter, storeFailed: error.isStore)
        }
    }

    private func syncCollections(
        of record: SiteRecord, states: [String: CollectionState], full: Bool
    ) async throws(SyncError) {
        // Checked before discovery, so the error is this, not whatever the network says.
        let credentials = try credentials()
        let wordpress = WordPressClient(http: http, timeout: site.timeout, credentials: credentials, caFile: site.caFile)
        var root: RESTRoot
        if let known = record.restRoot {
            root = RESTRoot(known)
        } else {
            root = try await discover(record, with: wordpress)
        }
        for type in site.types {
            let state = states[type] ?? CollectionState()
            let pass = SyncPass.due(for: state, site: site, full: full)
            let restBase = state.restBase ?? type
            func run(restBase: String, root: RESTRoot) async throws(SyncError) {
                try await CollectionSync(
                    type: type, restBase: restBase, root: root, site: record, wordpress: wordpress, store: store,
                    reporter: reporter, normalizer: ContentNormalizer(ignorePatterns: site.ignore), logger: logger
                ).run(pass, highWater: state.highWaterGMT, validators: state.validators)
            }
            do {
                try await run(restBase: restBase, root: root)
            } catch .wordpress(let error) where error.code == "rest_no_route" {
                // Not a route: perhaps a type slug ("page") rather than its rest_base ("pages").
                let resolved = try await resolve(type, root: root, record: record, wordpress: wordpress)
                guard resolved != restBase else { throw .wordpress(error) }
                try await run(restBase: resolved, root: root)
            } catch .wordpress(.status(_, 404, _, _, _)) where record.restRoot != nil {
                // The site moved its API (permalinks changed?): look again, once.
                root = try await discover(record, with: wordpress)
                try await run(restBase: restBase, root: root)
            }
        }
    }

    private func resolve(
        _ type: String, root: RESTRoot, record: SiteRecord, wordpress: WordPressClient
    ) async throws(SyncError) -> String {
        let resolved: String
        do {
            resolved = try await wordpress.restBase(of: type, root: root)
        } catch {
            throw .wordpress(error)
        }
        do {
            try await store.saveRESTBase(resolved, siteID: record.id, type: type)
        } catch {
            throw .store(error)
        }
        return resolved
    }

    /// The application password, read afresh for every sync so a rotated one
    /// is used at once, bound to the site's own origin.
    private func credentials() throws(SyncError) -> SiteCredentials? {
        guard let auth = site.auth else { return nil }
        let path: String
        switch auth.passwordPath(environment: environment) {
        case .success(let found): path = found
        case .failure(let error): throw .wordpress(.credentials(error.description))
        }
        let bytes: [UInt8]
        do {
            bytes = try FileContents.read(path, limit: 4096)
        } catch {
            throw .wordpress(.credentials("\(path): \(error)"))
        }
        let password = String(decoding: bytes, as: UTF8.self).trimmingWhitespace()
        guard !password.isEmpty else { throw .wordpress(.credentials("\(path) is empty")) }
        do {
            return try SiteCredentials(HTTPCredentials(username: auth.username, password: password), siteURL: site.url)
        } catch {
            throw .wordpress(error)
        }
    }

    private func discover(_ record: SiteRecord, with wordpress: WordPressClient) async throws(SyncError) -> RESTRoot {
        let root: RESTRoot
        do {
            root = try await wordpress.discoverRoot(siteURL: site.url, keepsConnection: record.failuresInRow == 0)
        } catch {
            throw .wordpress(error)
        }
        logger.debug("REST API root: \(root.url)")
        if let siteOrigin = Origin(url: site.url), Origin(url: root.url) != siteOrigin {
            // Only a site without an application password gets this far (see SiteCredentials).
            logger.warning("""
                the REST API is on \(Origin.describe(root.url)), not on the site's own \(siteOrigin) \
                (the front page's Link header names \(root.url)); using it, without credentials
                """)
        }
        do {
            try await store.saveRESTRoot(root.url, siteID: record.id)
        } catch {
            throw .store(error)
        }
        return root
    }
}

/// How a sync ended.
public struct SyncResult: Sendable, Equatable {
    /// What went wrong, for the administrator; `nil` on success.
    public var error: String?
    /// How long the server asked feedwatch to wait before the next request.
    public var retryAfter: Duration?
    /// Whether the failure was the database's, not the site's: such a site is
    /// retried at its interval, not backed off (it is not the site's fault).
    public var storeFailed: Bool
    /// The events the sync committed (but `touched`), in order.
    public var events: [ChangeEvent]

    public init(error: String?, retryAfter: Duration? = nil, storeFailed: Bool = false, events: [ChangeEvent] = []) {
        self.error = error
        self.retryAfter = retryAfter
        self.storeFailed = storeFailed
        self.events = events
    }
}

/// Why a sync stopped.
enum SyncError: Error, CustomStringConvertible {
    case wordpress(WordPressError)
    case store(StoreError)

    var retryAfter: Duration? {
        guard case .wordpress(let error) = self else { return nil }
        return error.retryAfter
    }

    var isStore: Bool {
        if case .store = self { return true }
        return false
    }

    var description: String {
        switch self {
        case .wordpress(let error): error.description
        case .store(let error): error.description
        }
    }
}
