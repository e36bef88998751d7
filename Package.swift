// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "wangge",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "wangge", targets: ["wangge"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent-kit.git", from: "1.57.0"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        // Already in the graph through Vapor; named because the SMTP sender speaks to a socket itself.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
        // Zip container for the XLSX writer of report downloads.
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        // /metrics in Prometheus's text format; Vapor already records each request through swift-metrics.
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
    ],
    targets: [
        // Pure domain: no Vapor, no database.
        .target(name: "WanggeCore"),
        // Secrets: field encryption (AES-GCM + HMAC look-up), the audit hash chain, TOTP. No Vapor.
        .target(name: "WanggeSecurity", dependencies: [
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Debian's libqrencode, the QR code encoder (apt: libqrencode-dev).
        .systemLibrary(name: "CQREncode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        // QR codes as module matrices, and the PNG encoder that draws them. No Vapor.
        .target(name: "WanggeQR", dependencies: ["CQREncode"]),
        // Storage: Fluent models, migrations, repositories. No Vapor.
        .target(name: "WanggeStore", dependencies: [
            "WanggeCore", "WanggeSecurity",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "FluentKit", package: "fluent-kit"),
            .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
            .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        // Web: Vapor routes, pages, JSON API, commands.
        .target(name: "WanggeWeb", dependencies: [
            "WanggeCore", "WanggeStore", "WanggeQR",
            .product(name: "Vapor", package: "vapor"),
            .product(name: "Fluent", package: "fluent"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Metrics", package: "swift-metrics"),
        ], resources: [.process("Assets")]),
        .executableTarget(name: "wangge", dependencies: ["WanggeWeb"]),
        .testTarget(name: "WanggeCoreTests", dependencies: ["WanggeCore"]),
        .testTarget(name: "WanggeSecurityTests", dependencies: ["WanggeSecurity"]),
        .testTarget(name: "WanggeQRTests", dependencies: ["WanggeQR"]),
        // Test databases (SQLite, and PostgreSQL when WANGGE_TEST_POSTGRES_URL is set), shared by the test targets.
        .target(name: "WanggeTestSupport", dependencies: [
            "WanggeStore", "WanggeSecurity",
            .product(name: "FluentKit", package: "fluent-kit"),
            .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
            .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
        ], path: "Tests/WanggeTestSupport"),
        .testTarget(name: "WanggeStoreTests", dependencies: ["WanggeStore", "WanggeTestSupport"]),
        .testTarget(name: "WanggeWebTests", dependencies: [
            "WanggeWeb", "WanggeTestSupport",
            .product(name: "VaporTesting", package: "vapor"),
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
