import Locking

/// An async HTTP client over libcurl: TLS always verified, compressed bodies,
/// bounded redirects, time and size; connections kept alive between requests.
/// GETs for polling, POSTs (or other methods with a body) for webhooks.
public final class HTTPClient: Sendable {
    private let loop: CurlMultiLoop

    /// How many origins keep their TLS session from one poll to the next by
    /// default: at about 12 KB a session, some 100 MB (`TLSSessionCache`).
    public static let defaultTLSOrigins = 8192

    /// - Parameter tlsOrigins: how many origins keep their TLS session; the
    ///   first seen do, the others have a full handshake every time.
    public init(tlsOrigins: Int = defaultTLSOrigins) throws(HTTPError) {
        loop = try CurlMultiLoop(tlsOrigins: tlsOrigins)
    }

    /// Performs one GET: `send(_:)` for requests built with the default method.
    public func get(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        try await send(request)
    }

    /// Performs `request` with its method, headers and body, and returns the
    /// response whatever its status. A plain GET follows redirects; any other
    /// request (a POST, or anything with a body) returns a 3xx as the response.
    /// Timeouts, the response size limit, TLS verification and the User-Agent are
    /// the same for every method. Cancelling the calling task cancels the transfer.
    public func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
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
    let transfer = Locked<CurlTransfer?>(nil)
}
