/// Another process acts as this daemon's node: the database restarted, which
/// ended this daemon's hold on the node's name, and a process with the same
/// `database.node` started meanwhile. This daemon stops, so that each change
/// is still reported by one process.
public struct NodeTakenError: Error, Sendable, CustomStringConvertible {
    public let node: String
    /// The process now acting as the node, by its heartbeat, if known.
    public let holder: NodeStatus?

    public var description: String {
        let holder = holder.map { " (pid \($0.pid) on \($0.host))" } ?? ""
        return """
            node \(node): another process\(holder) took over this node's name while the database was away; \
            this daemon stops so that one process acts as node \(node) (give each machine its own database.node)
            """
    }
}
