/// A `content` row whose text cannot be read back: SQLite's pages are sound
/// (`PRAGMA quick_check` passes) but the row's value is not one feedwatch wrote.
struct ContentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The row's `content.id`.
    let id: Int64
    let reason: String

    var description: String {
        "content row \(id) is damaged: \(reason); the versions that refer to it cannot be shown (restore the "
            + "database from a backup)"
    }
}
