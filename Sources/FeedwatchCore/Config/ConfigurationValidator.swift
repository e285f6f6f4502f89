#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Walks a parsed configuration document, turning it into a `Configuration` and
/// recording a problem, with its JSON path, for everything wrong in it.
struct ConfigurationValidator {
    private(set) var problems: [ConfigurationError.Problem] = []
    /// What is wrong with each `caFile` read so far, nil when nothing.
    private var caFileProblems: [String: String?] = [:]
    /// Debian's whole bundle of public CAs is about 200 KiB.
    private static let caFileLimit = 4 << 20

    static let topLevelKeys = ["defaults", "sites", "database", "notify", "feed"]
    private static let sharedSiteKeys = ["interval", "types", "timeout", "reconcile", "verify", "auth", "ignore", "enabled",
                                          "caFile"]
    private static let siteKeys = ["name", "url"] + sharedSiteKeys
    private static let defaultsKeys = sharedSiteKeys + ["concurrency"]
    private static let authKeys = ["username", "passwordFile", "credential"]
    private static let databaseKeys = ["url", "passwordFile", "credential", "node", "lease"]

    mutating func validate(_ document: JSONValue, source: String) -> Configuration? {
        guard let top = members(of: document, at: "", expected: "an object with a \"sites\" list") else { return nil }
        var defaults = SiteConfiguration(name: "", url: "")
        var sites: [SiteConfiguration] = []
        var database: DatabaseLocation?
        var concurrencyLimit: Int?
        if let value = top["defaults"] {
            defaults = validateSite(value, at: "defaults", allowedKeys: Self.defaultsKeys, defaults: defaults) ?? defaults
            if case .object(let members) = value, let limit = members.first(where: { $0.key == "concurrency" })?.value {
                concurrencyLimit = validateConcurrency(limit)
            }
        }
        if let value = top["database"] {
            database = validateDatabase(value)
        }
        switch top["sites"] {
        case nil:
            report("", "no \"sites\" list: add one with an entry per WordPress site to watch")
        case .array(let entries)?:
            sites = validateSites(entries, defaults: defaults)
        case let other?:
            report("sites", "expected a list of sites, found \(other.kindDescription)")
        }
        let notify = top["notify"].map { validateNotify($0, siteNames: Set(sites.map(\.name))) } ?? []
        return Configuration(source: source, sites: sites, database: database, concurrencyLimit: concurrencyLimit,
                             notify: notify, feed: top["feed"].flatMap { validateFeed($0) })
    }

    private mutating func validateSites(_ entries: [JSONValue], defaults: SiteConfiguration) -> [SiteConfiguration] {
        var sites: [SiteConfiguration] = []
        var firstUse: [String: Int] = [:]
        for (index, entry) in entries.enumerated() {
            let path = "sites[\(index)]"
            let site = validateSite(entry, at: path, allowedKeys: Self.siteKeys, defaults: defaults)
            if let name = site?.name ?? Self.declaredName(of: entry) {
                if let earlier = firstUse[name] {
                    report("\(path).name", "\"\(name)\" is already the name of sites[\(earlier)]; give each site its own \"name\"")
                    continue
                }
                firstUse[name] = index
            }
            if let site { sites.append(site) }
        }
        return sites
    }

    /// The name an invalid site entry would have, so duplicates are still found.
    private static func declaredName(of entry: JSONValue) -> String? {
        guard case .object(let members) = entry else { return nil }
        if case .string(let name)? = members.first(where: { $0.key == "name" })?.value { return name }
        if case .string(let url)? = members.first(where: { $0.key == "url" })?.value { return SiteName.derived(fromURL: url) }
        return nil
    }

    /// Validates one site object, or `defaults` when `allowedKeys` lacks `name` and `url`.
    private mutating func validateSite(
        _ value: JSONValue, at path: String, allowedKeys: [String], defaults: SiteConfiguration
    ) -> SiteConfiguration? {
        guard let object = members(of: value, at: path, expected: "an object", allowedKeys: allowedKeys) else { return nil }
        var site = defaults
        let problemsBefore = problems.count
        let isDefaults = !allowedKeys.contains("url")
        if !isDefaults {
            if let url = object["url"] {
                site.url = validateURL(url, at: "\(path).url") ?? ""
            } else {
                report(path, "missing \"url\": the site's address, such as \"https://example.org/\"")
            }
            if let name = object["name"] {
                site.name = validateName(name, at: "\(path).name") ?? ""
            } else if !site.url.isEmpty {
                site.name = SiteName.derived(fromURL: site.url)
            }
        }
        if let interval = object["interval"], let duration = validateDuration(interval, at: "\(path).interval") {
            if duration < SiteConfiguration.minimumInterval {
                report("\(path).interval", "\(render(interval)) is shorter than the minimum of \(DurationText.format(SiteConfiguration.minimumInterval))")
            } else {
                site.interval = duration
            }
        }
        if let timeout = object["timeout"] {
            site.timeout = validatePositiveDuration(timeout, at: "\(path).timeout") ?? site.timeout
        }
        if let reconcile = object["reconcile"] {
            site.reconcile = validatePositiveDuration(reconcile, at: "\(path).reconcile") ?? site.reconcile
        }
        if let verify = object["verify"] {
            site.verify = validatePositiveDuration(verify, at: "\(path).verify") ?? site.verify
        }
        if let types = object["types"] { site.types = validateTypes(types, at: "\(path).types") ?? site.types }
        if let ignore = object["ignore"] { site.ignore = validateIgnore(ignore, at: "\(path).ignore") ?? site.ignore }
        if let auth = object["auth"] { site.auth = validateAuth(auth, at: "\(path).auth") }
        if let caFile = object["caFile"] { site.caFile = validateCAFile(caFile, at: "\(path).caFile") }
        if let enabled = object["enabled"] {
            if case .bool(let flag) = enabled { site.enabled = flag } else {
                report("\(path).enabled", "expected true or false, found \(enabled.kindDescription)")
            }
        }
        return problems.count == problemsBefore ? site : nil
    }

    private mutating func validateURL(_ value: JSONValue, at path: String) -> String? {
        guard case .string(let text) = value else {
            report(path, "expected the site's address as a string, found \(value.kindDescription)")
            return nil
        }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            report(path, "\(render(value)) is not a URL; write the site's address, such as \"https://example.org/\"")
            return nil
        }
        guard scheme == "http" || scheme == "https" else {
            report(path, "\(render(value)) must be an http or https address")
            return nil
        }
        guard let host = components.host, !host.isEmpty else {
            report(path, "\(render(value)) has no host name")
            return nil
        }
        if components.user != nil || components.password != nil {
            report(path, "\(render(value)) contains credentials; remove them from the URL (passwords never belong in this file)")
            return nil
        }
        if components.query != nil || components.fragment != nil {
            report(path, "\(render(value)) has a query or fragment; give the site's address only")
            return nil
        }
        return text.hasSuffix("/") ? text : text + "/"
    }

    mutating func validateName(_ value: JSONValue, at path: String) -> String? {
        guard case .string(let name) = value else {
            report(path, "expected a string, found \(value.kindDescription)")
            return nil
        }
        guard SiteName.isValid(name) else {
            report(path, "\(render(value)) may contain only letters, digits, '.', '_' and '-'")
            return nil
        }
        return name
    }

    mutating func validateDuration(_ value: JSONValue, at path: String) -> Duration? {
        switch value {
        case .string(let text):
            if let duration = DurationText.parse(text) { return duration }
            report(path, "\(render(value)) is not a duration \(DurationText.example)")
        case .number(let text):
            if let seconds = Int64(text), seconds >= 0, seconds <= Int64(Int32.max) { return .seconds(seconds) }
            report(path, "\(text) is not a whole number of seconds \(DurationText.example)")
        default:
            report(path, "expected a duration such as \"5m\" or a number of seconds, found \(value.kindDescription)")
        }
        return nil
    }

    private mutating func validateAuth(_ value: JSONValue, at path: String) -> SiteAuthentication? {
        if case .object(let list) = value, list.contains(where: { $0.key == "password" }) {
            report("\(path).password", "inline passwords are not allowed; put the application password in a file "
                + "readable only by feedwatch and name it with \"passwordFile\" (or \"credential\" under systemd)")
            return nil
        }
        guard let object = members(of: value, at: path, expected: "an object with \"username\" and \"passwordFile\"",
                                   allowedKeys: Self.authKeys)
        else { return nil }
        guard case .string(let username)? = object["username"], !username.isEmpty else {
            report(path, "missing \"username\": the WordPress user the application password belongs to")
            return nil
        }
        guard object["passwordFile"] != nil || object["credential"] != nil else {
            report(path, "missing \"passwordFile\" (or \"credential\"): where the application password is kept")
            return nil
        }
        return validateSecret(object, fileKey: "passwordFile", at: path)
            .map { SiteAuthentication(username: username, secret: $0) }
    }

    /// A secret named by `fileKey` (an absolute path) or `credential` (a `LoadCredential=` name),
    /// not both; `nil` when neither is given, or when what is given is wrong (reported).
    mutating func validateSecret(_ object: [String: JSONValue], fileKey: String, at path: String) -> SecretSource? {
        switch (object[fileKey], object["credential"]) {
        case (nil, nil):
            return nil
        case (.string(let file)?, nil):
            guard file.hasPrefix("/") else {
                report("\(path).\(fileKey)", "\"\(file)\" must be an absolute path")
                return nil
            }
            return .file(file)
        case (nil, .string(let name)?):
            guard !name.isEmpty, !name.contains("/") else {
                report("\(path).credential", "\"\(name)\" must be a credential name as in LoadCredential=, without '/'")
                return nil
            }
            return .credential(name)
        case (.some, .some):
            report(path, "give either \"\(fileKey)\" or \"credential\", not both")
        default:
            report(path, "\"\(fileKey)\" and \"credential\" take a string")
        }
        return nil
    }

    private mutating func validateNodeName(_ value: JSONValue) -> String? {
        guard let name = validateName(value, at: "database.node") else { return nil }
        guard name.utf8.count <= 64 else {
            report("database.node", "\(render(value)) is longer than 64 bytes")
            return nil
        }
        return name
    }

    private mutating func validateLease(_ value: JSONValue) -> Duration? {
        guard let lease = validateDuration(value, at: "database.lease") else { return nil }
        guard lease >= PostgresLocation.minimumLease else {
            report("database.lease", "\(render(value)) is too short: a lease is renewed every third of it; give at least "
                + DurationText.format(PostgresLocation.minimumLease))
            return nil
        }
        return lease
    }

    mutating func validatePositiveDuration(_ value: JSONValue, at path: String) -> Duration? {
        guard let duration = validateDuration(value, at: path) else { return nil }
        guard duration > .zero else {
            report(path, "must be longer than 0s")
            return nil
        }
        return duration
    }

    private mutating func validateConcurrency(_ value: JSONValue) -> Int? {
        guard case .number(let text) = value, let limit = Int(text), (1...SyncConcurrency.maximum).contains(limit) else {
            report("defaults.concurrency", "expected a whole number of sites from 1 to \(SyncConcurrency.maximum), found \(render(value))")
            return nil
        }
        return limit
    }

    private mutating func validateTypes(_ value: JSONValue, at path: String) -> [String]? {
        guard let names = strings(value, at: path, describing: "REST collection names, such as [\"posts\", \"pages\"]") else {
            return nil
        }
        var valid = true
        for (index, name) in names.enumerated() where !SiteName.isRESTBase(name) {
            report("\(path)[\(index)]", "\"\(name)\" is not a REST collection name (lowercase letters, digits, '-' and '_')")
            valid = false
        }
        if names.isEmpty {
            report(path, "is empty; list at least one collection, such as [\"posts\"]")
            valid = false
        }
        return valid ? names : nil
    }

    private mutating func validateIgnore(_ value: JSONValue, at path: String) -> [String]? {
        guard let patterns = strings(value, at: path, describing: "regular expressions") else { return nil }
        var valid = true
        for (index, pattern) in patterns.enumerated() {
            do {
                _ = try Regex(pattern)
            } catch {
                report("\(path)[\(index)]", "\"\(pattern)\" is not a valid regular expression: \(error)")
                valid = false
            }
        }
        return valid ? patterns : nil
    }

    /// An absolute path to a PEM file feedwatch can read now: a CA file that is
    /// missing would fail every sync of its site, so `check` says so first.
    /// Each file is read once, however many sites name it.
    private mutating func validateCAFile(_ value: JSONValue, at path: String) -> String? {
        guard case .string(let file) = value, file.hasPrefix("/") else {
            report(path, "expected the absolute path of a PEM file of CA certificates, found \(render(value))")
            return nil
        }
        let problem: String?
        if let known = caFileProblems[file] {
            problem = known
        } else {
            do {
                let contents = try FileContents.read(file, limit: Self.caFileLimit)
                problem = contents.firstRange(of: Array("-----BEGIN CERTIFICATE-----".utf8)) == nil
                    ? "holds no PEM certificate (-----BEGIN CERTIFICATE-----)" : nil
            } catch {
                problem = "\(error)"
            }
            caFileProblems[file] = .some(problem)
        }
        if let problem {
            report(path, "\(render(value)): \(problem)")
            return nil
        }
        return file
    }

    /// A path, a `postgresql://` URL, or `{"url": …, "passwordFile" or "credential": …}`.
    private mutating func validateDatabase(_ value: JSONValue) -> DatabaseLocation? {
        let text: String
        var password: SecretSource?
        var path = "database"
        var node: String?
        var lease: Duration?
        switch value {
        case .string(let string):
            text = string
        case .object:
            guard let object = members(of: value, at: "database", expected: "an object", allowedKeys: Self.databaseKeys)
            else { return nil }
            guard case .string(let url)? = object["url"] else {
                report("database.url", object["url"] == nil ? "missing: the postgresql:// URL of the database"
                    : "expected a postgresql:// URL, found \(object["url"].map(\.kindDescription) ?? "nothing")")
                return nil
            }
            text = url
            path = "database.url"
            password = validateSecret(object, fileKey: "passwordFile", at: "database")
            node = object["node"].flatMap { validateNodeName($0) }
            lease = object["lease"].flatMap { validateLease($0) }
        default:
            report("database", "expected a file path or a postgresql:// URL, found \(value.kindDescription)")
            return nil
        }
        switch DatabaseLocation.parse(text, password: password) {
        case .success(.postgresql(var location)):
            location.node = node
            location.lease = lease ?? location.lease
            return .postgresql(location)
        case .success(let location):
            if node != nil || lease != nil {
                report("database", "\"node\" and \"lease\" are for a postgresql:// database that daemons share, not an SQLite file")
            }
            return location
        case .failure(let error):
            report(path, error.description)
            return nil
        }
    }

    mutating func strings(_ value: JSONValue, at path: String, describing: String) -> [String]? {
        guard case .array(let elements) = value else {
            report(path, "expected a list of \(describing), found \(value.kindDescription)")
            return nil
        }
        var result: [String] = []
        for (index, element) in elements.enumerated() {
            guard case .string(let text) = element else {
                report("\(path)[\(index)]", "expected a string, found \(element.kindDescription)")
                return nil
            }
            result.append(text)
        }
        return result
    }

    /// The members of an object, keyed by name, after reporting duplicate,
    /// unknown and not-yet-supported keys.
    mutating func members(
        of value: JSONValue, at path: String, expected: String, allowedKeys: [String] = topLevelKeys
    ) -> [String: JSONValue]? {
        guard case .object(let list) = value else {
            report(path, "expected \(expected), found \(value.kindDescription)")
            return nil
        }
        var result: [String: JSONValue] = [:]
        for member in list {
            let memberPath = path.isEmpty ? member.key : "\(path).\(member.key)"
            if result[member.key] != nil {
                report(memberPath, "appears more than once; keep one")
            } else if !allowedKeys.contains(member.key) {
                let hint = KeySuggestion.closest(to: member.key, among: allowedKeys).map { " (did you mean \"\($0)\"?)" } ?? ""
                report(memberPath, "unknown key\(hint)")
            } else {
                result[member.key] = member.value
            }
        }
        return result
    }

    mutating func report(_ path: String, _ message: String) {
        problems.append(.init(path: path, message: message))
    }

    func render(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): "\"\(text)\""
        case .number(let text): text
        default: value.kindDescription
        }
    }
}
