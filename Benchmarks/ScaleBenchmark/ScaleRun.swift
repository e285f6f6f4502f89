import Foundation
import GRDB
import TestSupport

/// One pass of the benchmark: the release `feedwatch run` against every site of
/// the farm over one scheme, through its first cycle (every site baselined,
/// every event written to the journal) and then one quiet interval, with the
/// figures of docs/benchmarks.md printed as it goes. Sites that fail
/// (`refused`, `broken`) get one interval after every site's first attempt,
/// and what each attempt costs.
struct ScaleRun {
    enum Kind: String, CaseIterable {
        case http, https
        /// http, with every site's name looked up in DNS (`LocalResolver`).
        case dns
        /// Every site on a loopback port nobody listens on.
        case refused
        /// Every site answers its front page with WordPress's fatal error page, HTTP 500.
        case broken

        var fails: Bool { self == .refused || self == .broken }
    }

    let feedwatch: String
    let farm: NginxFarm
    let sites: Int
    let kind: Kind
    let interval: Int
    let directory: String
    let interruption: Interruption
    /// The DNS server of the `dns` run.
    var resolver: LocalResolver?

    /// The unit's `WatchdogSec=`.
    static let watchdogSeconds = 60
    /// How long the first cycle may take before the benchmark gives up.
    static let firstCycleLimit: Duration = .seconds(3600)

    private var scheme: String { kind.rawValue }
    private var configPath: String { "\(directory)/feedwatch.json" }
    private var databasePath: String { "\(directory)/feedwatch.db" }

    func run() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try writeConfiguration()
        say("\(sites) sites over \(scheme), interval \(interval) s")

        let checkStart = ContinuousClock.now
        let (status, output) = try ChildProcess.run(feedwatch, ["check", "--config", configPath])
        guard status == 0 else { throw BenchmarkError("feedwatch check exited \(status): \(output.prefix(2000))") }
        say("config: \(seconds(ContinuousClock.now - checkStart)) s to validate (feedwatch check)")

        let notify = try NotifyListener(path: "\(directory)/notify.sock")
        defer { notify.stop() }
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = notify.path
        environment["WATCHDOG_USEC"] = String(Self.watchdogSeconds * 1_000_000)
        let started = ContinuousClock.now, startedAt = Date()
        var command = (path: feedwatch, arguments: ["run", "--config", configPath, "--database", databasePath])
        if let resolver { command = resolver.command(command.path, command.arguments) }
        let daemon = try ChildProcess(command.path, command.arguments,
                                      environment: environment, errors: "\(directory)/daemon.stderr")
        defer {
            let status = daemon.stop(grace: 30)
            say("daemon stopped, exit status \(status)")
        }
        let ready = try waitForReady(notify, daemon: daemon, since: started)
        say("daemon: READY=1 after \(seconds(ready - started)) s")

        let progress = try SyncProgress(databasePath: databasePath)
        if kind.fails {
            try measureFailures(progress, daemon: daemon, since: started)
            report(notify)
            return
        }
        let baselined = try waitForFirstCycle(progress, daemon: daemon, since: started)
        say("first cycle: every site baselined and its event in the journal after \(seconds(baselined - started)) s"
            + " (\(Int(Double(sites) / max((baselined - started) / .seconds(1), 0.001))) sites/s)")
        try interruption.sleep(seconds: 2)  // journald stores what it was sent a moment later
        say("journal: \(try baselinesInJournal(since: startedAt)) of \(sites) sites have their baseline entry")

        let quietStart = Date()
        let cpuBefore = ProcessUsage.cpuSeconds(daemon.pid), farmBefore = farm.cpuSeconds
        let resolverBefore = resolver?.cpuSeconds ?? 0
        let until = ContinuousClock.now + .seconds(interval)
        var lastReport = ContinuousClock.now
        while ContinuousClock.now < until {
            try interruption.sleep(seconds: min(1, max(0, (until - ContinuousClock.now) / .seconds(1))))
            guard daemon.isRunning else { throw BenchmarkError("the daemon ended during the quiet cycle: \(stderrTail)") }
            if ContinuousClock.now - lastReport >= .seconds(60) {
                say("  quiet cycle: \(try progress.synced(since: quietStart)) sites synced so far")
                lastReport = .now
            }
        }
        let cpu = ProcessUsage.cpuSeconds(daemon.pid) - cpuBefore, farmCPU = farm.cpuSeconds - farmBefore
        let resolverCPU = (resolver?.cpuSeconds ?? 0) - resolverBefore
        let synced = try progress.synced(since: quietStart)
        // The scheduler spreads each site's next sync over its interval ±5%, so
        // that sites configured alike drift apart: a site may come up to 5% late.
        try interruption.sleep(seconds: Double(interval) * 0.05 + 2)
        let syncedWithJitter = try progress.synced(since: quietStart)
        let failing = try progress.failing(since: quietStart)
        let memory = ProcessUsage.memory(daemon.pid)
        say("quiet cycle: \(synced) of \(sites) sites synced within \(interval) s, \(syncedWithJitter) within "
            + "\(interval) s + 5% + 2 s; \(failing) failing")
        say("quiet cycle CPU over \(interval) s: feedwatch \(format(cpu, 2)) s, "
            + "\(format(cpu * 1000 / Double(sites), 3)) ms per site; nginx \(format(farmCPU, 2)) s"
            + (resolver == nil ? "" : "; dnsmasq \(format(resolverCPU, 2)) s"))
        report(notify, memory: memory)
    }

    /// Waits for every site's first failed attempt, then counts the attempts of
    /// one interval (each site backs off: its second attempt comes half an
    /// interval to an interval after its first) and their CPU.
    private func measureFailures(_ progress: SyncProgress, daemon: ChildProcess,
                                 since started: ContinuousClock.Instant) throws {
        while try progress.firstCycle().failing < sites {
            guard daemon.isRunning else { throw BenchmarkError("the daemon ended during the first attempts: \(stderrTail)") }
            guard ContinuousClock.now - started < Self.firstCycleLimit else {
                throw BenchmarkError("not every site was tried within \(Self.firstCycleLimit)")
            }
            try interruption.sleep(seconds: 1)
        }
        say("first attempts: every site failed once after \(seconds(ContinuousClock.now - started)) s")
        let attemptsBefore = try progress.failedAttempts()
        let cpuBefore = ProcessUsage.cpuSeconds(daemon.pid), farmBefore = farm.cpuSeconds
        try interruption.sleep(seconds: Double(interval))
        guard daemon.isRunning else { throw BenchmarkError("the daemon ended while sites failed: \(stderrTail)") }
        let cpu = ProcessUsage.cpuSeconds(daemon.pid) - cpuBefore, farmCPU = farm.cpuSeconds - farmBefore
        let attempts = try progress.failedAttempts() - attemptsBefore
        say("failing cycle: \(attempts) failed attempts in \(interval) s; feedwatch \(format(cpu, 2)) s of CPU, "
            + "\(format(cpu * 1000 / Double(max(attempts, 1)), 3)) ms per attempt; nginx \(format(farmCPU, 2)) s")
    }

    private func report(_ notify: NotifyListener, memory: (rss: Double, peak: Double)? = nil) {
        say("watchdog: longest gap between WATCHDOG=1 \(seconds(notify.current.longestWatchdogGap)) s "
            + "(WatchdogSec=\(Self.watchdogSeconds))")
        if let memory {
            say("memory: \(format(memory.rss, 1)) MB RSS at the end, \(format(memory.peak, 1)) MB peak")
        }
        say("database: \(format(databaseMegabytes, 1)) MB (\(Int(databaseMegabytes * 1_048_576 / Double(sites))) bytes per site)")
        say("status: \(notify.current.status)")
    }

    private func writeConfiguration() throws {
        var text = "{\n  \"defaults\": {\"interval\": \(interval)"
        if kind == .https { text += ", \"caFile\": \"\(try caBundle())\"" }
        text += "},\n  \"database\": \"\(databasePath)\",\n  \"sites\": [\n"
        let closedPort = kind == .refused ? try LoopbackPort.free() : 0
        for index in 0..<sites {
            let url = switch kind {
            case .http, .https: farm.url(site: index, https: kind == .https)
            case .dns: "http://s\(index).\(LocalResolver.domain):\(farm.httpPort)/"
            case .refused: "http://s\(index).farm.localhost:\(closedPort)/"
            case .broken: farm.brokenURL(site: index)
            }
            text += "    {\"name\": \"scale-\(scheme)-\(index)\", \"url\": \"\(url)\"}"
            text += index == sites - 1 ? "\n" : ",\n"
        }
        text += "  ]\n}\n"
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// The farm's CA after the system's bundle, as every site's `caFile`: a
    /// real site's certificate is checked against the system's 140-odd
    /// authorities, and the store libcurl builds from them is what each new
    /// connection would otherwise parse again.
    private func caBundle() throws -> String {
        let path = "\(directory)/ca-bundle.pem"
        let system = (try? String(contentsOfFile: "/etc/ssl/certs/ca-certificates.crt", encoding: .utf8)) ?? ""
        try (system + String(contentsOfFile: farm.caFile, encoding: .utf8)).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func waitForReady(_ notify: NotifyListener, daemon: ChildProcess,
                              since started: ContinuousClock.Instant) throws -> ContinuousClock.Instant {
        while ContinuousClock.now - started < .seconds(300) {
            if let ready = notify.current.ready { return ready }
            guard daemon.isRunning else { throw BenchmarkError("the daemon ended before READY=1: \(stderrTail)") }
            try interruption.sleep(seconds: 0.05)
        }
        throw BenchmarkError("no READY=1 within 300 s")
    }

    private func waitForFirstCycle(_ progress: SyncProgress, daemon: ChildProcess,
                                   since started: ContinuousClock.Instant) throws -> ContinuousClock.Instant {
        var lastReport = ContinuousClock.now
        while ContinuousClock.now - started < Self.firstCycleLimit {
            let state = try progress.firstCycle()
            if state.baselined == sites, state.unreported == 0 { return .now }
            guard daemon.isRunning else { throw BenchmarkError("the daemon ended during the first cycle: \(stderrTail)") }
            if ContinuousClock.now - lastReport >= .seconds(30) {
                say("  first cycle: \(state.baselined) baselined, \(state.failing) failing, "
                    + "\(state.unreported) events waiting for the journal")
                lastReport = .now
            }
            try interruption.sleep(seconds: 1)
        }
        throw BenchmarkError("the first cycle did not end within \(Self.firstCycleLimit)")
    }

    /// The sites of this run with a `baseline` entry in the journal since `time`, each counted once.
    private func baselinesInJournal(since time: Date) throws -> Int {
        let (status, output) = try ChildProcess.run("/usr/bin/journalctl", [
            "--no-pager", "--since", "@\(Int(time.timeIntervalSince1970) - 1)", "FEEDWATCH_EVENT=baseline",
            "-o", "cat", "--output-fields=FEEDWATCH_SITE",
        ], mergeErrors: false)
        guard status == 0 else { throw BenchmarkError("journalctl exited \(status)") }
        return Set(output.split(separator: "\n").filter { $0.hasPrefix("scale-\(scheme)-") }).count
    }

    private var databaseMegabytes: Double {
        ["", "-wal"].reduce(0) { total, suffix in
            let attributes = try? FileManager.default.attributesOfItem(atPath: databasePath + suffix)
            return total + Double(attributes?[.size] as? Int ?? 0) / 1_048_576
        }
    }

    private var stderrTail: String {
        String(((try? String(contentsOfFile: "\(directory)/daemon.stderr", encoding: .utf8)) ?? "").suffix(2000))
    }

    private func say(_ line: String) { printLine("[\(scheme)] \(line)") }
}

func seconds(_ duration: Duration) -> String { format(duration / .seconds(1), 2) }

func format(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }

/// One line to standard output at once, not when a buffer fills: the runs are long.
func printLine(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
