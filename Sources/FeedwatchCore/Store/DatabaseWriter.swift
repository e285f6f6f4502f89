/// The process that holds a database's lock (`DatabaseLock`), as it wrote
/// itself down on taking it: for messages that name it.
public struct DatabaseWriter: Sendable, Equatable, CustomStringConvertible {
    public var pid: Int32
    /// `run` or `poll`.
    public var command: String

    public var description: String { "feedwatch \(command) (pid \(pid))" }
}
