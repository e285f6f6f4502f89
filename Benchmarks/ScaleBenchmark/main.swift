import Foundation
import TestSupport

// The scale benchmark (docs/benchmarks.md): a farm of WordPress-shaped sites
// served by nginx on loopback, and the release `feedwatch run` through its first
// cycle and one quiet interval, over http and then over https with the farm's
// test CA as every site's caFile; `dns` is http with every site's name looked
// up through a DNS server on loopback (dnsmasq; needs root); `refused` and `broken` run sites that fail
// (connection refused, HTTP 500) and print the CPU of each failed attempt.
//
//   scale-benchmark SITES [RUNS] [INTERVAL]     (default 1000 http,https 300;
//                                               RUNS from http, https, dns, refused, broken)
//
// `make scale-benchmark SITES=100000` builds and runs it. It needs nginx and
// openssl (Debian's packages), and the release feedwatch beside it.

let arguments = CommandLine.arguments
let siteCount = arguments.count > 1 ? Int(arguments[1]) ?? 1000 : 1000
let runs = arguments.count > 2 ? arguments[2].split(separator: ",").map { ScaleRun.Kind(rawValue: String($0)) }
    : [.http, .https]
let interval = arguments.count > 3 ? Int(arguments[3]) ?? 300 : 300
let feedwatch = URL(fileURLWithPath: arguments[0]).deletingLastPathComponent().appendingPathComponent("feedwatch").path

guard siteCount > 0, interval >= 10, runs.allSatisfy({ $0 != nil }) else {
    FileHandle.standardError.write(Data("usage: scale-benchmark SITES [http,https,dns,refused,broken] [INTERVAL >= 10]\n".utf8))
    exit(64)
}

let interruption = Interruption()
do {
    let root = try TemporaryDirectory()
    try FileManager.default.createDirectory(atPath: root.file("farm"), withIntermediateDirectories: true)
    let farm = try NginxFarm(directory: root.file("farm"))
    defer { farm.stop() }
    printLine("scale-benchmark: \(siteCount) sites, nginx on 127.0.0.1:\(farm.httpPort) (http) and :\(farm.httpsPort) (https), "
          + "\(ProcessInfo.processInfo.activeProcessorCount) cores")
    let resolver = runs.contains(.dns) ? try LocalResolver(directory: root.file("resolver")) : nil
    defer { resolver?.stop() }
    for case let kind? in runs {
        try ScaleRun(feedwatch: feedwatch, farm: farm, sites: siteCount, kind: kind, interval: interval,
                     directory: root.file(kind.rawValue), interruption: interruption,
                     resolver: kind == .dns ? resolver : nil).run()
    }
} catch {
    FileHandle.standardError.write(Data("scale-benchmark: \(error)\n".utf8))
    exit(1)
}
