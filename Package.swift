// swift-tools-version:6.2
// Stepline: a durable workflow engine on one LMDB log.
// Module map and dependency direction: docs/architecture.md (SteplineCLI -> SteplineServer -> Workflows, Queues, Topics, EventBuses -> Runtime -> EventLog -> LMDB -> CLMDB,
// Stepline wiring the services); Tests/SteplineTests/ModuleImportTests.swift checks every import against it.

import CompilerPluginSupport
import PackageDescription

/// One settings array for every target (STYLE: Package.swift).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "Stepline",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "stepline", targets: ["SteplineCLI"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
        .package(url: "https://github.com/swiftlang/swift-syntax.git", from: "603.0.1"),
    ],
    targets: []
)

// Each area adds its own targets in its own block, so parallel work on different
// modules does not collide in this file.

// MARK: TestSupport: what every test target shares (a temporary directory, waiting for a condition); no dependencies
package.targets += [
    .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: swiftSettings)
]

// MARK: Memberwise: `@MemberwiseInit(.public)`, the memberwise init of the record and option structs
// (docs/architecture.md argues the macro and its build cost)
package.targets += [
    .macro(
        name: "MemberwiseMacros",
        dependencies: [
            .product(name: "SwiftSyntax", package: "swift-syntax"),
            .product(name: "SwiftSyntaxBuilder", package: "swift-syntax"),
            .product(name: "SwiftSyntaxMacros", package: "swift-syntax"),
            .product(name: "SwiftCompilerPlugin", package: "swift-syntax"),
        ],
        swiftSettings: swiftSettings
    ),
    .target(name: "Memberwise", dependencies: ["MemberwiseMacros"], swiftSettings: swiftSettings),
    .testTarget(
        name: "MemberwiseMacrosTests",
        dependencies: [
            "MemberwiseMacros",
            .product(name: "SwiftSyntaxMacroExpansion", package: "swift-syntax"),
            .product(name: "SwiftSyntaxMacrosGenericTestSupport", package: "swift-syntax"),
        ],
        swiftSettings: swiftSettings
    ),
]

// MARK: JSON (pure): JSONValue, parser, serializer, JSONPath
package.targets += [
    .target(name: "JSON", swiftSettings: swiftSettings),
    .testTarget(name: "JSONTests", dependencies: ["JSON"], swiftSettings: swiftSettings),
    // `swift run -c release JSONBenchmark`: throughput against Foundation's JSONSerialization.
    .executableTarget(name: "JSONBenchmark", dependencies: ["JSON"], swiftSettings: swiftSettings),
]

// MARK: Log: CLMDB, LMDB, EventLog
package.targets += [
    .systemLibrary(name: "CLMDB", pkgConfig: "lmdb", providers: [.apt(["liblmdb-dev"])]),
    .target(name: "LMDB", dependencies: ["CLMDB", "Memberwise"], swiftSettings: swiftSettings),
    .target(
        name: "EventLog",
        dependencies: [
            "LMDB", "Memberwise",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "DequeModule", package: "swift-collections"),
        ],
        swiftSettings: swiftSettings
    ),
    .testTarget(name: "LMDBTests", dependencies: ["LMDB", "TestSupport"], swiftSettings: swiftSettings),
    .testTarget(name: "EventLogTests", dependencies: ["EventLog", "LMDB", "TestSupport"], swiftSettings: swiftSettings),
    // Runs the built `stepline` binary (found beside the test bundle); `swift build --build-tests` builds it.
    .testTarget(name: "SteplineCLITests", dependencies: ["EventLog", "LMDB", "TestSupport"], swiftSettings: swiftSettings),
]

// MARK: States Language (pure)
package.targets += [
    .target(
        name: "StatesLanguage",
        dependencies: ["JSON", "Memberwise", .product(name: "Crypto", package: "swift-crypto")],
        swiftSettings: swiftSettings
    ),
    .testTarget(name: "StatesLanguageTests", dependencies: ["StatesLanguage", "JSON"], swiftSettings: swiftSettings),
    .executableTarget(name: "ASLBenchmark", dependencies: ["StatesLanguage", "JSON"], swiftSettings: swiftSettings),
    // `tools/bench-jsonata`: JSONata evaluations per second, against the reference implementation in node.
    .executableTarget(name: "JSONataBenchmark", dependencies: ["StatesLanguage", "JSON"], swiftSettings: swiftSettings),
]

// MARK: Messaging (pure)
package.targets += [
    .target(
        name: "Messaging",
        dependencies: ["JSON", "Memberwise", .product(name: "Crypto", package: "swift-crypto")],
        swiftSettings: swiftSettings,
        // Rounding numbers calls libm, which nothing links on Linux unless Foundation or Glibc is imported.
        linkerSettings: [.linkedLibrary("m", .when(platforms: [.linux]))]
    ),
    .testTarget(name: "MessagingTests", dependencies: ["Messaging", "JSON"], swiftSettings: swiftSettings),
    .executableTarget(name: "PatternBenchmark", dependencies: ["Messaging", "JSON"], swiftSettings: swiftSettings),
]

// MARK: Runtime: what every service shares (the clock, the one Scheduler, the invoker, records, errors)
package.targets += [
    .target(
        name: "Runtime",
        dependencies: [
            "EventLog", "LMDB", "JSON", "StatesLanguage", "Memberwise",
            .product(name: "HeapModule", package: "swift-collections"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Subprocess", package: "swift-subprocess"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Yams", package: "Yams"),
        ],
        swiftSettings: swiftSettings
    ),
    .testTarget(name: "RuntimeTests", dependencies: ["Runtime", "EventLog", "LMDB", "JSON", "TestSupport"], swiftSettings: swiftSettings),
]

// MARK: Services, one module each on Runtime: Workflows (the engine), Queues, Topics, EventBuses (with pipes)
let serviceDependencies: [Target.Dependency] = [
    "Runtime", "EventLog", "LMDB", "JSON", "Memberwise",
    .product(name: "Logging", package: "swift-log"),
    .product(name: "HeapModule", package: "swift-collections"),
    .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
]
let services = ["Workflows", "Queues", "Topics", "EventBuses"]
package.targets += [
    .target(name: "Queues", dependencies: serviceDependencies + ["Messaging"], swiftSettings: swiftSettings),
    .target(
        name: "Topics",
        dependencies: serviceDependencies + [
            "Queues", "Messaging",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ],
        swiftSettings: swiftSettings
    ),
    .target(
        name: "EventBuses",
        dependencies: serviceDependencies + ["Queues", "Topics", "Messaging"],
        swiftSettings: swiftSettings
    ),
    .target(
        name: "Workflows",
        dependencies: serviceDependencies + ["StatesLanguage"],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "EngineTests",
        dependencies: ["EventLog", "StatesLanguage", "JSON", "Messaging", "Runtime", "Stepline", "SteplineTesting", "TestSupport"]
            + services.map { .target(name: $0) },
        swiftSettings: swiftSettings
    ),
]

// MARK: Stepline: the composition root (Stepline.open), the shared test harness, the embedding example
package.targets += [
    .target(
        name: "Stepline",
        dependencies: [
            "EventLog", "JSON", "Runtime", "Workflows", "Queues", "Topics", "EventBuses",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ],
        swiftSettings: swiftSettings
    ),
    // One harness for every test that needs a running system: Stepline.open with a manual clock.
    .target(
        name: "SteplineTesting",
        dependencies: ["Stepline", "EventLog", "Runtime"] + services.map { .target(name: $0) },
        path: "Tests/SteplineTesting",
        swiftSettings: swiftSettings
    ),
    // The program docs/embedding.md shows; SteplineTests checks the two are the same text and runs it.
    .executableTarget(
        name: "EmbeddingExample",
        dependencies: ["Stepline", "Workflows", "JSON", "StatesLanguage"],
        path: "Examples/EmbeddingExample",
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "SteplineTests",
        dependencies: ["Stepline", "SteplineTesting", "TestSupport", "EventLog", "JSON", "StatesLanguage"] + services.map { .target(name: $0) },
        swiftSettings: swiftSettings
    ),
]

// MARK: Server
package.targets += [
    .target(
        name: "SteplineServer",
        dependencies: [
            "JSON", "Memberwise",
            // The operation tables run on the services; the Step Functions handler validates definitions.
            "Workflows", "Queues", "Topics", "EventBuses",
            // The console reads the Engine's clock.
            "Runtime",
            "StatesLanguage",
            .product(name: "Hummingbird", package: "hummingbird"),
            // The remote address of a request (console sign-in throttling).
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "SteplineServerTests",
        dependencies: [
            "SteplineServer",
            "JSON",
            // The console's routes are tested on a real Engine in a temporary directory.
            "Workflows", "Queues", "Topics", "EventBuses",
            // The error mapping is tested with LMDB's own errors and the services' codes.
            "EventLog",
            "LMDB",
            "Messaging",
            "Stepline",
            "SteplineTesting",
            "TestSupport",
            "Runtime",
            "StatesLanguage",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ],
        exclude: ["Fixtures"],
        swiftSettings: swiftSettings
    ),
]

// MARK: CLI
package.targets += [
    .executableTarget(
        name: "SteplineCLI",
        dependencies: [
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            "SteplineServer",
            "Stepline",
            "EventLog",
            "Workflows", "Queues", "Topics", "EventBuses",
            // `stepline bench lateness` times the Scheduler alone too.
            "Runtime",
            "JSON",
            "StatesLanguage",
        ],
        swiftSettings: swiftSettings
    )
]

// MARK: ActivityWorker: a reusable activity worker client of the HTTP API (never of Engine)
package.targets += [
    .target(
        name: "ActivityWorker",
        dependencies: [
            "JSON",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ],
        swiftSettings: swiftSettings
    ),
    // The library as a command (the Swift twin of tools/workers/activity-worker), so it can be run and tested end to end.
    .executableTarget(
        name: "SteplineActivityWorker",
        dependencies: [
            "ActivityWorker",
            "JSON",
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "ActivityWorkerTests",
        dependencies: [
            "ActivityWorker",
            "JSON",
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ],
        exclude: ["Fixtures"],
        swiftSettings: swiftSettings
    ),
    // The media workflows run by the pure core's EmbeddedRunner on the real tools/media handlers and ffmpeg.
    .testTarget(name: "MediaWorkflowTests", dependencies: ["StatesLanguage", "JSON", "TestSupport"], swiftSettings: swiftSettings),
]

// MARK: Fuzzing: libFuzzer targets over the parsers (tools/fuzz), their corpus replayed as tests
// The target bodies are a plain library so `swift test` replays every committed corpus
// file (Tests/Fuzz/corpus/<target>/) in the ordinary debug build. The libFuzzer binary
// exists only when STEPLINE_FUZZ is set: it has no `main` (libFuzzer brings one), so it
// links only in tools/fuzz's build, which instruments every module with -sanitize=fuzzer
// in its own scratch directory.
package.targets += [
    .target(
        name: "FuzzTargets",
        dependencies: ["JSON", "StatesLanguage", "Messaging", "SteplineServer"],
        path: "Tests/Fuzz/FuzzTargets",
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "FuzzCorpusTests",
        dependencies: ["FuzzTargets"],
        path: "Tests/Fuzz/FuzzCorpusTests",
        swiftSettings: swiftSettings
    ),
]
if Context.environment["STEPLINE_FUZZ"] != nil {
    package.targets += [
        .executableTarget(
            name: "SteplineFuzz",
            dependencies: ["FuzzTargets"],
            path: "Tests/Fuzz/SteplineFuzz",
            // No generated `main`: the entry is `SteplineFuzz_main`, which starts libFuzzer's driver.
            swiftSettings: swiftSettings + [.unsafeFlags(["-parse-as-library"])]
        )
    ]
}
