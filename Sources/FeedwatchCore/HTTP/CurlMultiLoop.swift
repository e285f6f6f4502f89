import CCurl
import Foundation
import Synchronization

/// Drives every transfer of one `HTTPClient` from a single thread with
/// `curl_multi`, so no request ever blocks a thread of the cooperative pool and
/// connections are reused across requests.
final class CurlMultiLoop: @unchecked Sendable {
    // @unchecked Sendable: `multi` and `active` are touched only by the loop thread;
    // other threads talk to it through `inbox` and `curl_multi_wakeup`, which
    // libcurl documents as thread-safe.

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

    private static let globalInitialization: CURLcode = curl_global_init(feedwatch_curl_global_default())

    private let multi: UnsafeMutableRawPointer
    private let inbox = Mutex(Inbox())
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]

    init() throws(HTTPError) {
        guard Self.globalInitialization == CURLE_OK, let multi = curl_multi_init() else {
            throw HTTPError(kind: .other, url: "", detail: "libcurl could not be initialized")
        }
        self.multi = multi
        let thread = Thread { [self] in run() }
        thread.name = "feedwatch-http"
        thread.start()
    }

    func submit(_ transfer: CurlTransfer) {
        let accepted = inbox.withLock { inbox in
            guard !inbox.stopping else { return false }
            inbox.commands.append(.add(transfer))
            return true
        }
        guard accepted else {
            transfer.fail(HTTPError(kind: .cancelled, url: transfer.request.url, detail: "feedwatch is shutting down"))
            return
        }
        curl_multi_wakeup(multi)
    }

    func cancel(_ transfer: CurlTransfer) {
        transfer.cancelled.store(true, ordering: .relaxed)
        inbox.withLock { $0.commands.append(.cancel(transfer)) }
        curl_multi_wakeup(multi)
    }

    /// Fails every transfer still under way and waits for the thread to finish.
    func shutdown() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let finished = inbox.withLock { inbox in
                if !inbox.finished {
                    inbox.stopping = true
                    inbox.stopWaiters.append(continuation)
                }
                return inbox.finished
            }
            if finished { continuation.resume() } else { curl_multi_wakeup(multi) }
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
            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            collectFinished()
            var ready: Int32 = 0
            curl_multi_poll(multi, nil, 0, 1000, &ready)
        }
        for transfer in active.values {
            remove(transfer)
            transfer.fail(HTTPError(kind: .cancelled, url: transfer.request.url, detail: "feedwatch is shutting down"))
        }
        curl_multi_cleanup(multi)
        let waiters = inbox.withLock { inbox in
            inbox.finished = true
            return inbox.stopWaiters
        }
        waiters.forEach { $0.resume() }
    }

    private func apply(_ command: Command) {
        switch command {
        case .add(let transfer):
            if transfer.cancelled.load(ordering: .relaxed) {
                transfer.fail(Self.cancellation(transfer))
            } else {
                active[transfer.handle] = transfer
                curl_multi_add_handle(multi, transfer.handle)
            }
        case .cancel(let transfer):
            guard active[transfer.handle] != nil else { return }
            remove(transfer)
            transfer.fail(Self.cancellation(transfer))
        }
    }

    private func collectFinished() {
        var queued: Int32 = 0
        while let message = curl_multi_info_read(multi, &queued) {
            guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle,
                  let transfer = active[handle]
            else { continue }
            let code = message.pointee.data.result
            remove(transfer)
            transfer.finish(code)
        }
    }

    private func remove(_ transfer: CurlTransfer) {
        curl_multi_remove_handle(multi, transfer.handle)
        active[transfer.handle] = nil
    }

    private static func cancellation(_ transfer: CurlTransfer) -> HTTPError {
        HTTPError(kind: .cancelled, url: transfer.request.url, detail: "the request was cancelled")
    }
}
