/// The kinds of journal entry feedwatch writes (`FEEDWATCH_EVENT`), each with a
/// fixed `MESSAGE_ID` that the journal catalog explains.
public enum EventKind: String, Sendable, Codable, CaseIterable {
    case new
    case revised
    case silentEdit = "silent-edit"
    case touched
    case deleted
    case unpublished
    case restored
    case baseline
    case siteFailing = "site-failing"
    case siteRecovered = "site-recovered"

    /// A change to a post, as opposed to a first sight (`baseline`), a bumped
    /// date alone (`touched`) or a site's health.
    public var isChange: Bool {
        switch self {
        case .new, .revised, .silentEdit, .deleted, .unpublished, .restored: true
        case .touched, .baseline, .siteFailing, .siteRecovered: false
        }
    }

    /// syslog priority, as SPEC §4 gives it.
    public var priority: JournalPriority {
        switch self {
        case .new, .revised, .restored, .siteRecovered: .notice
        case .silentEdit, .deleted, .unpublished: .warning
        case .siteFailing: .error
        case .baseline: .info
        case .touched: .debug
        }
    }

    public var messageID: String {
        switch self {
        case .new: "23fba068d2d24ed787c32d6bd58bcfe6"
        case .revised: "3b34b6199b9b4efdbeea3c69fc78842a"
        case .silentEdit: "429a43ccc8cf4b87b34b8373aadcb659"
        case .touched: "17bda9f08ef640988cd131eb77f21cc5"
        case .deleted: "2949c3ce92734ad09effb4d4824c811b"
        case .unpublished: "26dbaccffaf4497bb0fb6933f7d17d9c"
        case .restored: "63e19ec0fcb147cdb61212ca6898768a"
        case .baseline: "6f7272d69b2f47f2b15ba700ee3d996e"
        case .siteFailing: "98e2de4ca38c4459a5b433bda74e4f5a"
        case .siteRecovered: "d62844ebc7b64f0c83c0958d5512b5de"
        }
    }
}

public enum JournalPriority: Int, Sendable {
    case error = 3, warning = 4, notice = 5, info = 6, debug = 7

    var label: String {
        switch self {
        case .error: "error"
        case .warning: "warning"
        case .notice: "notice"
        case .info: "info"
        case .debug: "debug"
        }
    }
}
