extension Store {
    /// The first `lines` lines of the text diff between the version a
    /// revision or silent edit stored and the one before, without the diff's
    /// header; `nil` for other events, which store no new text.
    func diffExcerpt(of event: ChangeEvent, lines: Int) async throws(StoreError) -> String? {
        guard event.kind == .revised || event.kind == .silentEdit, let postID = event.postID, let version = event.version,
              version > 1
        else { return nil }
        let versions = try await versions(site: event.site, postID: postID, numbers: [version - 1, version])
        guard versions.count == 2 else { return nil }
        let excerpt = PostDiff(site: event.site, postID: postID, from: versions[0], to: versions[1]).text
            .split(separator: "\n", omittingEmptySubsequences: false).dropFirst(3).prefix(lines)
        return excerpt.isEmpty ? nil : excerpt.joined(separator: "\n")
    }
}
