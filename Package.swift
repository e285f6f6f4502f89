// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "feedwatch",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "feedwatch", targets: ["feedwatch"]),
        .library(name: "FeedwatchCore", targets: ["FeedwatchCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    ],
    targets: [
        .executableTarget(
            name: "feedwatch",
            dependencies: [
                "FeedwatchCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "FeedwatchCore",
            dependencies: [
                "CCurl",
                "CPostgreSQL",
                "CSystemd",
                "CZlib",
                "Locking",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HeapModule", package: "swift-collections"),
            ]
        ),
        .target(name: "Locking"),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "CPostgreSQL",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .systemLibrary(
            name: "CSystemd",
            pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(
            name: "FakeWordPress",
            dependencies: ["Locking"],
            path: "Tests/FakeWordPress"
        ),
        .executableTarget(
            name: "fake-farm",
            dependencies: ["FakeWordPress"],
            path: "Benchmarks/FakeFarm"
        ),
        .executableTarget(
            name: "sync-benchmark",
            dependencies: [
                "FeedwatchCore",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/SyncBenchmark"
        ),
        .executableTarget(
            name: "history-benchmark",
            dependencies: ["FeedwatchCore", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Benchmarks/HistoryBenchmark"
        ),
        .executableTarget(
            name: "scale-benchmark",
            dependencies: ["TestSupport", "Locking", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Benchmarks/ScaleBenchmark"
        ),
        .executableTarget(
            name: "cluster-benchmark",
            dependencies: ["TestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Benchmarks/ClusterBenchmark"
        ),
        .target(
            name: "TestSupport",
            dependencies: ["Locking", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "FeedwatchCoreTests",
            dependencies: ["FeedwatchCore", "FakeWordPress", "Locking", "TestSupport"]
        ),
        .testTarget(
            name: "FeedwatchCLITests",
            dependencies: ["FakeWordPress", "Locking", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // A real WordPress (Debian's wordpress, mariadb-server, php-fpm, nginx)
        // started on loopback per suite, against which the built binary runs:
        // docs/real-wordpress.md.
        .testTarget(
            name: "RealWordPressTests",
            dependencies: ["FeedwatchCore", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            exclude: ["PHP"]
        ),
    ]
)

// The libFuzzer targets (Fuzz/Targets/<name>), only when FEEDWATCH_FUZZ is set, as
// `make fuzz` does: they have no `main` of their own (libFuzzer's is linked in by
// `--sanitize=fuzzer`) and reach internal parsers with `@testable import`, which a
// release build refuses, so a plain `swift build` must not see them.
if Context.environment["FEEDWATCH_FUZZ"] != nil {
    let fuzzTargets = ["config", "post-page", "normalizer", "readable-text", "line-diff", "retry-after", "link-header"]
    for name in fuzzTargets {
        package.targets.append(.executableTarget(
            name: "fuzz-\(name)",
            dependencies: ["FeedwatchCore"],
            path: "Fuzz/Targets/\(name)",
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ))
        package.products.append(.executable(name: "fuzz-\(name)", targets: ["fuzz-\(name)"]))
    }
}
