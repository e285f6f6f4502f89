import ServiceLifecycle

/// A task of the daemon's that runs until the daemon stops (the journal's
/// retries, `feedwatch poll`'s requests, the node's heartbeat), as a
/// ServiceLifecycle `Service`: graceful shutdown cancels it. One that throws
/// shuts the daemon down.
struct BackgroundService: Service, CustomStringConvertible {
    let description: String
    let body: @Sendable () async throws -> Void

    init(_ description: String, _ body: @escaping @Sendable () async throws -> Void) {
        self.description = description
        self.body = body
    }

    func run() async throws {
        try await cancelWhenGracefulShutdown { try await body() }
    }
}
