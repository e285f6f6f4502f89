import ServiceLifecycle

/// The notify channels' deliveries as a service: the first dispatcher, then
/// each one a reload makes in place of the one before (a delivery cut short
/// is sent again by its successor), until graceful shutdown. Each runs in a
/// task of its own, so that one can be cancelled and the next started (a
/// cancelled task group would cancel the newcomer too).
struct DeliveryService: Service, CustomStringConvertible {
    let first: NotificationDispatcher
    let next: AsyncStream<NotificationDispatcher>

    var description: String { "DeliveryService" }

    func run() async {
        await cancelWhenGracefulShutdown {
            var current = Task { await first.run() }
            for await dispatcher in next {
                current.cancel()
                await current.value
                current = Task { await dispatcher.run() }
            }
            current.cancel()
            await current.value
        }
    }
}
