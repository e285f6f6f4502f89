import ServiceLifecycle

/// A task of the daemon's that runs until the daemon stops (the journal's
/// retries, `feedwatch poll`'s requests, the node's heartbeat), as a
/// ServiceLifecycle `Service`: graceful shutdown cancels it.
struct BackgroundService: Service, CustomStringConvertible {
    let description: String
    let body: @Sendable () async -> Void

    init(_ description: String, _ body: @escaping @Sendable () async -> Void) {
        self.description = description
        self.body = body
    }

    func run() async {
        await cancelWhenGracefulShutdown { await body() }
    }
}
