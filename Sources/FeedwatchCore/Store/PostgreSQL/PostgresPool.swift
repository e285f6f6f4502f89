import Dispatch
import Locking

/// Connections to one PostgreSQL server, opened as callers need them, at most
/// `capacity`; a caller waits for a free one beyond that. Each connection
/// runs its caller's work on a dispatch queue of its own, since libpq's calls
/// block. A connection found broken (the server restarted, the network broke)
/// is closed, and a new one opened; an idle one is checked before use, so a
/// server restart costs no caller a failure unless it was mid-statement.
/// Connecting again after a failure waits out a backoff (`ConnectBackoff`).
final class PostgresPool: Sendable {
    /// libpq's connection keywords and values, made for each new connection
    /// (a password file is read again, so a rotated password is used).
    private let settings: @Sendable () throws -> [(String, String)]
    let capacity: Int
    private let state = Locked(State())

    private struct State {
        var idle: [PostgresSession] = []
        var opened = 0
        var waiting: [CheckedContinuation<PostgresSession, Never>] = []
        var backoff = ConnectBackoff()
    }

    init(capacity: Int, settings: @escaping @Sendable () throws -> [(String, String)]) {
        self.settings = settings
        self.capacity = max(1, capacity)
    }

    /// Runs `body` with a connection of the pool's, off the cooperative pool.
    func withConnection<T: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) throws -> T
    ) async throws -> T {
        let session = await take()
        defer { give(session) }
        return try await on(session) { connection, _ in try body(connection) }
    }

    /// Runs `body` on `session`'s connection, off the cooperative pool; a
    /// session without a usable one (new, or its connection was lost) opens
    /// one first, and `body` is told so (`opened`).
    func on<T: Sendable>(
        _ session: PostgresSession, _ body: @escaping @Sendable (PostgresConnection, _ opened: Bool) throws -> T
    ) async throws -> T {
        try await withCheckedContinuation { (done: CheckedContinuation<Result<T, any Error>, Never>) in
            session.queue.async {
                done.resume(returning: Result {
                    do {
                        if session.connection?.isUsable == false { session.connection = nil }
                        let opened = session.connection == nil
                        let connection = try session.connection ?? self.connect()
                        session.connection = connection
                        return try body(connection, opened)
                    } catch let error as PostgresError where error.connectionLost {
                        session.connection = nil
                        throw error
                    }
                })
            }
        }.get()
    }

    /// A new connection, unless the last attempt failed too lately.
    private func connect() throws -> PostgresConnection {
        if let refusal = state.withLock({ $0.backoff.refusal(at: .now) }) { throw refusal }
        let settings = try settings()
        do {
            let connection = try PostgresConnection(settings: settings)
            state.withLock { $0.backoff.connected() }
            return connection
        } catch {
            state.withLock { $0.backoff.failed(error, at: .now) }
            throw error
        }
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back
    /// when it throws. A transaction the server aborted for a serialization
    /// failure or a deadlock (`40001`, `40P01`) is run again, up to 3 times.
    func transaction<T: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) throws -> T
    ) async throws -> T {
        try await withConnection { connection in
            var attempt = 1
            while true {
                try connection.execute("BEGIN")
                do {
                    let result = try body(connection)
                    try connection.execute("COMMIT")
                    return result
                } catch {
                    if connection.isOpen { try? connection.execute("ROLLBACK") }
                    guard let failure = error as? PostgresError, failure.isRetriable, attempt < 3 else { throw error }
                    attempt += 1
                }
            }
        }
    }

    /// A session of its own, outside the pool, with `body` run on it first:
    /// what holds a session-level lock for as long as it lives; `nil` when
    /// `body` says it is not worth keeping.
    func dedicatedSession(
        _ body: @escaping @Sendable (PostgresConnection) throws -> Bool
    ) async throws -> PostgresSession? {
        let session = PostgresSession()
        return try await on(session) { connection, _ in try body(connection) } ? session : nil
    }

    private func take() async -> PostgresSession {
        enum Taken { case session(PostgresSession), wait }
        let taken = state.withLock { state -> Taken in
            if let session = state.idle.popLast() { return .session(session) }
            guard state.opened < capacity else { return .wait }
            state.opened += 1
            return .session(PostgresSession())
        }
        if case .session(let session) = taken { return session }
        return await withCheckedContinuation { waiter in
            // Given back meanwhile? Then take it now, else wait for `give`.
            let session = state.withLock { state -> PostgresSession? in
                if let session = state.idle.popLast() { return session }
                state.waiting.append(waiter)
                return nil
            }
            if let session { waiter.resume(returning: session) }
        }
    }

    private func give(_ session: PostgresSession) {
        let waiter = state.withLock { state -> CheckedContinuation<PostgresSession, Never>? in
            guard !state.waiting.isEmpty else {
                state.idle.append(session)
                return nil
            }
            return state.waiting.removeFirst()
        }
        waiter?.resume(returning: session)
    }
}

/// One connection and the queue it is used on, in the pool or kept apart
/// from it (`dedicatedSession`); closed when the value goes.
final class PostgresSession: @unchecked Sendable {
    /// `@unchecked Sendable`: `connection` is only touched on `queue`.
    fileprivate let queue = DispatchQueue(label: "feedwatch.postgresql")
    fileprivate var connection: PostgresConnection?
}

extension PostgresError {
    /// A transaction the server aborted that may succeed run again.
    var isRetriable: Bool { sqlState == "40001" || sqlState == "40P01" }
}
