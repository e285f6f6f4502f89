import Glibc
import Locking

/// One listening socket on 127.0.0.1 with its accept thread and one thread per connection,
/// from the moment it starts listening until `stop()`: what `ServerCore` runs for its whole life,
/// and what a server that goes down and comes back (`FakeWebhookReceiver`) starts once per period up.
///
/// `serve` runs on a connection's own thread with the connected socket and the stop latch; it
/// returns when it is done with the connection, which is then closed. It must wait only in
/// `poll()` on the socket together with the latch (`Socket.waitReadable`, `Socket.pause`), so
/// that `stop()` can wake it.
final class LoopbackListener: Sendable {
    private let listener: Int32
    private let latch: StopLatch
    /// Given to every thread of the listener, so a test can find them in `/proc/self/task`.
    private let threadName: String
    private let serve: @Sendable (_ descriptor: Int32, _ latch: StopLatch) -> Void
    private let state = Locked(State())

    private struct State {
        /// Open client sockets by connection number. Each is closed by its own thread only after
        /// leaving this table, so `stop()` never shuts down a descriptor number reused since.
        var sockets: [Int: Int32] = [:]
        /// Connection threads not yet joined, and the numbers of those that have returned.
        var threads: [Int: JoinableThread] = [:]
        var returned: [Int] = []
        var nextConnection = 0
        var acceptThread: JoinableThread?
        var stopped = false
    }

    /// Takes over `descriptor`, a socket already listening (see `Socket.listenOnLoopback`),
    /// and closes it on `stop()`, or at once if starting fails.
    init(listening descriptor: Int32, threadName: String,
         serve: @escaping @Sendable (_ descriptor: Int32, _ latch: StopLatch) -> Void) throws {
        listener = descriptor
        // Linux allows 15 bytes and a NUL.
        self.threadName = String(decoding: threadName.utf8.prefix(15), as: UTF8.self)
        self.serve = serve
        do {
            latch = try StopLatch()
        } catch {
            close(descriptor)
            throw error
        }
        do {
            let thread = try JoinableThread { [self] in acceptLoop() }
            state.withLock { $0.acceptThread = thread }
        } catch {
            close(descriptor)
            throw error
        }
    }

    /// Stops accepting, wakes and joins every thread, closes every socket and then the listening
    /// one, after which connecting is refused. Idempotent.
    func stop() {
        let acceptThread: JoinableThread? = state.withLock { state in
            guard !state.stopped else { return nil }
            state.stopped = true
            // Wakes connection threads blocked in send(); those in poll() also see the latch.
            for descriptor in state.sockets.values { shutdown(descriptor, Int32(SHUT_RDWR)) }
            defer { state.acceptThread = nil }
            return state.acceptThread
        }
        guard let acceptThread else { return }
        latch.signal()
        acceptThread.join()
        // The accept thread is gone, so no connection thread can be added any more.
        let threads = state.withLock { state in
            defer { state.threads = [:] }
            return Array(state.threads.values)
        }
        threads.forEach { $0.join() }
        close(listener)
    }

    private func acceptLoop() {
        nameThisThread()
        while Socket.waitReadable(listener, unless: latch) {
            guard let descriptor = Socket.accept(listener) else {
                // Out of descriptors: back off instead of spinning on a listener that stays readable.
                if errno == EMFILE || errno == ENFILE { usleep(10_000) }
                continue
            }
            startConnection(descriptor)
        }
    }

    private func startConnection(_ descriptor: Int32) {
        joinReturnedThreads()
        let number: Int? = state.withLock { state in
            guard !state.stopped else { return nil }
            defer { state.nextConnection += 1 }
            state.sockets[state.nextConnection] = descriptor
            return state.nextConnection
        }
        guard let number else {
            close(descriptor)
            return
        }
        do {
            let thread = try JoinableThread { [self] in
                nameThisThread()
                serve(descriptor, latch)
                state.withLock { state in
                    state.sockets[number] = nil
                    state.returned.append(number)
                }
                close(descriptor)
            }
            state.withLock { $0.threads[number] = thread }
        } catch {
            state.withLock { _ = $0.sockets.removeValue(forKey: number) }
            close(descriptor)
        }
    }

    /// Glibc's module map exports neither pthread_setname_np() nor prctl(), so through procfs.
    private func nameThisThread() {
        let file = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        guard file >= 0 else { return }
        _ = threadName.withCString { write(file, $0, strlen($0)) }
        close(file)
    }

    /// Joins connection threads that have already returned, so a long test does not pile them up.
    /// Runs on the accept thread, the only one that adds threads, so every returned one is listed.
    private func joinReturnedThreads() {
        let finished: [JoinableThread] = state.withLock { state in
            defer { state.returned = [] }
            return state.returned.compactMap { state.threads.removeValue(forKey: $0) }
        }
        finished.forEach { $0.join() }
    }
}
