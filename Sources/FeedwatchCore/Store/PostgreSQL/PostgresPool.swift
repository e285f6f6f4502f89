import Dispatch
import Locking

/// Connections to one PostgreSQL server, opened as callers need them, at most
/// `capacity`; a caller waits for a free one beyond that. Each connection
/// runs its caller's work on a dispatch queue of its own, since libpq's calls
/// block. A connection found broken (the server restarted, the network broke)
/// is closed, and the next caller opens a new one.
final class PostgresPool: Sendable {
    /// libpq's connection keywords and values, made for each new connection
    /// (a password file is read again, so a rotated password is used).
    private let settings: @Sendable () throws -> [(String, String)]
    let capacity: Int
    private let state = Locked(State())

    private struct State {
        var idle: [Slot] = []
        var opened = 0
        var waiting: [CheckedContinuation<Slot, Never>] = []
    }

    /// One connection and the queue it is used on.
    private final class Slot: @unchecked Sendable {
        /// `@unchecked Sendable`: `connection` is only touched on `queue`.
        let queue = DispatchQueue(label: "feedwatch.postgresql")
        var connection: PostgresConnection?
    }

    init(capacity: Int, settings: @escaping @Sendable () throws -> [(String, String)]) {
        self.settings = settings
        self.capacity = max(1, capacity)
    }

    /// Runs `body` with a connection of the pool's, off the cooperative pool.
    func withConnection<T: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) throws -> T
    ) async throws -> T {
        let slot = await take()
        defer { give(slot) }
        let settings = settings
        return try await withCheckedContinuation { (done: CheckedContinuation<Result<T, any Error>, Never>) in
            slot.queue.async {
                done.resume(returning: Result {
                    do {
                        let connection = try slot.connection ?? PostgresConnection(settings: settings())
                        slot.connection = connection
                        return try body(connection)
                    } catch let error as PostgresError where error.connectionLost {
                        slot.connection = nil
                        throw error
                    }
                })
            }
        }.get()
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

    /// A connection of its own, outside the pool, with `body` run on it
    /// first: what holds a session-level lock for as long as it lives.
    func dedicatedSession(
        _ body: @escaping @Sendable (PostgresConnection) throws -> Bool
    ) async throws -> PostgresSession? {
        let session = PostgresSession()
        let settings = settings
        let kept = try await withCheckedContinuation { (done: CheckedContinuation<Result<Bool, any Error>, Never>) in
            session.queue.async {
                done.resume(returning: Result {
                    let connection = try PostgresConnection(settings: settings())
                    session.connection = connection
                    return try body(connection)
                })
            }
        }.get()
        return kept ? session : nil
    }

    private func take() async -> Slot {
        enum Taken { case slot(Slot), wait }
        let taken = state.withLock { state -> Taken in
            if let slot = state.idle.popLast() { return .slot(slot) }
            guard state.opened < capacity else { return .wait }
            state.opened += 1
            return .slot(Slot())
        }
        if case .slot(let slot) = taken { return slot }
        return await withCheckedContinuation { waiter in
            // Given back meanwhile? Then take it now, else wait for `give`.
            let slot = state.withLock { state -> Slot? in
                if let slot = state.idle.popLast() { return slot }
                state.waiting.append(waiter)
                return nil
            }
            if let slot { waiter.resume(returning: slot) }
        }
    }

    private func give(_ slot: Slot) {
        let waiter = state.withLock { state -> CheckedContinuation<Slot, Never>? in
            guard !state.waiting.isEmpty else {
                state.idle.append(slot)
                return nil
            }
            return state.waiting.removeFirst()
        }
        waiter?.resume(returning: slot)
    }
}

/// A connection kept open apart from the pool, for what lives as long as a
/// session does (an advisory lock); closed when the value goes.
final class PostgresSession: @unchecked Sendable {
    /// `@unchecked Sendable`: `connection` is only touched on `queue`.
    fileprivate let queue = DispatchQueue(label: "feedwatch.postgresql.session")
    fileprivate var connection: PostgresConnection?
}

extension PostgresError {
    /// A transaction the server aborted that may succeed run again.
    var isRetriable: Bool { sqlState == "40001" || sqlState == "40P01" }
}
