#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `notify[]` (SPEC §2): each channel a `webhook` or a `command`, with
/// optional filters, checked as precisely as the rest of the file.
extension ConfigurationValidator {
    private static let channelKeys = [
        "name", "webhook", "format", "command", "secretFile", "credential", "allowInsecure", "timeout", "maxAge", "events",
        "sites",
    ]

    mutating func validateNotify(_ value: JSONValue, siteNames: Set<String>) -> [NotifyChannel] {
        guard case .array(let entries) = value else {
            report("notify", "expected a list of channels, found \(value.kindDescription)")
            return []
        }
        var channels: [NotifyChannel] = []
        var firstUse: [String: Int] = [:]
        for (index, entry) in entries.enumerated() {
            let path = "notify[\(index)]"
            guard let channel = validateChannel(entry, at: path, siteNames: siteNames) else { continue }
            if let earlier = firstUse[channel.name] {
                report(path, "\"\(channel.name)\" is already the name of notify[\(earlier)]; give each channel its own \"name\"")
                continue
            }
            firstUse[channel.name] = index
            channels.append(channel)
        }
        return channels
    }

    private mutating func validateChannel(_ value: JSONValue, at path: String, siteNames: Set<String>) -> NotifyChannel? {
        guard let object = members(of: value, at: path, expected: "an object with a \"webhook\" or a \"command\"",
                                   allowedKeys: Self.channelKeys)
        else { return nil }
        let problemsBefore = problems.count
        var target: NotifyChannel.Target?
        var derivedName = ""
        switch (object["webhook"], object["command"]) {
        case (let url?, nil):
            let format = object["format"].map { validateFormat($0, at: "\(path).format") } ?? .json
            if let webhook = validateWebhook(url, insecure: object["allowInsecure"], at: path), let format,
               validateWebhook(webhook, in: format, at: path), validateSecretUse(object, format: format, at: path) {
                derivedName = URLComponents(string: webhook)?.host ?? "webhook"
                target = .webhook(url: webhook, secret: validateSecret(object, fileKey: "secretFile", at: path), format: format)
            }
        case (nil, let command?):
            if let arguments = validateCommand(command, at: "\(path).command") {
                derivedName = arguments[0].split(separator: "/").last.map(String.init) ?? "command"
                target = .command(arguments: arguments)
            }
            for key in ["format", "secretFile", "credential", "allowInsecure"] where object[key] != nil {
                report("\(path).\(key)", "applies to a webhook only")
            }
        case (nil, nil):
            report(path, "missing \"webhook\" (a URL to POST each event to) or \"command\" (a program to run for each event)")
        case (.some, .some):
            report(path, "give either \"webhook\" or \"command\", not both: make two channels")
        }
        var channel = NotifyChannel(name: derivedName, target: target ?? .command(arguments: []))
        if let name = object["name"] { channel.name = validateName(name, at: "\(path).name") ?? "" }
        if let events = object["events"] { channel.events = validateEvents(events, at: "\(path).events") ?? [] }
        if let sites = object["sites"] { channel.sites = validateChannelSites(sites, at: "\(path).sites", known: siteNames) }
        if let timeout = object["timeout"] {
            channel.timeout = validatePositiveDuration(timeout, at: "\(path).timeout") ?? channel.timeout
        }
        if let maxAge = object["maxAge"] {
            channel.maxAge = validatePositiveDuration(maxAge, at: "\(path).maxAge") ?? channel.maxAge
        }
        return problems.count == problemsBefore && target != nil ? channel : nil
    }

    /// An http(s) URL; plain http only to this machine unless `allowInsecure`.
    private mutating func validateWebhook(_ value: JSONValue, insecure: JSONValue?, at path: String) -> String? {
        var allowInsecure = false
        switch insecure {
        case nil: break
        case .bool(let flag)?: allowInsecure = flag
        case let other?: report("\(path).allowInsecure", "expected true or false, found \(other.kindDescription)")
        }
        guard case .string(let url) = value else {
            report("\(path).webhook", "expected a URL as a string, found \(value.kindDescription)")
            return nil
        }
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", components.host?.isEmpty == false
        else {
            report("\(path).webhook", "\(render(value)) is not an http or https URL, such as \"https://hooks.example.org/feedwatch\"")
            return nil
        }
        if scheme == "http", !allowInsecure, !Loopback.isHost(of: url) {
            report("\(path).webhook", "\(render(value)) would send events unencrypted over the network; "
                + "use https, or set \"allowInsecure\": true if that is really meant")
            return nil
        }
        return url
    }

    private mutating func validateFormat(_ value: JSONValue, at path: String) -> WebhookFormat? {
        let known = WebhookFormat.allCases.map(\.rawValue)
        guard case .string(let name) = value else {
            report(path, "expected one of \(known.joined(separator: ", ")) as a string, found \(value.kindDescription)")
            return nil
        }
        guard let format = WebhookFormat(rawValue: name) else {
            let hint = KeySuggestion.closest(to: name, among: known).map { " (did you mean \"\($0)\"?)" }
                ?? " (one of \(known.joined(separator: ", ")))"
            report(path, "\"\(name)\" is not a webhook format\(hint)")
            return nil
        }
        return format
    }

    /// The URL a format needs: an ntfy topic's, a Gotify server's `/message`.
    private mutating func validateWebhook(_ url: String, in format: WebhookFormat, at path: String) -> Bool {
        switch format {
        case .ntfy where NtfyMessage.split(url) == nil:
            report("\(path).webhook", "\"\(url)\" is not an ntfy topic's URL, such as \"https://ntfy.sh/feedwatch-alerts\" "
                + "(the server, then the topic: letters, digits, - and _)")
            return false
        case .gotify where URLComponents(string: url)?.path.hasSuffix("/message") != true:
            report("\(path).webhook", "\"\(url)\" is not a Gotify server's message address, such as "
                + "\"https://gotify.example.org/message\"")
            return false
        default:
            return true
        }
    }

    /// A secret only where the format has a use for one: Slack's and Discord's
    /// webhook URLs are their own secret.
    private mutating func validateSecretUse(_ object: [String: JSONValue], format: WebhookFormat, at path: String) -> Bool {
        guard format.secretMeaning == nil else { return true }
        for key in ["secretFile", "credential"] where object[key] != nil {
            report("\(path).\(key)", "a \(format.rawValue) webhook takes no secret (its URL is the secret); leave \"\(key)\" out")
            return false
        }
        return true
    }

    /// A non-empty argument vector whose program is an absolute path: no shell
    /// and no `PATH` lookup, so what runs does not depend on the environment.
    private mutating func validateCommand(_ value: JSONValue, at path: String) -> [String]? {
        guard let arguments = strings(value, at: path, describing: "the program and its arguments, such as [\"/usr/local/bin/on-change\"]")
        else { return nil }
        guard let program = arguments.first else {
            report(path, "is empty; give the program to run, such as [\"/usr/local/bin/on-change\"]")
            return nil
        }
        guard program.hasPrefix("/") else {
            report("\(path)[0]", "\"\(program)\" must be an absolute path (commands run without a shell or PATH)")
            return nil
        }
        return arguments
    }

    mutating func validateEvents(_ value: JSONValue, at path: String) -> Set<EventKind>? {
        guard let names = strings(value, at: path, describing: "event kinds, such as [\"revised\", \"deleted\"]") else {
            return nil
        }
        guard !names.isEmpty else {
            report(path, "is empty; leave \"events\" out to get every change, or list the kinds wanted")
            return nil
        }
        var kinds: Set<EventKind> = []
        let known = EventKind.allCases.map(\.rawValue)
        for (index, name) in names.enumerated() {
            if let kind = EventKind(rawValue: name) {
                kinds.insert(kind)
            } else {
                let hint = KeySuggestion.closest(to: name, among: known).map { " (did you mean \"\($0)\"?)" }
                    ?? " (one of \(known.joined(separator: ", ")))"
                report("\(path)[\(index)]", "\"\(name)\" is not an event kind\(hint)")
            }
        }
        return kinds.count == Set(names).count ? kinds : nil
    }

    private mutating func validateChannelSites(_ value: JSONValue, at path: String, known: Set<String>) -> Set<String>? {
        guard let names = strings(value, at: path, describing: "site names") else { return nil }
        guard !names.isEmpty else {
            report(path, "is empty; leave \"sites\" out to get every site's events")
            return nil
        }
        for (index, name) in names.enumerated() where !known.contains(name) {
            let hint = KeySuggestion.closest(to: name, among: known.sorted()).map { " (did you mean \"\($0)\"?)" } ?? ""
            report("\(path)[\(index)]", "no site named \"\(name)\" in \"sites\"\(hint)")
        }
        return Set(names)
    }
}
