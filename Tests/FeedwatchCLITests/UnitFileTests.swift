import Foundation
import Testing
import TestSupport

/// `systemd/feedwatch.service` (SPEC §7): what systemd needs to run feedwatch
/// as the daemon it is, sandboxed so that `systemd-analyze security` rates it
/// OK, and free of anything `systemd-analyze verify` objects to.
@Suite(.onceForBothBackends) struct UnitFileTests {
    private static let unit = Fixture.repository.appendingPathComponent("systemd/feedwatch.service")

    private func systemdAnalyze(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try ChildProcess.run("/usr/bin/systemd-analyze", arguments)
    }

    @Test func theUnitDeclaresTheServiceContract() throws {
        let lines = Set(try String(contentsOf: Self.unit, encoding: .utf8).split(separator: "\n").map(String.init))
        for line in [
            "Type=notify", "ExecReload=/bin/kill -HUP $MAINPID", "Restart=on-failure", "RestartPreventExitStatus=78",
            "WatchdogSec=60s", "DynamicUser=yes", "StateDirectory=feedwatch",
            // journald's rate limit off for the unit (SPEC §6: no event is
            // lost to it); 0 would mean "unset" to systemd 252.
            "LogRateLimitIntervalSec=1us",
        ] {
            #expect(lines.contains(line), "\(line) is missing")
        }
    }

    @Test func systemdAnalyzeSecurityRatesTheSandboxAtMostTwo() throws {
        let result = try systemdAnalyze(["security", "--offline=true", "--no-pager", Self.unit.path])
        let overall = try #require(result.output.split(separator: "\n").first { $0.contains("Overall exposure level") },
                                   "\(result.output)")
        // "→ Overall exposure level for feedwatch.service: 1.1 OK 🙂"
        let words = overall.split(separator: ":").last?.split(separator: " ") ?? []
        let exposure = try #require(words.first.flatMap { Double($0) }, "\(overall)")
        #expect(exposure <= 2.0, "\(overall)")
        #expect(words.dropFirst().first == "OK", "\(overall)")
    }

    @Test func systemdAnalyzeVerifyFindsNothingToSay() throws {
        // The installed unit runs /usr/local/bin/feedwatch; this one runs the
        // binary under test, which verify checks is executable.
        let scratch = try TemporaryDirectory()
        let text = try String(contentsOf: Self.unit, encoding: .utf8)
            .replacingOccurrences(of: "/usr/local/bin/feedwatch", with: Binary.url.path)
        let copy = try scratch.write("feedwatch.service", text)
        let result = try systemdAnalyze(["verify", "--man=no", copy])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.isEmpty, "warnings: \(result.output)")
    }
}
