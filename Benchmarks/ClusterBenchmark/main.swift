import Foundation
import TestSupport

// The cluster benchmark (docs/benchmarks.md): one, two and three release
// `feedwatch run` daemons sharing one PostgreSQL database (a server of its own,
// from Debian's postgresql, in a temp dir) poll a farm of WordPress-shaped sites
// served by nginx on loopback, beside one daemon on SQLite: the first cycle's
// syncs per second, then one quiet stretch of two intervals: syncs per second,
// CPU per quiet sync (the daemons', and PostgreSQL's own), and the database
// transactions per quiet sync, where the leases show.
//
//   cluster-benchmark [SITES] [INTERVAL]      (default 2000 sites, 20 s)
//
// `make cluster-benchmark` builds and runs it; it needs nginx, openssl and
// postgresql (Debian's packages), and the release feedwatch beside it.

let arguments = CommandLine.arguments
let siteCount = arguments.count > 1 ? Int(arguments[1]) ?? 2000 : 2000
let interval = arguments.count > 2 ? Int(arguments[2]) ?? 20 : 20
let feedwatch = URL(fileURLWithPath: arguments[0]).deletingLastPathComponent().appendingPathComponent("feedwatch").path

guard siteCount > 0, interval >= 10 else {
    FileHandle.standardError.write(Data("usage: cluster-benchmark [SITES] [INTERVAL >= 10]\n".utf8))
    exit(64)
}

do {
    let root = try TemporaryDirectory()
    try FileManager.default.createDirectory(atPath: root.file("farm"), withIntermediateDirectories: true)
    let farm = try NginxFarm(directory: root.file("farm"))
    defer { farm.stop() }
    printLine("cluster-benchmark: \(siteCount) sites, interval \(interval) s, nginx on 127.0.0.1:\(farm.httpPort), "
        + "\(ProcessInfo.processInfo.activeProcessorCount) cores")
    var results: [ClusterRun.Figures] = []
    for (backend, daemons) in [(ClusterRun.Backend.sqlite, 1), (.postgresql, 1), (.postgresql, 2), (.postgresql, 3)] {
        let run = ClusterRun(feedwatch: feedwatch, farm: farm, sites: siteCount, interval: interval, backend: backend,
                             daemons: daemons, directory: root.file("\(backend)-\(daemons)"))
        results.append(try run.run())
    }
    printLine("")
    printLine("| store | daemons | first cycle, syncs/s | quiet syncs/s | CPU ms per quiet sync (feedwatch) | (database server) | transactions per quiet sync |")
    printLine("|---|---:|---:|---:|---:|---:|---:|")
    for figures in results { printLine(figures.row) }
} catch {
    FileHandle.standardError.write(Data("cluster-benchmark: \(error)\n".utf8))
    exit(1)
}
