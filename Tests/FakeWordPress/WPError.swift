/// A `WP_Error` as the REST server renders it (`rest_convert_error_to_response`):
/// `{"code":…,"message":…,"data":…}`, served with the status found in `data.status` (500 if none).
struct WPError: Error, Sendable {
    let code: String
    let message: String
    /// The error's data; `.null` for the schema validators' errors, which carry none.
    let data: JSONValue

    init(_ code: String, _ message: String, status: Int) {
        self.init(code, message, data: .object(["status": .int(status)]))
    }

    init(_ code: String, _ message: String, data: JSONValue = .null) {
        self.code = code
        self.message = message
        self.data = data
    }

    var status: Int { data["status"]?.intValue ?? 500 }

    var json: JSONValue {
        .object(["code": .string(code), "message": .string(message), "data": data])
    }

    /// `rest_authorization_required_code()`: 401 for an anonymous client, the only kind the fake
    /// ever refuses (a signed-in user is an administrator, allowed every read).
    static let authorizationRequiredCode = 401

    static let noRoute = WPError(
        "rest_no_route", "No route was found matching the URL and request method.", status: 404)

    static let forbidden = WPError(
        "rest_forbidden", "Sorry, you are not allowed to do that.", status: authorizationRequiredCode)

    /// What `WP_REST_Request::has_valid_params()` and `sanitize_params()` return: one
    /// `rest_invalid_param` error naming every bad parameter, with each one's own error in `details`.
    static func invalidParameters(_ problems: [(name: String, error: WPError)]) -> WPError {
        let names = problems.map(\.name).joined(separator: ", ")
        let params = JSONValue.object(problems.map { JSONMember(key: $0.name, value: .string($0.error.message)) })
        let details = JSONValue.object(problems.map { JSONMember(key: $0.name, value: $0.error.json) })
        return WPError(
            "rest_invalid_param", "Invalid parameter(s): \(names)",
            data: .object(["status": .int(400), "params": params, "details": details]))
    }
}
