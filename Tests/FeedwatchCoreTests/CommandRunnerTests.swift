@testable import FeedwatchCore
import Foundation
import Glibc
import Testing
import TestSupport

/// The `command` channel's runner, with real programs. Serialized: some tests
/// change process-wide signal dispositions or open descriptors on purpose.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct CommandRunnerTests {
    private static let shellEnvironment = ["PATH": "/usr/bin:/bin"]

    private static func shell(_ script: String, input: [UInt8] = [], timeout: Duration = .seconds(20),
                              outputLimit: Int = CommandRunner.defaultOutputLimit,
                              killGrace: Duration = CommandRunner.defaultKillGrace) async -> CommandOutcome {
        await CommandRunner.run(["/bin/sh", "-c", script], input: input, environment: shellEnvironment,
                                timeout: timeout, outputLimit: outputLimit, killGrace: killGrace)
    }

    /// Whether `pid` is gone (or a zombie, dead but not yet reaped by whoever
    /// inherited it) within `limit`.
    private static func processEnds(_ pid: pid_t, within limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        repeat {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
            // "PID (COMM) STATE …": the state follows the last ')'.
            if let close = stat.lastIndex(of: ")"), stat[close...].dropFirst(2).first == "Z" { return true }
            try? await Task.sleep(for: .milliseconds(20))
        } while ContinuousClock.now < deadline
        return false
    }

    private static func pids(in outcome: CommandOutcome) -> [pid_t] {
        outcome.outputText.split(whereSeparator: \.isWhitespace).compactMap { pid_t($0) }
    }

    // MARK: - Input, environment, exit status

    @Test func theEventOnStdinArrivesByteForByte() async {
        let json = #"{"event":"revised","title":"Ünïcödé — \"quoted\"\n\u0000","post_id":356473}"#
        let input = Array(json.utf8) + [0x0a, 0xff, 0x00]
        let outcome = await CommandRunner.run(["/bin/cat"], input: input, environment: [:], timeout: .seconds(20))
        #expect(outcome.ending == .exited(status: 0))
        #expect(outcome.output == input)
    }

    @Test func inputLargerThanAPipeIsFedWhileTheOutputIsRead() async {
        // cat echoes as it reads: written and read one after the other, 300 KB
        // would fill both pipes and stop both sides.
        let input = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 % 251) }
        let outcome = await CommandRunner.run(["/bin/cat"], input: input, environment: [:], timeout: .seconds(20),
                                              outputLimit: 1 << 20)
        #expect(outcome.ending == .exited(status: 0))
        #expect(outcome.output == input)
        #expect(outcome.droppedOutputCount == 0)
    }

    @Test func theEnvironmentIsExactlyTheOneGivenAndNothingOfOurs() async {
        setenv("FEEDWATCH_TEST_SHOULD_NOT_LEAK", "leaked", 1)
        defer { unsetenv("FEEDWATCH_TEST_SHOULD_NOT_LEAK") }
        let environment = ["FEEDWATCH_EVENT": "revised", "FEEDWATCH_TITLE": "Ünï = cödé, \"quoted\" $HOME"]
        let outcome = await CommandRunner.run(["/usr/bin/env"], input: [], environment: environment,
                                              timeout: .seconds(20))
        #expect(outcome.ending == .exited(status: 0))
        let lines = outcome.outputText.split(separator: "\n").map(String.init)
        #expect(lines.sorted() == ["FEEDWATCH_EVENT=revised", "FEEDWATCH_TITLE=Ünï = cödé, \"quoted\" $HOME"])
    }

    @Test func exitStatusZeroSucceedsAndThreeFails() async {
        let success = await Self.shell("exit 0")
        #expect(success.ending == .exited(status: 0))
        #expect(success.succeeded)
        #expect(success.description == "/bin/sh exited with status 0")

        let failure = await Self.shell("echo 'no route to host' >&2; exit 3")
        #expect(failure.ending == .exited(status: 3))
        #expect(!failure.succeeded)
        #expect(failure.description == "/bin/sh exited with status 3")
        #expect(failure.outputText == "no route to host\n")
    }

    @Test func stdoutAndStderrAreOneTranscriptInTheOrderWritten() async {
        let outcome = await Self.shell("echo one; echo two >&2; echo three; echo four >&2")
        #expect(outcome.outputText == "one\ntwo\nthree\nfour\n")
    }

    @Test func aProgramKilledByASignalIsReportedWithTheSignal() async {
        let outcome = await Self.shell("kill -USR1 $$; sleep 5")
        #expect(outcome.ending == .killed(signal: SIGUSR1))
        #expect(!outcome.succeeded)
        #expect(outcome.description.hasPrefix("/bin/sh was killed by signal \(SIGUSR1) (SIGUSR1"))
    }

    // MARK: - Timeout and cancellation

    @Test func aCommandThatHangsIsKilledAtTheTimeoutWithTheChildItStarted() async {
        let clock = ContinuousClock()
        let started = clock.now
        // The background sleep keeps the output pipe open: waiting for its end would hang too.
        let outcome = await Self.shell("/bin/sleep 60 & echo $!; wait", timeout: .seconds(1))
        let elapsed = clock.now - started
        #expect(outcome.ending == .timedOut(after: .seconds(1)))
        #expect(!outcome.succeeded)
        #expect(outcome.description == "/bin/sh did not finish within 1s and was killed")
        #expect(elapsed >= .seconds(1))
        #expect(elapsed < .seconds(3))
        let grandchild = Self.pids(in: outcome)
        #expect(grandchild.count == 1)
        for pid in grandchild { #expect(await Self.processEnds(pid, within: .seconds(2))) }
    }

    @Test func aCommandThatIgnoresSIGTERMIsKilledAfterTheGrace() async {
        let clock = ContinuousClock()
        let started = clock.now
        // Ignored signals stay ignored across exec: the sleep ignores SIGTERM too.
        let outcome = await Self.shell("trap '' TERM; /bin/sleep 60 & echo $!; wait; wait",
                                       timeout: .milliseconds(500), killGrace: .milliseconds(700))
        let elapsed = clock.now - started
        #expect(outcome.ending == .timedOut(after: .milliseconds(500)))
        #expect(outcome.description == "/bin/sh did not finish within 500ms and was killed")
        #expect(elapsed >= .milliseconds(1200))
        #expect(elapsed < .seconds(4))
        let grandchild = Self.pids(in: outcome)
        #expect(grandchild.count == 1)
        for pid in grandchild { #expect(await Self.processEnds(pid, within: .seconds(2))) }
    }

    @Test func whatATimedOutCommandLeavesBehindIsKilledWhenItDies() async {
        let clock = ContinuousClock()
        let started = clock.now
        // The shell dies of SIGTERM; the sleep it started ignores SIGTERM and
        // would outlive it, holding the output pipe, but for the SIGKILL sent
        // to the group as soon as the shell is gone.
        let outcome = await Self.shell("(trap '' TERM; exec /bin/sleep 60) & echo $!; wait",
                                       timeout: .milliseconds(500), killGrace: .seconds(10))
        #expect(outcome.ending == .timedOut(after: .milliseconds(500)))
        #expect(clock.now - started < .seconds(3))
        let grandchild = Self.pids(in: outcome)
        #expect(grandchild.count == 1)
        for pid in grandchild { #expect(await Self.processEnds(pid, within: .seconds(1))) }
    }

    @Test func aCommandThatExitsIsNotWaitedForBecauseOfWhatItLeftRunning() async throws {
        let clock = ContinuousClock()
        let started = clock.now
        // The background sleep keeps the output pipe open after the shell exits.
        let outcome = await Self.shell("/bin/sleep 5 & echo $!")
        #expect(outcome.ending == .exited(status: 0))
        #expect(clock.now - started < .seconds(2))
        let pid = try #require(Self.pids(in: outcome).first)
        // By design: only a command that times out or is cancelled has its group killed.
        #expect(kill(pid, 0) == 0)
        kill(pid, SIGKILL)
    }

    @Test func cancellingTheTaskKillsTheCommandAndItsChildren() async throws {
        let directory = try TemporaryDirectory()
        let pidFile = directory.file("pids")
        let run = Task {
            await Self.shell("/bin/sleep 60 & echo $$ $! > \(pidFile).tmp; /bin/mv \(pidFile).tmp \(pidFile); wait",
                             timeout: .seconds(60))
        }
        var text: String?
        let deadline = ContinuousClock.now + .seconds(10)
        while text == nil && ContinuousClock.now < deadline {
            text = try? String(contentsOfFile: pidFile, encoding: .utf8)
            if text == nil { try await Task.sleep(for: .milliseconds(20)) }
        }
        let pids = try #require(text).split(whereSeparator: \.isWhitespace).compactMap { pid_t($0) }
        try #require(pids.count == 2)

        let clock = ContinuousClock()
        let cancelled = clock.now
        run.cancel()
        let outcome = await run.value
        #expect(outcome.ending == .cancelled)
        #expect(!outcome.succeeded)
        #expect(clock.now - cancelled < .seconds(2))
        for pid in pids { #expect(await Self.processEnds(pid, within: .seconds(2))) }
    }

    @Test func aTaskCancelledBeforehandStartsNothing() async throws {
        let directory = try TemporaryDirectory()
        let marker = directory.file("ran")
        let outcome = await Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await Self.shell("/usr/bin/touch \(marker)")
        }.value
        #expect(outcome.ending == .cancelled)
        #expect(access(marker, F_OK) != 0)
    }

    // MARK: - Programs that cannot start

    @Test func aMissingProgramCannotStart() async {
        let outcome = await CommandRunner.run(["/nonexistent/feedwatch-hook", "x"], input: Array("{}".utf8),
                                              environment: [:], timeout: .seconds(20))
        #expect(outcome.ending == .couldNotStart(.init(errno: ENOENT, reason:
            "no such file (or the interpreter on its #! line is missing)")))
        #expect(!outcome.succeeded)
        #expect(outcome.description
            == "/nonexistent/feedwatch-hook could not be started: no such file (or the interpreter on its #! line is missing)")
    }

    @Test func aFileThatIsNotExecutableCannotStart() async throws {
        let directory = try TemporaryDirectory()
        let script = try directory.write("on-change", "#!/bin/sh\nexit 0\n")
        chmod(script, 0o644)
        let outcome = await CommandRunner.run([script], input: [], environment: [:], timeout: .seconds(20))
        guard case .couldNotStart(let failure) = outcome.ending else {
            Issue.record("expected a start failure, got \(outcome)")
            return
        }
        #expect(failure.errno == EACCES)
        #expect(outcome.description.hasPrefix("\(script) could not be started: permission denied (is it executable"))
    }

    @Test func aScriptWithoutAnInterpreterLineCannotStart() async throws {
        let directory = try TemporaryDirectory()
        let script = try directory.write("on-change", "echo hello\n")
        chmod(script, 0o755)
        let outcome = await CommandRunner.run([script], input: [], environment: [:], timeout: .seconds(20))
        guard case .couldNotStart(let failure) = outcome.ending else {
            Issue.record("expected a start failure, got \(outcome)")
            return
        }
        #expect(failure.errno == ENOEXEC)
        #expect(outcome.description.contains("a script needs a #! line"))
    }

    @Test func aRelativeProgramIsRefusedRatherThanSearchedForInPATH() async {
        let outcome = await CommandRunner.run(["sh", "-c", "exit 0"], input: [], environment: Self.shellEnvironment,
                                              timeout: .seconds(20))
        guard case .couldNotStart(let failure) = outcome.ending else {
            Issue.record("expected a start failure, got \(outcome)")
            return
        }
        #expect(failure.errno == nil)
        #expect(outcome.description == "sh could not be started: \"sh\" is not an absolute path (commands run "
            + "without a shell or PATH search)")
    }

    // MARK: - Output and input volume

    @Test func largeOutputIsCappedAndCountedWithoutBlockingTheProgram() async {
        let clock = ContinuousClock()
        let started = clock.now
        let outcome = await CommandRunner.run(["/usr/bin/head", "-c", "5000000", "/dev/zero"], input: [],
                                              environment: [:], timeout: .seconds(20))
        #expect(outcome.ending == .exited(status: 0))
        #expect(outcome.output.count == CommandRunner.defaultOutputLimit)
        #expect(outcome.droppedOutputCount == 5_000_000 - CommandRunner.defaultOutputLimit)
        #expect(clock.now - started < .seconds(10))
    }

    @Test func aProgramThatWritesALotBeforeReadingItsInputGetsAllOfIt() async {
        // Exits 0 only if all 3 MB of input arrived after its 3 MB of output.
        let input = [UInt8](repeating: 0x7b, count: 3_000_000)
        let outcome = await Self.shell(#"/usr/bin/head -c 3000000 /dev/zero; n=$(/usr/bin/wc -c); test "$n" -eq 3000000"#,
                                       input: input)
        #expect(outcome.ending == .exited(status: 0))
        #expect(outcome.output.count + outcome.droppedOutputCount == 3_000_000)
    }

    @Test func aProgramThatIgnoresItsInputDoesNotHurtTheDaemon() async {
        // With SIGPIPE at its default, a careless write to the abandoned pipe
        // would kill this test process.
        var previous = sigaction()
        var defaultAction = sigaction()
        defaultAction.__sigaction_handler.sa_handler = SIG_DFL
        sigaction(SIGPIPE, &defaultAction, &previous)
        defer { sigaction(SIGPIPE, &previous, nil) }
        let input = [UInt8](repeating: 0x20, count: 8_000_000)

        let exitsAtOnce = await CommandRunner.run(["/bin/true"], input: input, environment: [:], timeout: .seconds(20))
        #expect(exitsAtOnce.ending == .exited(status: 0))

        // Closes stdin but keeps running, so our writes meet a pipe with no reader.
        let closesStdin = await Self.shell("exec 0<&-; /bin/sleep 0.3; echo still here", input: input)
        #expect(closesStdin.ending == .exited(status: 0))
        #expect(closesStdin.outputText == "still here\n")
    }

    // MARK: - What the child inherits

    @Test func noDescriptorBeyondTheStandardThreeIsInherited() async throws {
        // Opened the careless way, without O_CLOEXEC, like a library might.
        let file = open("/proc/self/status", O_RDONLY)
        var pipeEnds: [Int32] = [-1, -1]
        try #require(file >= 0 && pipe(&pipeEnds) == 0)
        defer { [file, pipeEnds[0], pipeEnds[1]].forEach { close($0) } }
        try #require(fcntl(file, F_GETFD) & FD_CLOEXEC == 0)
        try #require(fcntl(pipeEnds[1], F_GETFD) & FD_CLOEXEC == 0)

        let outcome = await CommandRunner.run(["/bin/ls", "/proc/self/fd"], input: [], environment: [:],
                                              timeout: .seconds(20))
        #expect(outcome.ending == .exited(status: 0))
        // 3 is ls's own handle on the directory it lists, the lowest free number.
        #expect(outcome.outputText.split(separator: "\n").sorted() == ["0", "1", "2", "3"])
    }

    @Test func theProgramStartsWithDefaultSignalsAnEmptyMaskAndItsOwnProcessGroup() async throws {
        // The daemon may ignore signals; ignored signals survive exec unless reset.
        var previous = sigaction()
        var ignore = sigaction()
        ignore.__sigaction_handler.sa_handler = SIG_IGN
        sigaction(SIGUSR2, &ignore, &previous)
        defer { sigaction(SIGUSR2, &previous, nil) }

        let status = await CommandRunner.run(["/bin/cat", "/proc/self/status"], input: [], environment: [:],
                                             timeout: .seconds(20))
        #expect(status.ending == .exited(status: 0))
        let fields = Dictionary(status.outputText.split(separator: "\n").compactMap { line -> (String, String)? in
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            return (String(parts[0]), parts[1].trimmingCharacters(in: .whitespaces))
        }, uniquingKeysWith: { first, _ in first })
        // glibc's posix_spawn leaves its own two internal signals (32 and 33,
        // below SIGRTMIN, which no program can use) ignored; nothing else may be.
        let glibcInternal: UInt64 = 0b11 << 31
        #expect(fields["SigIgn"].flatMap { UInt64($0, radix: 16) }.map { $0 & ~glibcInternal } == 0)
        // The thread that spawns it blocks SIGPIPE for itself.
        #expect(fields["SigBlk"].flatMap { UInt64($0, radix: 16) } == 0)

        let stat = await CommandRunner.run(["/bin/cat", "/proc/self/stat"], input: [], environment: [:],
                                           timeout: .seconds(20))
        // "PID (COMM) STATE PPID PGRP …"
        let text = stat.outputText
        let pid = try #require(text.split(separator: " ").first.flatMap { pid_t($0) })
        let afterName = try #require(text.lastIndex(of: ")").map { text[$0...].split(separator: " ") })
        try #require(afterName.count > 3)
        #expect(pid_t(afterName[3]) == pid)
        #expect(pid != getpgrp())
    }

    // MARK: - Descriptions

    @Test func descriptionsSayWhatHappenedInAnAdministratorsTerms() {
        let program = "/usr/local/bin/on-change"
        #expect(CommandOutcome(program: program, ending: .exited(status: 3)).description
            == "/usr/local/bin/on-change exited with status 3")
        #expect(CommandOutcome(program: program, ending: .timedOut(after: .seconds(30))).description
            == "/usr/local/bin/on-change did not finish within 30s and was killed")
        #expect(CommandOutcome(program: program, ending: .timedOut(after: .seconds(120))).description
            == "/usr/local/bin/on-change did not finish within 2m and was killed")
        #expect(CommandOutcome(program: program, ending: .killed(signal: SIGSEGV)).description
            == "/usr/local/bin/on-change was killed by signal 11 (SIGSEGV, Segmentation fault)")
        #expect(CommandOutcome(program: program, ending: .cancelled).description
            == "/usr/local/bin/on-change was killed before it finished because feedwatch cancelled the delivery "
            + "(stopping or reloading)")
        #expect(!CommandOutcome(program: program, ending: .statusLost).succeeded)
    }
}
