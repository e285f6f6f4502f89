#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// Delivers the queued events (see `Store.markEmitted`) to the `notify[]`
/// channels: each channel on a task of its own, its events one at a time in
/// the order they happened, so a slow or dead endpoint holds up nothing but
/// itself, and never polling or the journal.
public struct NotificationDispatcher: Sendable {
    private let channels: [NotifyChannel]
    private let sender: NotificationSender
    private let store: any Store
    private let logger: Logger
    /// The wait after a first failure, doubled for each further one (see `Backoff`).
    private let retryBase: Duration
    /// How often an idle channel looks for new events.
    private let idlePoll: Duration

    public init(channels: [NotifyChannel], sender: NotificationSender, store: any Store, logger: Logger,
                retryBase: Duration = .seconds(10), idlePoll: Duration = .seconds(1)) {
        self.channels = channels
        self.sender = sender
        self.store = store
        self.logger = logger
        self.retryBase = retryBase
        self.idlePoll = idlePoll
    }

    /// Delivers until the task is cancelled. What waits for a channel no
    /// longer configured is dropped first, with a word in the journal.
    public func run() async {
        do {
            let dropped = try await store.dropDeliveries(exceptFor: channels.map(\.name))
            for (name, count) in dropped.sorted(by: { $0.key < $1.key }) {
                logger.warning("""
                    dropped \(count) undelivered \(count == 1 ? "event" : "events") of notify channel \(name), \
                    which is no longer configured
                    """)
            }
        } catch {
            logger.error("\(error)")
        }
        await withTaskGroup(of: Void.self) { group in
            for channel in channels {
                group.addTask { await deliverForever(to: channel) }
            }
        }
    }

    /// Delivers what is due now (`feedwatch poll`): each channel until its
    /// queue is empty or an attempt fails; the retries wait for the daemon or
    /// the next poll.
    public func deliverDue() async {
        await withTaskGroup(of: Void.self) { group in
            for channel in channels {
                group.addTask {
                    let logger = logger(for: channel)
                    do {
                        while let delivery = try await store.nextDelivery(for: channel.name), delivery.nextAttempt <= Date(),
                              try await attempt(delivery, to: channel, logger: logger) {}
                    } catch {
                        logger.error("\(error)")
                    }
                }
            }
        }
    }

    private func logger(for channel: NotifyChannel) -> Logger {
        var logger = logger
        logger[metadataKey: "channel"] = "\(channel.name)"
        return logger
    }

    private func deliverForever(to channel: NotifyChannel) async {
        let logger = logger(for: channel)
        while !Task.isCancelled {
            do {
                guard let delivery = try await store.nextDelivery(for: channel.name) else {
                    try await Task.sleep(for: idlePoll)
                    continue
                }
                let wait = delivery.nextAttempt.timeIntervalSinceNow
                if wait > 0 {
                    try await Task.sleep(for: min(.seconds(wait), idlePoll))
                    continue
                }
                _ = try await attempt(delivery, to: channel, logger: logger)
            } catch is CancellationError {
                return
            } catch {
                logger.error("\(error)")
                try? await Task.sleep(for: idlePoll)
            }
        }
    }

    /// One attempt; `false` when the event stays queued for a retry.
    private func attempt(_ delivery: Delivery, to channel: NotifyChannel, logger: Logger) async throws -> Bool {
        let age = Date().timeIntervalSince(delivery.createdAt)
        if age > Double(channel.maxAge.components.seconds) {
            let attempts = delivery.attempts == 1 ? "1 failed attempt" : "\(delivery.attempts) failed attempts"
            let reason = "gave up \(Self.describe(delivery)) after \(attempts) in \(DurationText.format(channel.maxAge)) (maxAge)"
            logger.error("notify channel \(channel.name) \(reason)")
            try await store.deliveryAbandoned(delivery, reason: reason)
            return true
        }
        let outcome = await sender.send(try await payload(for: delivery), of: delivery.event, to: channel)
        try Task.checkCancellation()
        switch outcome {
        case .delivered:
            if delivery.attempts > 0 {
                let attempts = delivery.attempts == 1 ? "1 failed attempt" : "\(delivery.attempts) failed attempts"
                logger.notice("notify channel \(channel.name) delivered \(Self.describe(delivery)) after \(attempts)")
            }
            try await store.deliverySucceeded(delivery)
            return true
        case .refused(let reason):
            logger.error("notify channel \(channel.name) refused \(Self.describe(delivery)) for good: \(reason)")
            try await store.deliveryAbandoned(delivery, reason: reason)
            return true
        case .retry(let reason, let retryAfter):
            let delay = Backoff.delay(failures: delivery.attempts + 1, interval: retryBase, retryAfter: retryAfter)
            logger.warning("""
                notify channel \(channel.name) could not take \(Self.describe(delivery)) (\(reason)); \
                trying again in \(DurationText.format(delay))
                """)
            try await store.deliveryFailed(delivery, error: reason, retryAt: Date().addingTimeInterval(delay.inSeconds))
            return false
        }
    }

    /// The document for the event: its idempotency key is the database's
    /// instance and the event's outbox id, unique and the same on every retry.
    private func payload(for delivery: Delivery) async throws(StoreError) -> WebhookPayload {
        WebhookPayload(delivery.event, eventID: "\(try await store.instanceID())-\(delivery.eventID)",
                       excerpt: try await store.diffExcerpt(of: delivery.event, lines: Self.excerptLines))
    }

    /// Lines of the text diff a document carries as `excerpt`.
    static let excerptLines = 20

    /// e.g. `the revised event of news post 42`.
    private static func describe(_ delivery: Delivery) -> String {
        let event = delivery.event
        return "the \(event.kind.rawValue) event of \(event.site)" + (event.postID.map { " post \($0)" } ?? "")
    }
}
