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
    func encode(fields value: QueryParameters.Value?) -> [UInt8] {
        let filter = value.flatMap(FieldFilter.init)
        let key = PostRenderCache.Key(context: view.cacheContext, editor: view.editor != nil,
                                      fields: filter == nil ? nil : value.map(ArgumentSchema.parseList))
        func bytes(_ record: PostRecord) -> [UInt8] {
            record.renderCache.bytes(for: key) {
                let object = view.representation(of: record)
                return PHPJSONEncoder.encode(filter?.apply(to: object) ?? object)
            }
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
