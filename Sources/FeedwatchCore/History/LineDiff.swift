/// One place where two versions differ: `oldCount` lines of the old version
/// from `oldStart` replaced by `newCount` lines of the new from `newStart`
/// (0-based). Either count may be 0, not both.
struct LineChange: Equatable, Sendable {
    var oldStart: Int
    var oldCount: Int
    var newStart: Int
    var newCount: Int

    var oldEnd: Int { oldStart + oldCount }
    var newEnd: Int { newStart + newCount }
}

/// The changes between two lists of lines, with Myers' O(ND) algorithm
/// ("An O(ND) Difference Algorithm and Its Variations", 1986): a shortest
/// edit script, found greedily diagonal by diagonal and read back from the
/// saved frontiers.
///
/// Lines are equal when their UTF-8 bytes are, as for `diff`: Swift's `==`
/// would call two spellings of "é" equal and hide a real edit.
enum LineDiff {
    /// Above this many insertions plus deletions (after the common start and
    /// end are set aside) the middle is reported as replaced wholesale. The
    /// search costs O((N+M)·D) time and O(D²) memory for the saved frontiers;
    /// this bound keeps both small (≈4 MB) for any input, and a change that
    /// large reads as a rewrite anyway.
    static let defaultMaxEdits = 1_000

    static func changes(old: [String], new: [String], maxEdits: Int = defaultMaxEdits) -> [LineChange] {
        var codes = LineCodes()
        let a = old.map { codes.code(for: $0) }
        let b = new.map { codes.code(for: $0) }
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix,
              a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        let middleOld = Array(a[prefix..<(a.count - suffix)])
        let middleNew = Array(b[prefix..<(b.count - suffix)])
        if middleOld.isEmpty, middleNew.isEmpty { return [] }
        guard let marks = shortestEdit(middleOld, middleNew, maxEdits: maxEdits) else {
            return [LineChange(oldStart: prefix, oldCount: middleOld.count, newStart: prefix, newCount: middleNew.count)]
        }
        return collect(marks, offset: prefix)
    }

    /// Which lines of `a` are deleted and which of `b` inserted, or nil if
    /// that takes more than `maxEdits` edits.
    static func shortestEdit(_ a: [Int32], _ b: [Int32], maxEdits: Int) -> (deleted: [Bool], inserted: [Bool])? {
        let n = a.count, m = b.count
        let limit = min(maxEdits, n + m)
        // frontier[k + limit + 1]: the furthest x reached on diagonal k = x - y,
        // -1 where none; trace[d * d + (k + d)]: the frontier after d edits.
        var frontier = [Int32](repeating: -1, count: 2 * limit + 3)
        var trace: [Int32] = []
        var end: (x: Int, y: Int, d: Int)?
        search: for d in 0...limit {
            for k in stride(from: -d, through: d, by: 2) {
                var x: Int
                if d == 0 {
                    x = 0
                } else if let step = step(k: k, n: n, m: m, above: frontier[k + limit + 2], left: frontier[k + limit]) {
                    x = step.x
                } else {
                    frontier[k + limit + 1] = -1
                    continue
                }
                var y = x - k
                while x < n, y < m, a[x] == b[y] {
                    x += 1
                    y += 1
                }
                frontier[k + limit + 1] = Int32(x)
                if x == n, y == m {
                    end = (x, y, d)
                    break search
                }
            }
            trace.append(contentsOf: frontier[(limit + 1 - d)...(limit + 1 + d)])
        }
        guard let end else { return nil }
        // Walk back from the end, one edit per frontier, marking each edit.
        var deleted = [Bool](repeating: false, count: n)
        var inserted = [Bool](repeating: false, count: m)
        var (x, y) = (end.x, end.y)
        for d in stride(from: end.d, to: 0, by: -1) {
            let k = x - y
            let base = (d - 1) * (d - 1) + (d - 1)
            func previous(_ k: Int) -> Int32 { abs(k) <= d - 1 ? trace[base + k] : -1 }
            guard let step = step(k: k, n: n, m: m, above: previous(k + 1), left: previous(k - 1)) else {
                // Cannot happen: every point on a frontier was reached from the one before.
                assertionFailure("diagonal \(k) after \(d) edits has no predecessor")
                return nil
            }
            if step.down {
                (x, y) = (step.x, step.x - k - 1)
                inserted[y] = true
            } else {
                (x, y) = (step.x - 1, step.x - k)
                deleted[x] = true
            }
        }
        return (deleted, inserted)
    }

    /// The point a path with one more edit reaches first on diagonal `k`:
    /// down from diagonal k+1 (inserting a line of b) or right from k-1
    /// (deleting a line of a), whichever gets further; down on a tie.
    private static func step(k: Int, n: Int, m: Int, above: Int32, left: Int32) -> (x: Int, down: Bool)? {
        let (above, left) = (Int(above), Int(left))
        let down = above >= 0 && above - (k + 1) < m ? above : nil
        let right = left >= 0 && left < n ? left + 1 : nil
        switch (down, right) {
        case let (down?, right?): return down >= right ? (down, true) : (right, false)
        case let (down?, nil): return (down, true)
        case let (nil, right?): return (right, false)
        case (nil, nil): return nil
        }
    }

    /// Runs of marked lines, paired across the versions the way the
    /// unmarked lines between them pair up.
    private static func collect(_ marks: (deleted: [Bool], inserted: [Bool]), offset: Int) -> [LineChange] {
        var changes: [LineChange] = []
        var i = 0, j = 0
        let n = marks.deleted.count, m = marks.inserted.count
        while i < n || j < m {
            if (i < n && marks.deleted[i]) || (j < m && marks.inserted[j]) {
                let (startI, startJ) = (i, j)
                while i < n, marks.deleted[i] { i += 1 }
                while j < m, marks.inserted[j] { j += 1 }
                changes.append(LineChange(oldStart: offset + startI, oldCount: i - startI,
                                          newStart: offset + startJ, newCount: j - startJ))
            }
            i += 1
            j += 1
        }
        return changes
    }
}

/// Small integer codes for lines, equal codes for byte-equal lines, so the
/// search compares integers.
private struct LineCodes {
    private struct Key: Hashable {
        let line: String

        static func == (lhs: Key, rhs: Key) -> Bool {
            let (left, right) = (lhs.line.utf8, rhs.line.utf8)
            guard left.count == right.count else { return false }
            let contiguous = left.withContiguousStorageIfAvailable { left in
                right.withContiguousStorageIfAvailable { left.elementsEqual($0) }
            }
            if case let equal?? = contiguous { return equal }
            return left.elementsEqual(right)
        }

        func hash(into hasher: inout Hasher) {
            let hashed: Void? = line.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
            if hashed == nil {
                Array(line.utf8).withUnsafeBytes { hasher.combine(bytes: $0) }
            }
        }
    }

    private var codes: [Key: Int32] = [:]

    mutating func code(for line: String) -> Int32 {
        let key = Key(line: line)
        if let code = codes[key] { return code }
        let code = Int32(codes.count)
        codes[key] = code
        return code
    }
}
