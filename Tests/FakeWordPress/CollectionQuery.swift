import Foundation

/// The arguments of a collection request (`GET /wp/v2/posts`), checked the way WordPress checks
/// them before the controller runs:
///
/// 1. `has_valid_params()` runs the `validate_callback` of `context`, `page`, `per_page` and
///    `search` (in registration order) and reports every failure at once;
/// 2. `sanitize_params()` then walks the query in the order it was sent and validates and
///    sanitizes every other registered argument (`rest_parse_request_arg`), `status` through
///    `sanitize_post_statuses`, which refuses anything but the default to an anonymous client and
///    checks each other status against the `status` enum for a user who may edit posts.
///
/// Unregistered parameters are ignored, which is how WordPress before 5.7 treats `modified_after`.
struct CollectionQuery {
    var context = "view"
    var page = 1
    var perPage = 10
    var search = ""
    var offset: Int?
    var order = "desc"
    var orderby = "date"
    var statuses: [String]
    var include: [Int] = []
    var exclude: [Int] = []
    var authors: [Int] = []
    var slugs: [String] = []
    var after: WPTime.ParsedDate?
    var before: WPTime.ParsedDate?
    var modifiedAfter: WPTime.ParsedDate?
    var modifiedBefore: WPTime.ParsedDate?
    /// `$request->get_query_params()` after sanitizing, which pagination links repeat.
    var linkParameters: [QueryParameters.Entry] = []

    private static let validatedFirst: Set = ["context", "page", "per_page", "search"]

    static func parse(_ query: QueryParameters, type: PostTypeInfo, supportsModifiedAfter: Bool, canEditPosts: Bool)
        -> Result<CollectionQuery, WPError> {
        let schemas = arguments(for: type, supportsModifiedAfter: supportsModifiedAfter)
        var problems: [(name: String, error: WPError)] = []
        for (name, schema) in schemas where validatedFirst.contains(name) {
            if let value = query[name], let error = schema.validate(value, name: name) {
                problems.append((name, error))
            }
        }
        guard problems.isEmpty else { return .failure(.invalidParameters(problems)) }

        var result = CollectionQuery(statuses: [type.defaultStatus])
        for entry in query.entries {
            guard let schema = schemas.first(where: { $0.0 == entry.name })?.1 else {
                result.linkParameters.append(entry)  // Ignored, but repeated in links as sent.
                continue
            }
            switch sanitize(entry, schema: schema, type: type, canEditPosts: canEditPosts) {
            case .success(let value):
                result.linkParameters.append(QueryParameters.Entry(name: entry.name, value: value))
                result.apply(entry.name, value)
            case .failure(let error):
                problems.append((entry.name, error))
            }
        }
        return problems.isEmpty ? .success(result) : .failure(.invalidParameters(problems))
    }

    /// The argument's `sanitize_callback`: `sanitize_key` for `context`, `sanitize_post_statuses`
    /// for `status`, `absint` for the already validated `page`/`per_page`, and otherwise
    /// `rest_parse_request_arg` (validate against the schema, then sanitize).
    private static func sanitize(_ entry: QueryParameters.Entry, schema: ArgumentSchema, type: PostTypeInfo,
                                 canEditPosts: Bool) -> Result<QueryParameters.Value, WPError> {
        switch entry.name {
        case "context":
            let text: String = if case .string(let text) = entry.value { text } else { "" }
            return .success(.string(text.lowercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber || "_-".contains($0)) }))
        case "status":
            let statuses = ArgumentSchema.parseList(entry.value).map(WPFormatting.slug)
            for status in statuses where status != type.defaultStatus {
                guard canEditPosts else {
                    return .failure(WPError("rest_forbidden_status", "Status is forbidden.", status: WPError.authorizationRequiredCode))
                }
                // rest_validate_request_arg( $status, … ): one status against the whole array schema.
                if let error = schema.validate(.string(status), name: entry.name) { return .failure(error) }
            }
            return .success(.list(statuses))
        default:
            if !validatedFirst.contains(entry.name), let error = schema.validate(entry.value, name: entry.name) {
                return .failure(error)
            }
            return .success(schema.sanitize(entry.value))
        }
    }

    /// Stores one sanitized argument in its typed field.
    private mutating func apply(_ name: String, _ value: QueryParameters.Value) {
        let text: String = if case .string(let text) = value { text } else { "" }
        let list = ArgumentSchema.parseList(value)
        switch name {
        case "context": context = text
        case "page": page = Int(text) ?? 1
        case "per_page": perPage = Int(text) ?? 10
        case "search": search = text.trimmingCharacters(in: .whitespaces)
        case "offset": offset = Int(text)
        case "order": order = text
        case "orderby": orderby = text
        case "status": statuses = list
        case "include": include = list.compactMap { Int($0) }
        case "exclude": exclude = list.compactMap { Int($0) }
        case "author": authors = list.compactMap { Int($0) }
        case "slug": slugs = list
        case "after": after = WPTime.parseRESTDate(text)
        case "before": before = WPTime.parseRESTDate(text)
        case "modified_after": modifiedAfter = WPTime.parseRESTDate(text)
        case "modified_before": modifiedBefore = WPTime.parseRESTDate(text)
        default: break
        }
    }

    /// `array_keys( get_post_stati() )`, in `create_initial_post_types()` order.
    static let postStati = [
        "publish", "future", "draft", "pending", "private", "trash", "auto-draft", "inherit",
        "request-pending", "request-confirmed", "request-failed", "request-completed",
    ]

    /// `get_collection_params()` of `WP_REST_Posts_Controller`, in registration order.
    private static func arguments(for type: PostTypeInfo, supportsModifiedAfter: Bool) -> [(String, ArgumentSchema)] {
        let ids = ArgumentSchema.array(items: .integer())
        let date = ArgumentSchema.string(dateTime: true)
        var arguments: [(String, ArgumentSchema)] = [
            ("context", .string(enumeration: ["view", "embed", "edit"])),
            ("page", .integer(minimum: 1)),
            ("per_page", .integer(minimum: 1, maximum: 100)),
            ("search", .string()),
            ("after", date),
        ]
        if supportsModifiedAfter { arguments.append(("modified_after", date)) }
        arguments += [("author", ids), ("author_exclude", ids), ("before", date)]
        if supportsModifiedAfter { arguments.append(("modified_before", date)) }
        arguments += [("exclude", ids), ("include", ids)]
        if type.slug == "page" { arguments.append(("menu_order", .integer())) }
        arguments += [
            ("offset", .integer()),
            ("order", .string(enumeration: ["asc", "desc"])),
            ("orderby", .string(enumeration: type.orderbyValues)),
        ]
        if type.hierarchical { arguments += [("parent", ids), ("parent_exclude", ids)] }
        arguments += [("slug", .array(items: .string())), ("status", .array(items: .string(enumeration: postStati + ["any"])))]
        if type.slug == "post" {
            arguments += [
                ("tax_relation", .string(enumeration: ["AND", "OR"])),
                ("categories", ids), ("categories_exclude", ids), ("tags", ids), ("tags_exclude", ids),
                ("sticky", .boolean), ("ignore_sticky", .boolean),
            ]
        }
        return arguments
    }
}
