import AWSWire
import Foundation
import GRDB
import Kerberos
import Logging
import Runtime
import State

/// Runs the realms behind directories: creates them, keeps one KDC per realm running under the
/// supervisor, changes principals, and keeps the client krb5.conf current. It reports what it
/// observes (a KDC ready, a KDC that could not start) back into the directory's `Stage`.
public actor RealmHost {
    private let dataDirectory: URL
    private let store: Store
    private let supervisor: Supervisor
    private let logger: Logger
    /// Trust probes reset probe principals' passwords, so they run one at a time.
    private var lastProbe: Task<Void, Never>?

    public init(dataDirectory: URL, store: Store, supervisor: Supervisor, logger: Logger) {
        self.dataDirectory = dataDirectory
        self.store = store
        self.supervisor = supervisor
        self.logger = logger
    }

    /// The krb5.conf clients use (`GET /_kerbside/krb5.conf`); the KDCs read it too.
    public nonisolated var clientConfigurationFile: URL { dataDirectory.appendingPathComponent("krb5.conf") }

    private nonisolated var realmsFolder: URL { dataDirectory.appendingPathComponent("realms") }

    nonisolated func realm(of directory: DSDirectory) -> Realm {
        Realm(name: directory.realm, folder: realmsFolder.appendingPathComponent(directory.directoryId),
              addresses: directory.dnsIpAddrs, port: directory.kdcPort, sharedConfiguration: clientConfigurationFile)
    }

    /// Two fresh loopback addresses and a port for a new directory's KDC: Kerberos's port 88 when
    /// it can be bound, otherwise one the kernel picks.
    public func placement(avoiding taken: Set<String>) -> (addresses: [String], port: Int)? {
        for _ in 0..<200 {
            let base = "127.\(Int.random(in: 1...254)).\(Int.random(in: 0...255))"
            let addresses = ["\(base).\(Int.random(in: 1...126))", "\(base).\(Int.random(in: 129...254))"]
            guard taken.isDisjoint(with: addresses) else { continue }
            if addresses.allSatisfy({ Loopback.isFree($0, port: 88) }) { return (addresses, 88) }
            if let port = Loopback.freePort(on: addresses) { return (addresses, port) }
        }
        return nil
    }

    /// Creates the realm's files and its first principal (the directory's administrator).
    /// Leaves nothing behind when it fails.
    public func create(_ directory: DSDirectory, administratorPassword: String) async throws {
        let realm = realm(of: directory)
        do {
            try await realm.create()
            try await realm.kadmin([.addPrincipal(realm.principal(directory.adminUserName), password: administratorPassword, ticketsAllowed: true)])
        } catch {
            try? realm.destroy()
            throw error
        }
    }

    /// Starts the directory's KDC and records the outcome in its stage.
    public func start(_ directory: DSDirectory) async {
        let realm = realm(of: directory)
        await Orphans.stop(pidFile: realm.pidFile, program: "krb5kdc", marker: realm.folder.path)
        let status = await supervisor.start(realm.kdc())
        let now = Date()
        let ready = status.state == .running
        do {
            try await store.write { db in
                guard var current = try DSDirectory.withId(directory.directoryId).fetchOne(db),
                      current.stage == "Creating" || current.stage == "Requested" || current.stage == "Active" || current.stage == "Impaired"
                else { return }
                current.stage = ready ? "Active" : "Failed"
                current.stageReason = ready ? nil : "The domain controllers could not be started: \(status.lastError ?? "unknown")"
                current.stageLastUpdated = now
                try current.update(db)
            }
        } catch {
            logger.error("could not record the stage of \(directory.directoryId): \(error)")
        }
    }

    public func stop(_ directory: DSDirectory) async {
        await supervisor.stop(realm(of: directory).kdc().name)
    }

    /// Stops the KDC and removes the realm's files.
    public func destroy(_ directory: DSDirectory) async {
        await stop(directory)
        try? realm(of: directory).destroy()
    }

    /// Whether a user of `client` gets a ticket for a service of `service` (nil), or why not.
    func probe(from client: Realm, to service: Realm) async throws -> String? {
        let previous = lastProbe
        let probe = Task { () throws -> String? in
            await previous?.value
            return try await TrustProbe.failure(from: client, to: service)
        }
        lastProbe = Task { _ = try? await probe.value }
        return try await probe.value
    }

    public func kadmin(_ directory: DSDirectory, _ commands: [KadminCommand], tolerating: [String] = []) async throws {
        try await realm(of: directory).kadmin(commands, tolerating: tolerating)
    }

    /// Rewrites krb5.conf from the directories in the store, with every DB endpoint joined to a
    /// directory mapped to its realm (clients need it: endpoint names are not under the domain).
    public func writeClientConfiguration() async throws {
        let (directories, members) = try await store.read { db in
            let directories = try DSDirectory.order(Column("launchTime")).fetchAll(db)
            var members = try RDSInstance.filter(Column("domainStatus") == "kerberos-enabled").order(Column("createTime")).fetchAll(db)
                .map { (domain: $0.domain, host: $0.endpointHost) }
            // A joined cluster: its endpoints and every member's.
            for cluster in try RDSCluster.filter(Column("domainStatus") == "kerberos-enabled").order(Column("createTime")).fetchAll(db) {
                let hosts = [cluster.endpointHost, cluster.readerEndpointHost]
                    + (try RDSClusterEndpoint.of(cluster.resourceId).fetchAll(db).map(\.endpointHost))
                    + (try RDSInstance.members(of: cluster.resourceId).fetchAll(db).map(\.endpointHost))
                members += hosts.map { (domain: cluster.domain, host: $0) }
            }
            return (directories, members)
        }
        var seen = Set<String>()
        let hosted = directories.filter { $0.hostsRealm && $0.stage != "Deleting" && $0.stage != "Failed" && seen.insert($0.realm).inserted }
        let realmOfDirectory = Dictionary(directories.map { ($0.directoryId, $0.realm) }, uniquingKeysWith: { first, _ in first })
        let endpoints = members.compactMap { member in
            member.domain.flatMap { realmOfDirectory[$0] }.map { (host: member.host, realm: $0) }
        }
        let configuration = ClientConfiguration(
            realms: hosted.map { .init(name: $0.realm, addresses: $0.dnsIpAddrs, port: $0.kdcPort) },
            domainRealm: hosted.flatMap { [(host: "." + $0.name.lowercased(), realm: $0.realm), (host: $0.name.lowercased(), realm: $0.realm)] }
                + endpoints)
        try Data(configuration.render().utf8).write(to: clientConfigurationFile, options: .atomic)
    }

    /// At start-up: every directory that had a realm gets its KDC back (orphans of a killed
    /// Kerbside are stopped first).
    public func restoreAll() async {
        do {
            try await writeClientConfiguration()
            let directories = try await store.read { db in try DSDirectory.fetchAll(db).filter(\.hostsRealm) }
            for directory in directories where directory.stage != "Deleting" && directory.stage != "Failed" {
                await start(directory)
            }
        } catch {
            logger.error("could not restore realms: \(error)")
        }
    }

    /// For `POST /_kerbside/reset` (before the store is wiped): stops every KDC and removes
    /// every realm.
    public func removeAll() async {
        let directories = (try? await store.read { db in try DSDirectory.fetchAll(db).filter(\.hostsRealm) }) ?? []
        for directory in directories { await stop(directory) }
        try? FileManager.default.removeItem(at: realmsFolder)
        try? FileManager.default.removeItem(at: clientConfigurationFile)
    }
}
