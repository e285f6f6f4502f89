import Synchronization

/// An async HTTP client over libcurl: TLS always verified, compressed bodies,
/// bounded redirects, time and size; connections kept alive between requests.
public final class HTTPClient: Sendable {
    private let loop: CurlMultiLoop

    public init() throws(HTTPError) {
        loop = try CurlMultiLoop()
    }

    /// Performs one GET. Cancelling the calling task cancels the transfer.
    public func get(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        let loop = self.loop
        let box = TransferBox()
        let result: Result<HTTPResponse, HTTPError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                do throws(HTTPError) {
                    let transfer = try CurlTransfer(request: request) { continuation.resume(returning: $0) }
                    box.transfer.withLock { $0 = transfer }
                    if Task.isCancelled { transfer.cancelled.store(true, ordering: .relaxed) }
                    loop.submit(transfer)
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        } onCancel: {
            if let transfer = box.transfer.withLock({ $0 }) { loop.cancel(transfer) }
        }
        return try result.get()
    }

    /// Ends every transfer under way and stops the client's thread.
    public func shutdown() async {
        await loop.shutdown()
    }
}

/// Hands the transfer created inside the continuation to the cancellation handler.
private final class TransferBox: Sendable {
    let transfer = Mutex<CurlTransfer?>(nil)
}
