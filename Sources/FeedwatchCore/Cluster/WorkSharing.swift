#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// How daemons sharing one database (PostgreSQL) divide its work. Each site's
/// next due time lives in the database, so politeness holds across them; a
/// daemon syncs a site only while it holds the site's lease, which expires
/// unless renewed (`heartbeat`), so the sites of a daemon that died are taken
/// over by the others within a lease's length.
///
/// The store of a database that only one daemon uses (SQLite) shares nothing:
/// `Store.sharing` is `nil` there, and the scheduler runs every site itself.
public protocol WorkSharing: Sendable {
    /// This daemon's name among those sharing the database (`FEEDWATCH_NODE`).
    var node: String { get }
    /// How long a lease lasts without renewal.
    var lease: Duration { get }

    /// Takes the site's lease if it is due (or `requested`: a `feedwatch poll`
    /// asked for it, which waits only for a sync running elsewhere) and no
    /// other daemon holds it. A site new to the database is created leased.
    func acquire(site: String, url: String, requested: Bool) async throws(StoreError) -> SiteLease
    /// Gives the lease back after a sync, the site next due `nextDue` from now.
    func release(site: String, nextDue: Duration) async throws(StoreError)
    /// Makes the site due within `dueWithin` at the latest, as after a
    /// reload shortened its interval.
    func bringForward(site: String, dueWithin: Duration) async throws(StoreError)
    /// Says that this daemon is alive, and renews every lease it holds. The
    /// first beat makes the daemon known to the others.
    func heartbeat(command: String) async throws(StoreError)
    /// Gives up every lease this daemon holds and marks it stopped, so the
    /// others take over its sites and unreported events at once.
    func leave() async throws(StoreError)
    /// Whether this process still acts as its node, the one process holding
    /// the node's lock (`Store.lockWriter`), which a database restart ends:
    /// `false` if another process took it over meanwhile; `true` where this
    /// process never took it.
    func keepNodeLock() async throws(StoreError) -> Bool
    /// Every daemon that has used the database, by name.
    func nodes() async throws(StoreError) -> [NodeStatus]
}

/// Whether a daemon may sync a site now.
public enum SiteLease: Sendable, Equatable {
    /// It may: the lease is this daemon's until it releases it or stops renewing it.
    case taken
    /// Not now: another daemon syncs it (`leased`), or the site was synced
    /// lately and is next due in `dueIn`.
    case elsewhere(dueIn: Duration, leased: Bool)
}

/// One daemon sharing the database, as the others see it.
public struct NodeStatus: Sendable, Equatable, Encodable {
    public var name: String
    public var host: String
    public var pid: Int32
    public var version: String
    public var startedAt: Date?
    public var heartbeatAt: Date?
    /// When it stopped cleanly; `nil` while it runs, or after it died.
    public var stoppedAt: Date?
    /// Whether it beat within its lease: the others leave its work alone.
    public var alive: Bool
    /// Sites it holds a lease on now.
    public var leases: Int
    /// Sites it synced last.
    public var sites: Int
}
