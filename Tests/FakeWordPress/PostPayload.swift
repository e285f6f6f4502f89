/// Posts a REST handler answers with, left unencoded until the dispatcher knows the `_fields`
/// selection, so that each post's bytes can come from its `PostRenderCache`.
///
/// Encoding a list item by item gives the same bytes as filtering and encoding the whole list:
/// `rest_filter_response_fields()` filters each item on its own, and a JSON array is its items
/// joined by commas.
struct PostPayload: Sendable {
    let records: [PostRecord]
    /// A list response (`[…]`, possibly empty) rather than a single object.
    let isList: Bool
    let view: PostView

    /// The response body, `_fields` (as sent, or `nil`) applied.
    ///
    /// - Parameter plugins: the values of this response's plugin markup, for a site that
    ///   `variesPluginMarkup`; each post's cached bytes then carry slots that are filled in here.
    func encode(fields value: QueryParameters.Value?, plugins: PluginMarkup.Response? = nil) -> [UInt8] {
        let filter = value.flatMap(FieldFilter.init)
        let key = PostRenderCache.Key(context: view.cacheContext, editor: view.editor != nil,
                                      fields: filter == nil ? nil : value.map(ArgumentSchema.parseList),
                                      pluginMarkup: plugins != nil)
        var plugins = plugins
        func bytes(_ record: PostRecord) -> [UInt8] {
            let encoded = record.renderCache.bytes(for: key) {
                var object = view.representation(of: record)
                if let plugins { object = plugins.adding(to: object, record: record) }
                return PHPJSONEncoder.encode(filter?.apply(to: object) ?? object)
            }
            return plugins?.fill(encoded) ?? encoded
        }
        guard isList else { return records.first.map(bytes) ?? PHPJSONEncoder.encode(.array([])) }
        var output: [UInt8] = [UInt8(ascii: "[")]
        for (position, record) in records.enumerated() {
            if position > 0 { output.append(UInt8(ascii: ",")) }
            output += bytes(record)
        }
        output.append(UInt8(ascii: "]"))
        return output
    }
}
