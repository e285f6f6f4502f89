/// Two versions of a text as a unified diff, in exactly the format of
/// GNU `diff -u --label OLD --label NEW` on files holding those lines.
///
/// The changes are a shortest edit script (see `LineDiff`). Where several
/// are equally short (repeated lines), the one shown may differ from GNU's
/// choice, never in size from `diff --minimal`'s (plain `diff` trades a few
/// extra edits for speed on such input). Beyond `LineDiff.defaultMaxEdits`
/// insertions and deletions, the part between the common start and end is
/// shown as deleted and inserted wholesale.
public enum UnifiedDiff {
    /// - Parameters:
    ///   - old, new: the lines, without line terminators.
    ///   - context: unchanged lines shown around each change (GNU's `-U`);
    ///     changes at most twice that far apart share a hunk.
    /// - Returns: "" when the lines are equal; otherwise the diff, each line
    ///   ending in "\n".
    public static func make(old: [String], new: [String], oldLabel: String, newLabel: String,
                            context: Int = 3) -> String {
        let changes = LineDiff.changes(old: old, new: new)
        guard !changes.isEmpty else { return "" }
        let context = max(0, context)
        var output = "--- \(oldLabel)\n+++ \(newLabel)\n"
        var first = 0
        while first < changes.count {
            var last = first
            while last + 1 < changes.count, changes[last + 1].oldStart - changes[last].oldEnd <= 2 * context {
                last += 1
            }
            appendHunk(changes[first...last], previousEnd: first > 0 ? changes[first - 1].oldEnd : 0,
                       context: context, old: old, new: new, to: &output)
            first = last + 1
        }
        return output
    }

    /// One `@@` hunk with its changes and up to `context` lines around them.
    /// The unchanged lines before and after a change are the same in both
    /// versions, so the context is counted once, in the old one.
    private static func appendHunk(_ changes: ArraySlice<LineChange>, previousEnd: Int, context: Int,
                                   old: [String], new: [String], to output: inout String) {
        guard let first = changes.first, let last = changes.last else { return }
        let leading = min(context, first.oldStart - previousEnd)
        let trailing = min(context, old.count - last.oldEnd)
        let oldStart = first.oldStart - leading, oldEnd = last.oldEnd + trailing
        let newStart = first.newStart - leading, newEnd = last.newEnd + trailing
        output += "@@ -\(range(oldStart, oldEnd - oldStart)) +\(range(newStart, newEnd - newStart)) @@\n"
        var position = oldStart
        for change in changes {
            for line in old[position..<change.oldStart] { output += " \(line)\n" }
            for line in old[change.oldStart..<change.oldEnd] { output += "-\(line)\n" }
            for line in new[change.newStart..<change.newEnd] { output += "+\(line)\n" }
            position = change.oldEnd
        }
        for line in old[position..<oldEnd] { output += " \(line)\n" }
    }

    /// GNU's range notation: `L,N` from 1-based line L; `L` alone for one
    /// line; for none, `L,0` with L the line before (0 at the top), which is
    /// what `patch` expects.
    private static func range(_ start: Int, _ count: Int) -> String {
        switch count {
        case 0: "\(start),0"
        case 1: "\(start + 1)"
        default: "\(start + 1),\(count)"
        }
    }
}
