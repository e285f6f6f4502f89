import Foundation
import Locking

/// Drives every transfer of one `HTTPClient` from a single thread with
/// `curl_multi`, so no request ever blocks a thread of the cooperative pool and
/// connections are reused across requests.
final class CurlMultiLoop: @unchecked Sendable {
    // @unchecked Sendable: `active` is touched only by the loop thread, and so is
    // `multi`, except for `Curl.wakeup` (which libcurl allows from any thread).
    // Other threads call that only in `wake`, with `inbox` locked and `finished`
    // false; the loop thread sets `finished` and cleans `multi` up under the same
    // lock, so no wakeup can reach a freed multi handle.

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

    /// How long the loop waits in `curl_multi_poll` when nothing wakes it.
    private static let pollTimeout: Int32 = 1000
    /// How long the loop rests after libcurl refused `perform` or `poll`, so that a
    /// multi handle that keeps failing does not spin a core.
    private static let restAfterFailure: TimeInterval = 0.1

    private let multi: Curl.Multi
    private let inbox = Locked(Inbox())
    private var active: [Curl.Easy: CurlTransfer] = [:]

    init() throws(HTTPError) {
        do throws(CurlError) {
            try Curl.initialize()
            multi = try Curl.multiInit()
        } catch {
            throw HTTPError(error, url: "")
        }
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

    /// Ends the loop thread's `poll` early. Takes the locked inbox, so that `multi`
    /// cannot be cleaned up meanwhile.
    private func wake(_ inbox: inout Inbox) {
        guard !inbox.finished else { return }
        do {
            try Curl.wakeup(multi)
        } catch {
            // Nothing is lost: the loop reads the inbox after `pollTimeout` anyway.
        }
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
                try Curl.perform(multi)
                collectFinished()
                try Curl.poll(multi, milliseconds: Self.pollTimeout)
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

    private func apply(_ command: Command) {
        switch command {
        case .add(let transfer):
            guard !transfer.cancelled.load(ordering: .relaxed) else {
                transfer.fail(Self.cancellation(transfer))
                return
            }
            do throws(CurlError) {
                try Curl.add(transfer.handle, to: multi)
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
    }

    private static func shuttingDown(_ transfer: CurlTransfer) -> HTTPError {
        HTTPError(kind: .cancelled, url: transfer.request.url, detail: "feedwatch is shutting down")
    }

    private static func cancellation(_ transfer: CurlTransfer) -> HTTPError {
        HTTPError(kind: .cancelled, url: transfer.request.url, detail: "the request was cancelled")
    }
}
