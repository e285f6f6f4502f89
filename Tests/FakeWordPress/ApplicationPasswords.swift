import Foundation

/// A site's application passwords (WordPress 5.6+) and the check WordPress makes of the Basic
/// credentials of a REST request: `wp_validate_application_password()` on `determine_current_user`,
/// then `wp_authenticate_application_password()` (wp-includes/user.php), whose error
/// `rest_application_password_check_errors()` (rest-api.php) turns into a 401 for every route.
struct ApplicationPasswords: Sendable {
    enum Outcome: Sendable, Equatable {
        /// No credentials, or credentials WordPress never looked at.
        case anonymous
        /// Authenticated as this user (as named when the password was added).
        case user(String)
        /// Credentials WordPress checked and refused.
        case refused(code: String, message: String)
    }

    private struct Account: Sendable {
        let login: String
        var passwords: [String]
    }

    /// By lowercased login: `user_login` is compared under MySQL's case-insensitive collation.
    private var accounts: [String: Account] = [:]

    /// Adds a password for `user`. Only its ASCII letters and digits count, as WordPress strips
    /// everything else (the spaces of `abcd EFGH 1234 ijkl MNOP 6789`) before comparing.
    mutating func add(user: String, password: String) {
        let key = user.lowercased()
        accounts[key, default: Account(login: user, passwords: [])].passwords.append(Self.alphanumerics(password))
    }

    /// - Parameter local: `wp_is_application_passwords_available()`, i.e. `is_ssl()` (never, on
    ///   the fake's plain http) or a `local` environment.
    func authenticate(_ headers: [(name: String, value: String)], local: Bool) -> Outcome {
        // Without availability WordPress returns before even reading PHP_AUTH_USER: the request
        // is simply anonymous, with no error. The same when no user ever had an application
        // password (`WP_Application_Passwords::is_in_use()`).
        guard local, !accounts.isEmpty, let (username, password) = Self.basicCredentials(headers) else { return .anonymous }
        guard let account = accounts[username.lowercased()] else {
            return Self.isEmail(username)
                ? .refused(code: "invalid_email",
                           message: "<strong>Error:</strong> Unknown email address. Check again or try your username.")
                : .refused(code: "invalid_username",
                           message: "<strong>Error:</strong> Unknown username. Check again or try your email address.")
        }
        guard account.passwords.contains(Self.alphanumerics(password)) else {
            return .refused(code: "incorrect_password", message: "The provided password is an invalid application password.")
        }
        return .user(account.login)
    }

    /// `PHP_AUTH_USER` and `PHP_AUTH_PW` as PHP fills them: an `Authorization` value starting with
    /// `Basic ` (any case), base64 decoded leniently, split at the first colon; nothing without one.
    private static func basicCredentials(_ headers: [(name: String, value: String)]) -> (String, String)? {
        guard let value = headers.first(where: { $0.name == "authorization" })?.value,
              value.count > 6, value.prefix(6).lowercased() == "basic "
        else { return nil }
        guard let decoded = Data(base64Encoded: String(value.dropFirst(6)), options: .ignoreUnknownCharacters) else { return nil }
        let bytes = Array(decoded)
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        return (String(decoding: bytes[..<colon], as: UTF8.self), String(decoding: bytes[(colon + 1)...], as: UTF8.self))
    }

    /// `preg_replace( '/[^a-z\d]/i', '', $password )`.
    private static func alphanumerics(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }
            .map(Character.init))
    }

    /// A rough `is_email()`: something@domain.tld, at least 6 characters.
    private static func isEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return text.count >= 6 && parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
            && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".")
    }
}
