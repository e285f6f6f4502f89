import CCurl
import Foundation
import Locking

/// Drives every transfer of one `HTTPClient` from a single thread with
/// libcurl's multi_socket API and epoll, so no request ever blocks a thread of
/// the cooperative pool, connections are reused across requests, and the cost
/// of a step is that of the sockets ready, not of every transfer under way.
final class CurlMultiLoop: @unchecked Sendable {
    // @unchecked Sendable: `active`, `multi`, `timerDue` and the watching side of
    // `events` are touched only by the loop thread (libcurl calls the socket and
    // timer callbacks from within the loop thread's own calls). Other threads
    // only `events.wake()`, in `wake`, with `inbox` locked and `finished` false.

    private enum Command {
        case add(CurlTransfer)
        case cancel(CurlTransfer)
    }

    private struct Inbox {
        var commands: [Command] = []
        var stopping = false
        var finished = false
        var stopWaiters: [CheckedContinuation<Void, Never>] = []
    }

    /// How long the loop waits when neither a socket, libcurl's timer nor a
    /// command wakes it.
    private static let longestWait: Int32 = 1000
    /// The most connections libcurl's cache holds, those in use included: above
    /// what is ever open at once (at most `SyncConcurrency.maximum` in use, and
    /// the idle ones of the last second or two, `CurlTransfer.idleSeconds`).
    /// libcurl 7.88 counts every connection against this limit, and once the
    /// cache is over it, each finished transfer walks every connection for the
    /// oldest idle one to close: with a limit of 64 and a thousand syncs under
    /// way, that walk took 85% of a core and the daemon fell behind (100,000
    /// sites synced at 170 a second instead of 333, docs/benchmarks.md).
    /// Idle connections are closed by age instead.
    private static let cachedConnections = 10_000
    /// How long the loop rests after libcurl refused `perform` or `poll`, so that a
    /// multi handle that keeps failing does not spin a core.
    private static let restAfterFailure: TimeInterval = 0.1

    private let multi: Curl.Multi
    private let events: EventPoll
    private let inbox = Locked(Inbox())
    private var active: [Curl.Easy: CurlTransfer] = [:]
    private let sessions: TLSSessionCache
    /// When libcurl wants `socketAction(timeoutSocket)` next (its timer callback).
    private var timerDue: ContinuousClock.Instant?

    /// - Parameter tlsOrigins: how many origins keep their TLS session (`TLSSessionCache`).
    init(tlsOrigins: Int) throws(HTTPError) {
        sessions = TLSSessionCache(originLimit: tlsOrigins)
        do {
            events = try EventPoll()
        } catch {
            throw HTTPError(kind: .other, url: "", detail: error.description)
        }
        do throws(CurlError) {
            try Curl.initialize()
            multi = try Curl.multiInit()
        } catch {
            throw HTTPError(error, url: "")
        }
        do throws(CurlError) {
            try Curl.drive(multi, socket: Self.socketCallback, timer: Self.timerCallback,
                           context: Unmanaged.passUnretained(self).toOpaque())
            try Curl.keepConnections(multi, atMost: Self.cachedConnections)
        } catch {
            try? Curl.multiCleanup(multi)
            throw HTTPError(error, url: "")
        }
        // The thread keeps `self`, and so the context above, alive until it ends.
        let thread = Thread { [self] in run() }
        thread.name = "feedwatch-http"
        thread.start()
    }

    /// Hands `transfer` to the loop thread; after `shutdown` it fails at once.
    func submit(_ transfer: CurlTransfer) {
        let accepted = inbox.withLock { inbox in
            guard !inbox.stopping else { return false }
            inbox.commands.append(.add(transfer))
            wake(&inbox)
            return true
        }
        if !accepted { transfer.fail(Self.shuttingDown(transfer)) }
    }

    func cancel(_ transfer: CurlTransfer) {
        transfer.cancelled.store(true, ordering: .relaxed)
        inbox.withLock { inbox in
            // Once finished, every transfer has been failed already.
            guard !inbox.finished else { return }
            inbox.commands.append(.cancel(transfer))
            wake(&inbox)
        }
    }

    /// Fails every transfer still under way and waits for the thread to finish.
    func shutdown() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let finished = inbox.withLock { inbox in
                guard !inbox.finished else { return true }
                inbox.stopping = true
                inbox.stopWaiters.append(continuation)
                wake(&inbox)
                return false
            }
            if finished { continuation.resume() }
        }
    }

    /// Ends the loop thread's wait early. Takes the locked inbox, so that the
    /// loop cannot be finishing meanwhile.
    private func wake(_ inbox: inout Inbox) {
        guard !inbox.finished else { return }
        events.wake()
    }

    private func run() {
        while true {
            let (commands, stopping) = inbox.withLock { inbox in
                defer { inbox.commands.removeAll() }
                return (inbox.commands, inbox.stopping)
            }
            commands.forEach(apply)
            if stopping { break }
            do throws(CurlError) {
                for ready in try waitForEvents() {
                    let flags = (ready.readable ? CURL_CSELECT_IN : 0) | (ready.writable ? CURL_CSELECT_OUT : 0)
                        | (ready.failed ? CURL_CSELECT_ERR : 0)
                    try Curl.socketAction(multi, ready.socket, events: Int32(flags))
                }
                if let due = timerDue, due <= .now {
                    timerDue = nil
                    try Curl.socketAction(multi, Curl.timeoutSocket, events: 0)
                }
                collectFinished()
            } catch {
                // libcurl refused the multi handle itself (out of memory, say): what it
                // finished stands, the rest cannot be trusted to go on. Their callers
                // see why, and the scheduler retries them later.
                collectFinished()
                failAll { transfer in HTTPError(error, url: transfer.request.url) }
                Thread.sleep(forTimeInterval: Self.restAfterFailure)
            }
        }
        failAll(Self.shuttingDown)
        let waiters = inbox.withLock { inbox in
            inbox.finished = true
            do {
                try Curl.multiCleanup(multi)
            } catch {
                // Only a bad handle or a call from a callback is refused: a bug here.
                assertionFailure("\(error)")
            }
            return inbox.stopWaiters
        }
        waiters.forEach { $0.resume() }
    }

    /// The sockets ready, after waiting no longer than libcurl's timer allows.
    private func waitForEvents() throws(CurlError) -> [EventPoll.Readiness] {
        var wait = Self.longestWait
        if let due = timerDue {
            let left = (due - .now).components
            let milliseconds = left.seconds * 1000 + left.attoseconds / 1_000_000_000_000_000
            wait = Int32(clamping: max(0, min(Int64(wait), milliseconds + (left.attoseconds > 0 ? 1 : 0))))
        }
        do {
            return try events.wait(milliseconds: wait)
        } catch {
            // Only a bad descriptor or a fault: as bad as libcurl refusing the multi handle.
            throw CurlError(call: error.description, code: .multi(CURLM_INTERNAL_ERROR))
        }
    }

    /// libcurl's socket callback: watch `socket` for what `what` says, or no longer.
    private static let socketCallback: curl_socket_callback = { _, socket, what, context, watched in
        guard let context else { return -1 }
        let loop = Unmanaged<CurlMultiLoop>.fromOpaque(context).takeUnretainedValue()
        return loop.watch(socket, what: what, isNew: watched == nil) ? 0 : -1
    }

    /// libcurl's timer callback: `socketAction(timeoutSocket)` is due in
    /// `milliseconds` (0: at once; -1: no longer).
    private static let timerCallback: curl_multi_timer_callback = { _, milliseconds, context in
        guard let context else { return -1 }
        let loop = Unmanaged<CurlMultiLoop>.fromOpaque(context).takeUnretainedValue()
        loop.timerDue = milliseconds < 0 ? nil : .now + .milliseconds(milliseconds)
        return 0
    }

    /// Returns false, which fails the transfers of `socket`, when epoll refuses it.
    private func watch(_ socket: curl_socket_t, what: Int32, isNew: Bool) -> Bool {
        if what == CURL_POLL_REMOVE {
            events.unwatch(socket)
            return true
        }
        do {
            try events.watch(socket, reading: what & CURL_POLL_IN != 0, writing: what & CURL_POLL_OUT != 0, isNew: isNew)
            // Any non-nil marker: the callback's `watched` says the socket is in the set.
            if isNew { try Curl.assign(multi, socket, UnsafeMutableRawPointer(bitPattern: 1)) }
            return true
        } catch {
            return false
        }
    }

    private func apply(_ command: Command) {
        switch command {
        case .add(let transfer):
            guard !transfer.cancelled.load(ordering: .relaxed) else {
                transfer.fail(Self.cancellation(transfer))
                return
            }
            do throws(CurlError) {
                try sessions.attach(transfer)
                do {
                    try Curl.add(transfer.handle, to: multi)
                } catch {
                    sessions.detach(transfer)
                    throw error
                }
                active[transfer.handle] = transfer
            } catch {
                // Not under way, so not in `active`: its caller hears at once.
                transfer.fail(HTTPError(error, url: transfer.request.url))
            }
        case .cancel(let transfer):
            guard active[transfer.handle] != nil else { return }
            remove(transfer)
            transfer.fail(Self.cancellation(transfer))
        }
    }

    private func collectFinished() {
        while let (handle, result) = Curl.nextFinished(multi) {
            guard let transfer = active[handle] else { continue }
            remove(transfer)
            transfer.finish(result)
        }
    }

    private func failAll(_ error: (CurlTransfer) -> HTTPError) {
        for transfer in active.values {
            remove(transfer)
            transfer.fail(error(transfer))
        }
    }

    private func remove(_ transfer: CurlTransfer) {
        active[transfer.handle] = nil
        do {
            try Curl.remove(transfer.handle, from: multi)
        } catch {
            // Only a handle not in `multi` or a call from a callback is refused: a bug
            // here. The transfer's result stands; curl_easy_cleanup detaches it anyway.
            assertionFailure("\(error)")
        }
        sessions.detach(transfer)
    }

    private static func shuttingDown(_ transfer: CurlTransfer) -> HTTPError {
        HTTPError(kind: .cancelled, url: transfer.request.url, detail: "feedwatch is shutting down")
    }

    private static func cancellation(_ transfer: CurlTransfer) -> HTTPError {
        HTTPError(kind: .cancelled, url: transfer.request.url, detail: "the request was cancelled")
    }
}
