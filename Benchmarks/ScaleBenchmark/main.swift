import Foundation
import TestSupport

// The scale benchmark (docs/benchmarks.md): a farm of WordPress-shaped sites
// served by nginx on loopback, and the release `feedwatch run` through its first
// cycle and one quiet interval, over http and then over https with the farm's
// test CA as every site's caFile.
//
//   scale-benchmark SITES [SCHEMES] [INTERVAL]     (default 1000 http,https 300)
//
// `make scale-benchmark SITES=100000` builds and runs it. It needs nginx and
// openssl (Debian's packages), and the release feedwatch beside it.

let arguments = CommandLine.arguments
let siteCount = arguments.count > 1 ? Int(arguments[1]) ?? 1000 : 1000
let schemes = arguments.count > 2 ? arguments[2].split(separator: ",").map(String.init) : ["http", "https"]
let interval = arguments.count > 3 ? Int(arguments[3]) ?? 300 : 300
let feedwatch = URL(fileURLWithPath: arguments[0]).deletingLastPathComponent().appendingPathComponent("feedwatch").path

guard siteCount > 0, interval >= 10, schemes.allSatisfy({ $0 == "http" || $0 == "https" }) else {
    FileHandle.standardError.write(Data("usage: scale-benchmark SITES [http,https] [INTERVAL >= 10]\n".utf8))
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
    for scheme in schemes {
        try ScaleRun(feedwatch: feedwatch, farm: farm, sites: siteCount, https: scheme == "https", interval: interval,
                     directory: root.file(scheme), interruption: interruption).run()
    }
} catch {
    FileHandle.standardError.write(Data("scale-benchmark: \(error)\n".utf8))
    exit(1)
}
