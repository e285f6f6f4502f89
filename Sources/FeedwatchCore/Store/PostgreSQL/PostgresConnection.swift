import CPostgreSQL
#if canImport(Glibc)
import Glibc
#endif

/// One connection to the server through libpq, whose calls block: it is used
/// by one thread at a time, its pool's (`PostgresPool`), never on the
/// cooperative pool. Statements with parameters are prepared once per
/// connection and executed by name after that.
final class PostgresConnection {
    private let handle: OpaquePointer
    /// Prepared statements by their SQL: `s1`, `s2`, … on this connection.
    private var prepared: [String: String] = [:]

    /// - Parameter settings: libpq's connection keywords (`dbname` may be a
    ///   `postgresql://` URL, whose parts then fill in the others).
    init(settings: [(String, String)]) throws(PostgresError) {
        let keywords = settings.map { strdup($0.0) } + [nil]
        let values = settings.map { strdup($0.1) } + [nil]
        defer { (keywords + values).forEach { free($0) } }
        let connection = keywords.map { UnsafePointer($0) }.withUnsafeBufferPointer { keywordPointers in
            values.map { UnsafePointer($0) }.withUnsafeBufferPointer { valuePointers in
                PQconnectdbParams(keywordPointers.baseAddress, valuePointers.baseAddress, 1)
            }
        }
        guard let connection else { throw PostgresError("libpq could not allocate a connection", connectionLost: true) }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(connection))
            PQfinish(connection)
            throw PostgresError(message, connectionLost: true)
        }
        // The server's notices (such as "relation … already exists, skipping")
        // are for a person at psql; libpq would print them on stderr, which is
        // the daemon's journal.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        handle = connection
    }

    deinit { PQfinish(handle) }

    /// Whether the server can still be reached on this connection.
    var isOpen: Bool { PQstatus(handle) == CONNECTION_OK }

    /// Whether an idle connection is still worth using: reads what the server
    /// sent meanwhile without waiting, so that a connection the server closed
    /// (it restarted: "terminating connection due to administrator command")
    /// is found closed before a statement is sent on it. The first read takes
    /// the server's last words, the second finds the end of the stream.
    var isUsable: Bool { PQconsumeInput(handle) == 1 && PQconsumeInput(handle) == 1 && isOpen }

    /// Runs one statement, with `$1`, `$2`, … standing for `parameters`.
    func query(_ sql: String, _ parameters: PostgresParameters = []) throws(PostgresError) -> PostgresResult {
        let name = try statement(for: sql, parameterCount: parameters.count)
        let values = parameters.map { $0?.postgresValue }
        // Copies libpq reads during the call: text NUL-terminated, bytes as they are.
        let buffers: [UnsafePointer<CChar>?] = values.map { value in
            switch value {
            case nil:
                return nil
            case .text(let text):
                return UnsafePointer(strdup(text))
            case .bytes(let bytes):
                let buffer = malloc(max(bytes.count, 1))
                bytes.withUnsafeBytes { source in
                    if let base = source.baseAddress { buffer?.copyMemory(from: base, byteCount: bytes.count) }
                }
                return UnsafePointer(buffer?.assumingMemoryBound(to: CChar.self))
            }
        }
        defer { buffers.forEach { free(UnsafeMutableRawPointer(mutating: $0)) } }
        let lengths = values.map { value -> Int32 in
            if case .bytes(let bytes) = value { return Int32(bytes.count) }
            return 0
        }
        let formats = values.map { value -> Int32 in
            if case .bytes = value { return 1 }
            return 0
        }
        let result = PQexecPrepared(handle, name, Int32(parameters.count), buffers, lengths, formats, 0)
        return try check(result)
    }

    /// `query`, for a statement whose rows, if any, are not needed.
    func run(_ sql: String, _ parameters: PostgresParameters = []) throws(PostgresError) {
        _ = try query(sql, parameters)
    }

    /// Runs statements without parameters, one after the other (a migration,
    /// `BEGIN`, `COMMIT`): not prepared.
    func execute(_ script: String) throws(PostgresError) {
        _ = try check(PQexec(handle, script))
    }

    /// The prepared statement's name, preparing it first on this connection.
    private func statement(for sql: String, parameterCount: Int) throws(PostgresError) -> String {
        if let name = prepared[sql] { return name }
        let name = "s\(prepared.count + 1)"
        _ = try check(PQprepare(handle, name, sql, Int32(parameterCount), nil))
        prepared[sql] = name
        return name
    }

    private func check(_ result: OpaquePointer?) throws(PostgresError) -> PostgresResult {
        guard let result else {
            throw PostgresError(String(cString: PQerrorMessage(handle)), connectionLost: !isOpen)
        }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK:
            return PostgresResult(result)
        default:
            let message = PQresultErrorMessage(result).map { String(cString: $0) } ?? "unknown error"
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            PQclear(result)
            throw PostgresError(message, sqlState: state, connectionLost: !isOpen)
        }
    }
}
