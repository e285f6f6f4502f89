/// What the server or libpq said went wrong, with the SQLSTATE when the
/// server sent one.
struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// libpq's or the server's message, on one line.
    let message: String
    /// The five-character SQLSTATE (`53100`: disk full), when the server sent one.
    let sqlState: String?
    /// Whether the connection is gone (the server stopped, the network broke):
    /// what failed may succeed on a new connection.
    let connectionLost: Bool

    init(_ message: String, sqlState: String? = nil, connectionLost: Bool = false) {
        self.message = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        self.sqlState = sqlState
        self.connectionLost = connectionLost
    }

    var description: String { message }

    /// A unique row would be written twice (`23505`).
    var isUniqueViolation: Bool { sqlState == "23505" }
}
