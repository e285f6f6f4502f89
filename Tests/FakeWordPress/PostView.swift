/// How a post controller shows a post: in which context, and to whom (an anonymous client sees
/// `PostRecord.representation`, a signed-in user the `EditorView`).
struct PostView: Sendable {
    /// The `context` argument, as the controller was given it.
    let context: String
    /// The site's settings when the client is signed in, `nil` for an anonymous client.
    let editor: SiteConfig?

    func representation(of record: PostRecord) -> JSONValue {
        guard let editor else { return record.representation(context: context) }
        return EditorView(config: editor).representation(of: record, context: context)
    }

    /// The context as far as it changes the object: only `embed` does for anyone, `edit` for a
    /// signed-in user, and any other value shows the `view` object.
    var cacheContext: String {
        if context == "embed" { return "embed" }
        return editor != nil && context == "edit" ? "edit" : "view"
    }
}
