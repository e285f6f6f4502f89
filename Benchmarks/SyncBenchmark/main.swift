import FeedwatchCore
import Foundation
import Logging

// Syncs a farm of fake WordPress sites on loopback with the real engine and
// prints what it cost: the first full sync, a steady cycle with nothing
// changed, a cycle with 1% of posts changed, and peak memory.
//
//   swift run -c release sync-benchmark [SITES] [POSTS] [STEADY_CYCLES]     (default 1000 100 1)

let arguments = CommandLine.arguments
let siteCount = arguments.count > 1 ? Int(arguments[1]) ?? 1000 : 1000
let postCount = arguments.count > 2 ? Int(arguments[2]) ?? 100 : 100
/// More than one steady cycle, to profile it: the figures printed are the last cycle's.
let steadyCycles = arguments.count > 3 ? max(1, Int(arguments[3]) ?? 1) : 1

/// The farm, started from the executable beside this one.
final class Farm {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var buffer = Data()
    private(set) var sites: [(name: String, url: String)] = []

    init() throws {
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("fake-farm")
        process.arguments = [String(siteCount), String(postCount)]
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        while let line = readLine(), line != "READY" {
            let parts = line.split(separator: " ")
            if parts.count == 3, parts[0] == "SITE" { sites.append((String(parts[1]), String(parts[2]))) }
        }
    }

    func command(_ text: String) -> String {
        input.fileHandleForWriting.write(Data((text + "\n").utf8))
        return readLine() ?? ""
    }

    func stats() -> (requests: Int, bytes: Int) {
        let parts = command("stats").split(separator: " ")
        return (Int(parts[1]) ?? 0, Int(parts[2]) ?? 0)
    }

    func stop() {
        _ = try? input.fileHandleForWriting.write(contentsOf: Data("quit\n".utf8))
        process.waitUntilExit()
    }

    private func readLine() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { return nil }
            buffer.append(chunk)
        }
    }
}

/// CPU seconds (user + system) and peak RSS of this process.
func usage() -> (cpu: Double, peakMB: Double) {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let cpu = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    return (cpu, Double(usage.ru_maxrss) / 1024)
}

struct Phase {
    var wall: Double
    var cpu: Double
    var requests: Int
    var bytes: Int
    var failures: Int
}

func measure(_ farm: Farm, _ body: () async -> Int) async -> Phase {
    let before = farm.stats()
    let cpu = usage().cpu
    let start = ContinuousClock.now
    let failures = await body()
    let elapsed = ContinuousClock.now - start
    let after = farm.stats()
    let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return Phase(wall: wall, cpu: usage().cpu - cpu, requests: after.requests - before.requests,
                 bytes: after.bytes - before.bytes, failures: failures)
}

let farmStart = ContinuousClock.now
let farm = try Farm()
print("farm: \(siteCount) sites x \(postCount) posts on 127.0.0.1, ready in \(ContinuousClock.now - farmStart)")
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("feedwatch-bench-\(UUID().uuidString)").path
defer { try? FileManager.default.removeItem(atPath: directory) }
var logger = Logger(label: "bench")
logger.logLevel = .error
let configuration = Configuration(source: "benchmark", sites: farm.sites.map { SiteConfiguration(name: $0.name, url: $0.url) })
let engine = try Engine(configuration: configuration, databasePath: "\(directory)/feedwatch.db",
                        environment: [:], logger: logger)
let poller = Poller(syncers: configuration.sites.map(engine.syncer), concurrency: configuration.concurrency)

func report(_ title: String, _ phase: Phase, posts: Int? = nil) {
    let perSite = Double(siteCount)
    var line = String(format: "%@: wall %.2f s, CPU %.2f s (%.2f ms per site), %.1f requests and %.0f bytes received per site",
                      title, phase.wall, phase.cpu, phase.cpu * 1000 / perSite, Double(phase.requests) / perSite,
                      Double(phase.bytes) / perSite)
    if let posts { line += String(format: ", %.0f posts/s", Double(posts) / phase.wall) }
    if phase.failures > 0 { line += ", \(phase.failures) sites FAILED" }
    print(line)
}

let first = await measure(farm) { await poller.pollOnce().count }
report("first full sync", first, posts: siteCount * postCount)
var steady = await measure(farm) { await poller.pollOnce().count }
for _ in 1..<steadyCycles { steady = await measure(farm) { await poller.pollOnce().count } }
report("steady cycle, nothing changed", steady)
let changes = siteCount * postCount / 100
_ = farm.command("change \(changes)")
let changed = await measure(farm) { await poller.pollOnce().count }
report("cycle with 1% of posts changed (\(changes) posts)", changed)
print(String(format: "peak RSS: %.1f MB", usage().peakMB))
await engine.shutdown()
farm.stop()
