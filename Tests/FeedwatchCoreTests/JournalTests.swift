@testable import FeedwatchCore
import Foundation
import Glibc
import Testing
import TestSupport

@Suite struct JournalTests {
    @Test func eventReachesTheJournalWithEverySpecField() throws {
        let site = uniqueSiteName("journal")
        var event = ChangeEvent(kind: .revised, site: site, siteURL: "https://www.europesays.com/uk/")
        event.postType = "posts"
        event.postID = 356473
        event.postURL = "https://www.europesays.com/uk/356473/"
        event.title = "How Putin Brushed Off Trump’s Latest Push"
        event.modifiedGMT = "2025-08-19T10:00:00"
        event.previousModifiedGMT = "2025-08-19T09:41:13"
        event.hash = String(repeating: "a", count: 64)
        event.previousHash = String(repeating: "b", count: 64)
        event.changedFields = [.title, .content]
        event.version = 2
        try JournalWriter(destination: .journal).write(event)

        let entry = try #require(try JournalReader.entries(site: site).first)
        #expect(entry["MESSAGE"] == event.message)
        #expect(entry["PRIORITY"] == "5")
        #expect(entry["SYSLOG_IDENTIFIER"] == "feedwatch")
        #expect(entry["MESSAGE_ID"] == EventKind.revised.messageID)
        #expect(entry["FEEDWATCH_EVENT"] == "revised")
        #expect(entry["FEEDWATCH_SITE_URL"] == "https://www.europesays.com/uk/")
        #expect(entry["FEEDWATCH_POST_TYPE"] == "posts")
        #expect(entry["FEEDWATCH_POST_ID"] == "356473")
        #expect(entry["FEEDWATCH_POST_URL"] == "https://www.europesays.com/uk/356473/")
        #expect(entry["FEEDWATCH_TITLE"] == "How Putin Brushed Off Trump’s Latest Push")
        #expect(entry["FEEDWATCH_MODIFIED_GMT"] == "2025-08-19T10:00:00")
        #expect(entry["FEEDWATCH_PREVIOUS_MODIFIED_GMT"] == "2025-08-19T09:41:13")
        #expect(entry["FEEDWATCH_HASH"] == event.hash)
        #expect(entry["FEEDWATCH_PREVIOUS_HASH"] == event.previousHash)
        #expect(entry["FEEDWATCH_CHANGED_FIELDS"] == "title,content")
        #expect(entry["FEEDWATCH_VERSION"] == "2")
    }

    @Test func withoutAJournalEventsAreReadableLinesOnStandardError() throws {
        let directory = try TemporaryDirectory()
        let capture = open(directory.file("stderr"), O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let saved = dup(2)
        dup2(capture, 2)
        var event = ChangeEvent(kind: .silentEdit, site: "laptop", siteURL: "https://a.org/")
        event.postID = 7
        event.title = "Title"
        event.changedFields = [.content]
        let result = Result { try JournalWriter(destination: .standardError).write(event) }
        dup2(saved, 2)
        close(saved)
        close(capture)
        try result.get()
        let written = try String(contentsOfFile: directory.file("stderr"), encoding: .utf8)
        #expect(written == "feedwatch[warning]: silent-edit: laptop post 7 \"Title\" (content)\n")
    }

    @Test func everyEventKindHasItsOwnMessageID() {
        let ids = EventKind.allCases.map(\.messageID)
        #expect(Set(ids).count == EventKind.allCases.count)
        #expect(ids.allSatisfy { $0.count == 32 && $0.allSatisfy(\.isHexDigit) })
    }

    @Test func prioritiesFollowTheSpec() {
        #expect(EventKind.new.priority == .notice)
        #expect(EventKind.baseline.priority == .info)
        #expect(EventKind.touched.priority == .debug)
        #expect(EventKind.silentEdit.priority == .warning)
        #expect(EventKind.deleted.priority == .warning)
        #expect(EventKind.unpublished.priority == .warning)
        #expect(EventKind.restored.priority == .notice)
    }
}
