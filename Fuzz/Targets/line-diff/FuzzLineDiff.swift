@testable import FeedwatchCore

/// Two texts, the input split at its first NUL byte (or in the middle when it
/// has none), diffed line by line with `LineDiff`, with the default bound on
/// edits and with a tiny one that forces the wholesale fallback. The changes
/// must be in order, inside both texts, and turn the old lines into the new.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLineDiff(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    let split = input.firstIndex(of: 0) ?? size / 2
    let old = lines(input[..<split])
    let new = lines(input[min(split + 1, size)...])
    for maxEdits in [LineDiff.defaultMaxEdits, 2] {
        check(LineDiff.changes(old: old, new: new, maxEdits: maxEdits), old: old, new: new)
    }
    _ = UnifiedDiff.make(old: old, new: new, oldLabel: "old", newLabel: "new")
    return 0
}

private func lines(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> [String] {
    bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
}

/// Applies `changes` to `old` and compares the result with `new`, byte for byte.
private func check(_ changes: [LineChange], old: [String], new: [String]) {
    var rebuilt: [String] = []
    var oldPosition = 0
    for change in changes {
        precondition(change.oldCount + change.newCount > 0, "an empty change")
        precondition(change.oldStart >= oldPosition && change.oldEnd <= old.count, "a change out of order or range")
        precondition(change.newStart == rebuilt.count + change.oldStart - oldPosition, "new lines misplaced")
        precondition(change.newEnd <= new.count, "a change past the new text")
        rebuilt += old[oldPosition..<change.oldStart]
        rebuilt += new[change.newStart..<change.newEnd]
        oldPosition = change.oldEnd
    }
    rebuilt += old[oldPosition...]
    precondition(rebuilt.map { Array($0.utf8) } == new.map { Array($0.utf8) }, "the changes do not make the new text")
}
