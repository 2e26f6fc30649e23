// swift-tools-version:6.1
import PackageDescription

// One module per concern; see docs/architecture.md for how a request flows through them.
let package = Package(
    name: "kerbside",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kerbside", targets: ["kerbside"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.0"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.0"),
    ],
    targets: [
        // The AWS wire: service models, protocol codecs (query, json, rest-json), error envelopes.
        .target(
            name: "AWSWire",
            resources: [.copy("Models")]
        ),
        // Signature Version 4: canonical requests, signing keys, header and presigned verification.
        .target(
            name: "SigV4",
            dependencies: ["AWSWire", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // The IAM policy language and its one evaluator.
        .target(name: "Policy"),
        // SQLite state through GRDB: one migrator, one record type per resource kind.
        .target(
            name: "State",
            dependencies: [.product(name: "GRDB", package: "GRDB.swift")]
        ),
        // Child processes: the one supervisor (start, readiness, restart, stop) and short commands;
        // loopback addresses, and the relay that gives an endpoint of several servers its own address.
        .target(
            name: "Runtime",
            dependencies: [
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // MIT Kerberos's GSSAPI library (libkrb5-dev), for accepting Kerberos logins in Kerbside itself.
        .systemLibrary(name: "CGSSAPI", pkgConfig: "krb5-gssapi", providers: [.apt(["libkrb5-dev"])]),
        // MIT Kerberos realms: files, principals (kadmin.local), the KDC's process spec, client
        // krb5.conf; the acceptor's side of a Kerberos login (GSSAPI) for the MySQL front door.
        .target(name: "Kerberos", dependencies: ["Runtime", "CGSSAPI"]),
        // Database servers behind one seam: PostgreSQL and MariaDB from template data directories,
        // run as unprivileged users; the MySQL-protocol front door of the MySQL family's
        // endpoints; the CA that signs their TLS certificates; password verifiers.
        .target(
            name: "Engines",
            dependencies: [
                "Runtime",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // AWS service rules, one folder per service. Nothing in here knows the wire format.
        .target(
            name: "Services",
            dependencies: [
                "AWSWire", "SigV4", "Policy", "State", "Runtime", "Kerberos", "Engines",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The HTTP endpoint: one request pipeline and the /_kerbside control routes.
        .target(
            name: "Endpoint",
            dependencies: [
                "AWSWire", "SigV4", "Services", "State", "Runtime",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "kerbside",
            dependencies: [
                "Endpoint", "Services", "State",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(name: "AWSWireTests", dependencies: ["AWSWire"]),
        .testTarget(name: "SigV4Tests", dependencies: ["SigV4"]),
        .testTarget(name: "PolicyTests", dependencies: ["Policy"]),
        .testTarget(name: "RuntimeTests", dependencies: ["Runtime", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio")]),
        .testTarget(name: "ServicesTests", dependencies: ["Services", "State", "AWSWire", "SigV4", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "EnginesTests", dependencies: ["Engines", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                                                       .product(name: "NIOEmbedded", package: "swift-nio")]),
    ],
    swiftLanguageModes: [.v6]
)
