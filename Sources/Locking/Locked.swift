#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value that threads share behind a lock.
///
/// `Synchronization.Mutex` would do, but on Linux it locks with a bare futex
/// that ThreadSanitizer does not see as synchronization (Swift 6.3), so every
/// access it guards is reported as a data race and `make test-tsan` could not
/// tell a real race from these. A `pthread_mutex_t` is what TSan intercepts.
/// The API is `Mutex`'s: `withLock` hands the body the state, `inout`.
public final class Locked<State>: @unchecked Sendable {
    /// `@unchecked Sendable`: `state` is only touched while `mutex` is held.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var state: State

    public init(_ state: State) {
        self.state = state
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        precondition(pthread_mutex_init(mutex, nil) == 0, "pthread_mutex_init failed")
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with the state, holding the lock; `body` must not call
    /// `withLock` on the same `Locked` (the lock is not recursive).
    public func withLock<Result, Failure: Error>(
        _ body: (inout State) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&state)
    }
}
