@testable import FeedwatchCore
import Foundation
import Testing
import TestSupport

/// The webhook body and its signature, checked against an implementation
/// that is not ours: `openssl dgst -hmac`.
@Suite struct WebhookSigningTests {
    private static func revisedEvent() -> ChangeEvent {
        var event = ChangeEvent(kind: .revised, site: "news", siteURL: "https://news.example.org/")
        event.postType = "posts"
        event.postID = 356473
        event.postURL = "https://news.example.org/2026/11/a-post/"
        event.title = "A \"quoted\" title — with a dash"
        event.modifiedGMT = "2026-11-25T10:00:00"
        event.changedFields = [.title, .content]
        event.version = 3
        return event
    }

    /// HMAC-SHA256 of `data` with `key`, in hex, as `openssl dgst` computes it.
    private func opensslHMAC(key: String, data: [UInt8]) throws -> String {
        let text = try ChildProcess.run("/usr/bin/openssl", ["dgst", "-sha256", "-hmac", key], input: data,
                                        mergeErrors: false).output
        // "SHA2-256(stdin)= 5f2c…"
        return text.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
    }

    @Test func theSignatureIsTheHMACOfTimestampDotBodyAsOpenSSLComputesIt() throws {
        let body = WebhookPayload(Self.revisedEvent(), eventID: "fw-42").body()
        let headers = WebhookSignature(secret: Array("s3cret\n".utf8)).headers(for: body, at: Date(timeIntervalSince1970: 1_764_064_800))
        #expect(headers.map(\.name) == ["X-Feedwatch-Timestamp", "X-Feedwatch-Signature"])
        #expect(headers[0].value == "1764064800")
        let expected = try opensslHMAC(key: "s3cret", data: Array("1764064800.".utf8) + body)
        #expect(expected.count == 64)
        #expect(headers[1].value == "sha256=" + expected, "the file's trailing newline is not part of the secret")
        let forged = try opensslHMAC(key: "wrong", data: Array("1764064800.".utf8) + body)
        #expect(headers[1].value != "sha256=" + forged, "another secret gives another signature")
        let replayed = try opensslHMAC(key: "s3cret", data: Array("1764068400.".utf8) + body)
        #expect(headers[1].value != "sha256=" + replayed, "the timestamp is signed too")
    }

    @Test func theBodyCarriesTheEventInSnakeCaseWithoutEmptyFields() throws {
        let body = WebhookPayload(Self.revisedEvent(), eventID: "fw-42", excerpt: "-Old title\n+New title").body()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        #expect(object["event"] as? String == "revised")
        #expect(object["event_id"] as? String == "fw-42")
        #expect(object["post_id"] as? Int == 356473)
        #expect(object["changed_fields"] as? [String] == ["title", "content"])
        #expect(object["title"] as? String == "A \"quoted\" title — with a dash")
        #expect(object["excerpt"] as? String == "-Old title\n+New title")
        #expect(object["hash"] == nil && object["post_count"] == nil, "absent fields are left out")
        #expect(String(decoding: body, as: UTF8.self).contains(#""url":"https://news.example.org/2026/11/a-post/""#),
                "slashes unescaped, keys sorted: \(String(decoding: body, as: UTF8.self))")
        #expect(WebhookPayload(Self.revisedEvent(), eventID: "fw-42").body() == WebhookPayload(Self.revisedEvent(), eventID: "fw-42").body())
    }
}
