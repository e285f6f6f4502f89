import GRDB
import Locking

/// Writes handed to the store while its single writer is busy, run together
/// in one transaction once it is free (group commit). Every page of posts
/// stored costs, besides its own rows, the pages of the `content` table's
/// hash index that its texts land in, at random: a transaction of 100 posts
/// rewrites a few hundred of them (8 KiB each) in the WAL and, at the next
/// checkpoint, in the file. Sixteen sites syncing at once, each waiting for
/// the writer, share those pages when their writes share a transaction; and
/// quiet syncs, which write only their site's row, share one commit.
///
/// A batch commits whole or not at all. When it fails, each of its writes is
/// run again on its own, as if it had never been batched, so that only the
/// one that fails fails, with its own error.
final class WriteBatches: Sendable {
    struct Request: Sendable {
        let operation: String
        let body: @Sendable (Database) throws -> [PendingEvent]
        let done: CheckedContinuation<Result<[PendingEvent], StoreError>, Never>
    }

    private struct State {
        var waiting: [Request] = []
        var draining = false
    }

    private let state = Locked(State())

    /// Queues `request`; true when no drain is under way and the caller must start one.
    func add(_ request: Request) -> Bool {
        state.withLock { state in
            state.waiting.append(request)
            if state.draining { return false }
            state.draining = true
            return true
        }
    }

    /// Every request waiting, in order; `nil` when none is, and the drain ends.
    func take() -> [Request]? {
        state.withLock { state in
            guard !state.waiting.isEmpty else {
                state.draining = false
                return nil
            }
            defer { state.waiting.removeAll() }
            return state.waiting
        }
    }
}

extension SQLiteStore {
    /// `write(_:_:)` for the writes of posts and of sync outcomes: run with the others waiting for
    /// the writer in one transaction (see `WriteBatches`).
    func batchedWrite(
        _ operation: String, _ body: @escaping @Sendable (Database) throws -> [PendingEvent]
    ) async throws(StoreError) -> [PendingEvent] {
        let outcome = await withCheckedContinuation { done in
            if batches.add(WriteBatches.Request(operation: operation, body: body, done: done)) {
                Task { await drainBatches() }
            }
        }
        return try outcome.get()
    }

    private func drainBatches() async {
        while let batch = batches.take() {
            if batch.count > 1, let outcomes = try? await write("storing the writes of \(batch.count) syncs", notesFailure: false, { db in
                try batch.map { try $0.body(db) }
            }) {
                for (request, events) in zip(batch, outcomes) { request.done.resume(returning: .success(events)) }
                continue
            }
            for request in batch {
                do throws(StoreError) {
                    request.done.resume(returning: .success(try await write(request.operation, request.body)))
                } catch {
                    request.done.resume(returning: .failure(error))
                }
            }
        }
    }
}
