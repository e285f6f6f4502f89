import HeapModule

/// Site names ordered by the time they are due: a binary heap, so that
/// inserting, popping and removing a site each cost O(log n) however many
/// sites there are (100,000 at a 5-minute interval are 333 pops a second).
///
/// A site's queued time lives in `live`; the heap may also hold entries left
/// behind when a site was removed or moved, which are skipped: none is ever at
/// the top, and they are dropped whenever they outnumber the live ones, so the
/// heap stays under about twice the number of queued sites.
struct DueQueue {
    private struct Entry: Comparable {
        var due: ContinuousClock.Instant
        /// Order of insertion: equal times pop first in, first out, and an entry is
        /// live only while `live` holds its sequence number for its site.
        var sequence: UInt64
        var name: String

        static func < (lhs: Entry, rhs: Entry) -> Bool {
            (lhs.due, lhs.sequence) < (rhs.due, rhs.sequence)
        }

        static func == (lhs: Entry, rhs: Entry) -> Bool {
            lhs.due == rhs.due && lhs.sequence == rhs.sequence
        }
    }

    private var heap = Heap<Entry>()
    private var live: [String: (due: ContinuousClock.Instant, sequence: UInt64)] = [:]
    private var nextSequence: UInt64 = 0

    var count: Int { live.count }

    var nextDue: ContinuousClock.Instant? { heap.min?.due }

    /// Queues `name` at `due`; a site already queued moves to `due`.
    mutating func insert(_ name: String, at due: ContinuousClock.Instant) {
        nextSequence += 1
        live[name] = (due, nextSequence)
        heap.insert(Entry(due: due, sequence: nextSequence, name: name))
        if heap.count > 2 * live.count + 64 { compact() }
        dropStaleMinimum()
    }

    mutating func popDue(at now: ContinuousClock.Instant) -> String? {
        guard let first = heap.min, first.due <= now else { return nil }
        heap.removeMin()
        live[first.name] = nil
        dropStaleMinimum()
        return first.name
    }

    /// Takes a site out of the queue; returns when it was due.
    @discardableResult
    mutating func remove(_ name: String) -> ContinuousClock.Instant? {
        guard let removed = live.removeValue(forKey: name) else { return nil }
        dropStaleMinimum()
        return removed.due
    }

    private func isLive(_ entry: Entry) -> Bool {
        live[entry.name]?.sequence == entry.sequence
    }

    /// Keeps the top of the heap live, so that `nextDue` and `popDue` need not look further.
    private mutating func dropStaleMinimum() {
        while let first = heap.min, !isLive(first) { heap.removeMin() }
    }

    /// Rebuilds the heap from the live entries alone, in O(n).
    private mutating func compact() {
        heap = Heap(live.map { Entry(due: $0.value.due, sequence: $0.value.sequence, name: $0.key) })
    }
}
