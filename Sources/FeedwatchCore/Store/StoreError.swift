import GRDB

/// A database failure, with what feedwatch was doing and what to check.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let operation: String
    public let reason: String
    /// A few words for the status line, e.g. `disk full`.
    public let summary: String

    public var description: String { "database \(path): \(operation) failed: \(reason)" }

    init(path: String, operation: String, error: any Error) {
        self.path = path
        self.operation = operation
        if let database = error as? DatabaseError {
            reason = Self.explain(database)
            summary = Self.summarize(database)
        } else if let server = error as? PostgresError {
            reason = server.message
            summary = Self.summarize(server)
        } else {
            reason = String(describing: error)
            summary = error is ContentError ? "damaged" : "error"
        }
    }

    private static func summarize(_ error: DatabaseError) -> String {
        switch error.resultCode {
        case .SQLITE_FULL: "disk full"
        case .SQLITE_READONLY: "read-only"
        case .SQLITE_CANTOPEN: "cannot open"
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: "damaged"
        case .SQLITE_BUSY, .SQLITE_LOCKED: "busy"
        case .SQLITE_IOERR: "I/O error"
        default: "error"
        }
    }

    private static func summarize(_ error: PostgresError) -> String {
        if error.connectionLost { return "unreachable" }
        let state = error.sqlState ?? ""
        switch state.prefix(2) {
        case "53": return state == "53100" ? "disk full" : "server out of resources"
        case "57", "08": return "unreachable"
        case "28": return "permission denied"
        case "42" where state == "42501": return "permission denied"
        case "40", "55": return "busy"
        default: return "error"
        }
    }

    private static func explain(_ error: DatabaseError) -> String {
        let message = error.message ?? "\(error.resultCode)"
        switch error.resultCode {
        case .SQLITE_FULL: return "\(message) (the disk is full; free space, feedwatch retries)"
        case .SQLITE_READONLY: return "\(message) (the database or its directory is read-only for this user)"
        case .SQLITE_CANTOPEN: return "\(message) (check that the directory exists and is writable)"
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: return "\(message) (the file is damaged or not a feedwatch database)"
        case .SQLITE_BUSY, .SQLITE_LOCKED: return "\(message) (another process holds the database)"
        default: return message
        }
    }
}
