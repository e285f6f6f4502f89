#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// One pass over one REST collection of a site: list, fetch what changed,
/// store it page by page, report it.
struct CollectionSync {
    /// How far before the high-water mark an incremental sync looks again:
    /// WordPress compares whole seconds, and posts saved in the same second as
    /// the mark may be committed after it was read.
    static let overlap: TimeInterval = 600
    /// A bound on pages, so a server that lies about its page count cannot keep
    /// feedwatch busy forever: 10,000 pages of 100 posts.
    static let maximumPages = 10_000

    /// The collection as configured, which keys its state in the store.
    let type: String
    /// Its REST route (`wp/v2/<restBase>`).
    let restBase: String
    let root: RESTRoot
    let site: SiteRecord
    let wordpress: WordPressClient
    let store: any Store
    let reporter: EventReporter
    let normalizer: ContentNormalizer
    let logger: Logger
    /// Each page's write, under way while the next page is fetched.
    private let writes = PageWrites()

    /// - Parameters:
    ///   - highWater: the collection's high-water mark.
    ///   - validators: those of the last incremental listing, for a conditional request.
    func run(_ pass: SyncPass, highWater: String?, validators: Validators? = nil) async throws(SyncError) {
        do {
            try await runPass(pass, highWater: highWater, validators: validators)
            try await finishWrites()
        } catch {
            await writes.abandon()
            throw error
        }
    }

    private func runPass(_ pass: SyncPass, highWater: String?, validators: Validators?) async throws(SyncError) {
        switch pass {
        case .verify:
            let stored = try await storedStamps()
            let seen = try await listAll(Listing(.everything, includesContent: true)) { page throws(SyncError) in
                // Only a post changed since it was stored has texts worth deflating before the writer.
                try await record(page.posts, highWater: nil) { post in stored[post.id].map { $0.needsFetch(post) } ?? true }
            }
            try await finishWrites()
            try await finishPass(stored: stored, seen: seen, verified: true)
        case .reconcile:
            let stored = try await storedStamps()
            let seen = try await listAll(Listing(.everything, includesContent: false)) { page throws(SyncError) in
                try await fetchChanged(page.posts, stored: stored, highWater: nil)
            }
            try await finishWrites()
            try await finishPass(stored: stored, seen: seen, verified: false)
        case .incremental:
            guard let highWater, let mark = WordPressTime.date(fromGMT: highWater) else {
                return try await run(.reconcile, highWater: nil)
            }
            let since = mark.addingTimeInterval(-Self.overlap)
            let threshold = WordPressTime.gmt(since)
            var warned = false
            let listing = Listing(.modifiedAfter(WordPressTime.queryValue(since)), includesContent: false)
            _ = try await listAll(listing, validators: validators) { page throws(SyncError) in
                if !warned, page.posts.contains(where: { ($0.modifiedGMT ?? "") <= threshold }) {
                    // Correct all the same: the listing is then every post, oldest change first.
                    logger.debug("\(type): the server ignores modified_after (WordPress before 5.7?); every post id is listed")
                    warned = true
                }
                let stored = try await storedStamps(of: page.posts.map(\.id))
                // The mark moves only forward; an unchanged page needs no write.
                let newest = page.posts.compactMap(\.modifiedGMT).max()
                try await fetchChanged(page.posts, stored: stored, highWater: newest.flatMap { $0 > highWater ? $0 : nil })
            }
        }
    }

    /// Lists every page, handing each to `handle`; returns every id and time seen.
    /// With `validators`, the first page is asked for conditionally, and the
    /// validators of its answer are kept once its posts are committed.
    private func listAll(
        _ listing: Listing, validators: Validators? = nil, handle: (PostPage) async throws(SyncError) -> Void
    ) async throws(SyncError) -> [Int: String] {
        var seen: [Int: String] = [:]
        for number in 1...Self.maximumPages {
            let response: WordPressClient.ListResponse
            do {
                response = try await wordpress.listPage(listing, root: root, type: restBase, page: number,
                                                        validators: number == 1 ? validators : nil)
            } catch {
                throw .wordpress(error)
            }
            guard case .page(let page) = response, !page.posts.isEmpty || page.skipped > 0 else { return seen }
            if page.skipped > 0 {
                logger.warning("\(type) page \(number): skipped \(page.skipped) entries without a numeric id")
            }
            for post in page.posts { seen[post.id] = post.modifiedGMT ?? "" }
            try await handle(page)
            if number == 2, !site.baselined {
                try await finishWrites()
                CrashPoint.midBaseline.reach()
            }
            if number == 1, case .modifiedAfter = listing.selection, page.validators != validators {
                do {
                    try await writes.finish()
                    try await store.saveValidators(page.validators, siteID: site.id, type: type)
                } catch {
                    throw .store(error)
                }
            }
            if let total = page.totalPages, number >= total { return seen }
            if page.totalPages == nil && page.posts.count + page.skipped < WordPressClient.pageSize { return seen }
        }
        logger.warning("\(type): stopped after \(Self.maximumPages) pages")
        return seen
    }

    /// Fetches the content of listed posts whose `modified_gmt` or state differs
    /// from the stored one (or that are not stored), or whose stored version was
    /// read in the second it was saved, a page of ids per request.
    private func fetchChanged(_ listed: [WordPressPost], stored: [Int: PostStamp], highWater: String?) async throws(SyncError) {
        let changed = listed.filter { post in stored[post.id].map { $0.needsFetch(post) } ?? true }.map(\.id)
        var fetched: [WordPressPost] = []
        for start in stride(from: 0, to: changed.count, by: WordPressClient.pageSize) {
            let ids = Array(changed[start..<min(start + WordPressClient.pageSize, changed.count)])
            do {
                let response = try await wordpress.listPage(Listing(.ids(ids), includesContent: true),
                                                            root: root, type: restBase, page: 1)
                if case .page(let page) = response { fetched += page.posts }
            } catch {
                throw .wordpress(error)
            }
        }
        try await record(fetched, highWater: highWater)
    }

    /// Normalizes and hashes `posts`, then starts their write (`writes`) once
    /// the page before is committed, and returns: the next page is fetched
    /// while this one is written.
    /// - Parameter isFresh: whether a post is likely new or changed (see `FetchedPost.fingerprinting`).
    private func record(
        _ posts: [WordPressPost], highWater: String?, isFresh: (WordPressPost) -> Bool = { _ in true }
    ) async throws(SyncError) {
        guard !posts.isEmpty || highWater != nil else { return }
        let fetched = await FetchedPost.fingerprinting(posts, normalizer: normalizer, isFresh: isFresh)
        let (store, reporter, type, site) = (store, reporter, type, site)
        do {
            try await writes.start { () async throws(StoreError) in
                try await reporter.flush(after: store.record(fetched, type: type, site: site, highWater: highWater))
            }
        } catch {
            throw .store(error)
        }
    }

    /// Waits until every page handed to `record` is committed and reported.
    private func finishWrites() async throws(SyncError) {
        do {
            try await writes.finish()
        } catch {
            throw .store(error)
        }
    }

    /// Confirms, one direct request each, the stored posts the complete
    /// listing no longer shows, then records the pass.
    /// - Parameters:
    ///   - stored: the stored posts as the pass began; those it did not see are gone.
    ///   - seen: every post the pass listed.
    private func finishPass(stored: [Int: PostStamp], seen: [Int: String], verified: Bool) async throws(SyncError) {
        // A hidden post is never listed to an anonymous client: nothing to confirm.
        let missing = stored.filter { id, stamp in
            seen[id] == nil && stamp.state != .deleted && (stamp.state == .public || wordpress.isAuthenticated)
        }.keys.sorted()
        for start in stride(from: 0, to: missing.count, by: WordPressClient.pageSize) {
            try await confirmGone(Array(missing[start..<min(start + WordPressClient.pageSize, missing.count)]))
        }
        do {
            try await store.recordPass(siteID: site.id, type: type, reconciled: true, verified: verified,
                                       highWater: seen.values.max())
        } catch {
            throw .store(error)
        }
    }

    /// Asks for each post by id and records what the answers show: deleted,
    /// refused (unpublished), or still there after all.
    private func confirmGone(_ ids: [Int]) async throws(SyncError) {
        var present: [WordPressPost] = []
        var deleted: [Int] = []
        var refused: [Int] = []
        for id in ids {
            do {
                switch try await wordpress.fetchPost(id, root: root, type: restBase) {
                case .post(let post): present.append(post)
                case .gone: deleted.append(id)
                case .refused: refused.append(id)
                }
            } catch {
                throw .wordpress(error)
            }
        }
        logger.debug("\(type): of \(ids.count) posts no longer listed, \(deleted.count) are deleted, \(refused.count) refused")
        try await record(present, highWater: nil) { _ in false }
        try await finishWrites()
        do {
            try await reporter.flush(after: store.recordDisappeared(deleted, as: .deleted, type: type, site: site))
            try await reporter.flush(after: store.recordDisappeared(refused, as: .hidden, type: type, site: site))
        } catch {
            throw .store(error)
        }
    }

    /// Stored stamps of these posts, or of every post of the collection.
    private func storedStamps(of ids: [Int]? = nil) async throws(SyncError) -> [Int: PostStamp] {
        do {
            if let ids { return try await store.storedStamps(siteID: site.id, type: type, ids: ids) }
            return try await store.storedStamps(siteID: site.id, type: type)
        } catch {
            throw .store(error)
        }
    }
}
