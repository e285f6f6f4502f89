#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// How much of a collection one sync looks at (SPEC §5).
public enum SyncPass: Sendable, Equatable {
    /// Only ids and times of posts modified since the high-water mark, then the
    /// content of those that changed: the cheap steady-state sync.
    case incremental
    /// Every id and time, to find posts the incremental sync missed (and those gone).
    case reconcile
    /// Every post's content, to find silent edits; includes a reconcile.
    case verify

    /// The pass due for a collection: `verify` first of all and then at its
    /// cadence, `reconcile` at its cadence, else `incremental`. Each site's
    /// cadences are stretched by up to ±10%, fixed per site, so sites added
    /// together do not all run their heavy passes in the same minute.
    static func due(
        for state: CollectionState, site: SiteConfiguration, full: Bool, now: Date = Date()
    ) -> SyncPass {
        guard !full, let lastVerify = state.lastVerify else { return .verify }
        let spread = 0.9 + 0.2 * Double(fnv1a(site.name) % 1000) / 1000
        if now.timeIntervalSince(lastVerify) >= site.verify.inSeconds * spread { return .verify }
        guard let lastReconcile = state.lastReconcile,
              now.timeIntervalSince(lastReconcile) < site.reconcile.inSeconds * spread,
              state.highWaterGMT != nil
        else { return .reconcile }
        return .incremental
    }

    /// A hash that, unlike `hashValue`, is the same in every process.
    static func fnv1a(_ text: String) -> UInt64 {
        text.utf8.reduce(14_695_981_039_346_656_037) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
    }
}
