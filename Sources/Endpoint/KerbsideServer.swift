import AWSWire
import Foundation
import Hummingbird
import Logging
import NIOCore
import Runtime
import ServiceLifecycle
import Services
import State

/// What `kerbside serve` was asked to do.
public struct ServerOptions: Sendable {
    public var host: String
    public var port: Int
    public var dataDirectory: URL
    public var strictCredentials: Bool
    /// Engine templates shared by the machine's data directories, or nil for none.
    public var templateCache: URL?
    /// Where `ready.d/` holds the scripts to run once Kerbside serves, or nil.
    public var initDirectory: URL?

    public init(host: String, port: Int, dataDirectory: URL, strictCredentials: Bool, templateCache: URL? = nil, initDirectory: URL? = nil) {
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.strictCredentials = strictCredentials
        self.templateCache = templateCache
        self.initDirectory = initDirectory
    }
}

/// The composition root: state, models, services and the HTTP endpoint, run as one service
/// group that stops cleanly on SIGTERM or SIGINT.
public struct KerbsideServer {
    public static let version = "0.1.0"

    let options: ServerOptions
    let logger: Logger

    public init(options: ServerOptions, logger: Logger) {
        self.options = options
        self.logger = logger
    }

    public func run() async throws {
        let started = ContinuousClock.now
        let store = try Store(directory: options.dataDirectory)
        let lock = try DataDirectoryLock(options.dataDirectory)
        let catalog = try ModelCatalog.bundled()
        let supervisor = Supervisor(logger: logger)
        let realms = RealmHost(dataDirectory: options.dataDirectory, store: store, supervisor: supervisor, logger: logger)
        let engines = EngineHost(dataDirectory: options.dataDirectory, store: store, supervisor: supervisor, realms: realms, logger: logger,
                                 templateCache: options.templateCache)
        let relays = ClusterEndpointRelays(store: store, engines: engines, logger: logger)
        for warning in try engines.preflight() { logger.warning("\(warning)") }
        await engines.markRestarting()
        let services = ServiceRegistry(store: store, realms: realms, engines: engines, relays: relays)
        let pipeline = RequestPipeline(
            catalog: catalog, services: services,
            authenticator: Authenticator(store: store, strictCredentials: options.strictCredentials),
            logger: logger)
        let hooks = InitHooks(folder: options.initDirectory, environment: [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
            "HOME": ProcessInfo.processInfo.environment["HOME"] ?? "/",
            "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1",
            "KRB5_CONFIG": realms.clientConfigurationFile.path,
        ], logger: logger)
        let endpoint = HTTPEndpoint(
            pipeline: pipeline,
            control: ControlRoutes(store: store, services: services, realms: realms, engines: engines, relays: relays, supervisor: supervisor,
                                   version: Self.version, initHooks: hooks))
        let logger = self.logger
        let options = self.options
        let app = Application(
            responder: endpoint.responder(),
            configuration: ApplicationConfiguration(address: .hostname(options.host, port: options.port), serverName: "Kerbside"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? options.port
                logger.info("Kerbside \(Self.version) ready on http://\(options.host):\(port) in \(ContinuousClock.now - started)",
                            metadata: ["data-dir": "\(options.dataDirectory.path)"])
                Task {
                    await engines.prepareTemplates()
                    await hooks.run(endpoint: "http://\(options.host == "0.0.0.0" ? "127.0.0.1" : options.host):\(port)")
                    // The one line on standard output (the log is on standard error), for wait
                    // strategies that watch a container's output: what the hooks made is there.
                    FileHandle.standardOutput.write(Data("Ready.\n".utf8))
                }
            },
            logger: logger)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: app), .init(service: RuntimeService(supervisor: supervisor, realms: realms, engines: engines, relays: relays, logger: logger))],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        do {
            try await group.run()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw StartError("\(options.host):\(options.port) is in use (another Kerbside, or another server?); choose another --port")
        }
        withExtendedLifetime(lock) {}
        logger.info("Kerbside stopped")
    }
}

/// Why Kerbside could not start, in words for the person who started it.
public struct StartError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
