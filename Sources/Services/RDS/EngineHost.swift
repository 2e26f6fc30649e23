import Engines
import Foundation
import GRDB
import Kerberos
import Logging
import Runtime
import State

/// Runs the database servers behind DB instances and cluster members, through the engine seam
/// only: makes each from its engine's template, a snapshot, a cluster volume or a copy of its
/// primary, keeps it running under the supervisor, applies settings, joins it to its
/// directory's realm, promotes replicas, and reports what it observes (a server accepting
/// logins, one that could not start) back into the instance's status.
public actor EngineHost {
    private let dataDirectory: URL
    private let store: Store
    private let supervisor: Supervisor
    private let realms: RealmHost
    private let logger: Logger
    private var templateBuilds: [String: Task<URL, any Error>] = [:]
    private var spareRefills: [String: Task<Void, Never>] = [:]
    /// Counts resets: work begun before one must not leave a server or files behind.
    private var generation = 0
    private var authority: CertificateAuthority?
    private let servers: DatabaseServers
    /// The endpoints of servers behind a front door (the MySQL family's): where the door
    /// reaches each server, and the relay listening on its endpoint while it runs.
    private var doorTargets: [String: ConnectionRelay.Target] = [:]
    private var doors: [String: ConnectionRelay] = [:]
    /// The front door's replica entrance on each endpoint's address, where the engine has one.
    private var replicaDoors: [String: ConnectionRelay] = [:]
    /// IAM-token logins and the record of refused ones.
    public nonisolated let logins: DatabaseLogins

    /// `templateCache`: the machine's cache of engine templates, shared by its data directories (see `TemplateFolders`).
    public init(dataDirectory: URL, store: Store, supervisor: Supervisor, realms: RealmHost, logger: Logger, templateCache: URL? = nil) {
        self.dataDirectory = dataDirectory
        self.store = store
        self.supervisor = supervisor
        self.realms = realms
        self.logger = logger
        servers = DatabaseServers(enginesFolder: dataDirectory.appendingPathComponent("engines"),
                                  // Templates are a cache, not state: they survive `reset`.
                                  templates: TemplateFolders(local: dataDirectory.appendingPathComponent("templates"), shared: templateCache))
        logins = DatabaseLogins(store: store, supervisor: supervisor, servers: servers,
                                kerberosConfiguration: realms.clientConfigurationFile, logger: logger)
        servers.mysqlLogins.seat(logins)
    }

    private nonisolated var enginesFolder: URL { servers.enginesFolder }
    private nonisolated var templatesFolder: URL { servers.templates.local }
    private nonisolated var clustersFolder: URL { dataDirectory.appendingPathComponent("clusters") }
    private nonisolated var snapshotsFolder: URL { dataDirectory.appendingPathComponent("snapshots") }
    public nonisolated var certificateAuthorityFolder: URL { dataDirectory.appendingPathComponent("ca") }

    // MARK: - Engines and servers

    nonisolated func engine(named name: String) throws -> any DatabaseEngine { try servers.engine(named: name) }

    nonisolated func server(of instance: RDSInstance) throws -> any DatabaseServer { try servers.server(of: instance) }


    /// What the engine keeps for `password`, for the master user (never the password itself).
    nonisolated func passwordVerifier(engine: String, _ password: String) throws -> String {
        try self.engine(named: engine).passwordVerifier(for: password)
    }

    /// Supervisor names of database servers: this prefix and the instance's `DbiResourceId`.
    public static let childPrefix = "db-server "

    public nonisolated func childName(_ instance: RDSInstance) -> String { Self.childPrefix + instance.resourceId }

    public func certificateAuthority() throws -> CertificateAuthority {
        if let authority { return authority }
        let made = try CertificateAuthority(folder: certificateAuthorityFolder)
        authority = made
        return made
    }

    /// A fresh loopback address for a new server or endpoint, and `port` on it when it can be bound.
    public nonisolated func placement(port: Int, avoiding taken: Set<String>) -> (address: String, port: Int)? {
        for _ in 0..<200 {
            let address = "127.\(Int.random(in: 1...254)).\(Int.random(in: 0...255)).\(Int.random(in: 1...254))"
            guard !taken.contains(address) else { continue }
            if Loopback.isFree(address, port: port) { return (address, port) }
            if let free = Loopback.freePort(on: [address]) { return (address, free) }
        }
        return nil
    }

    /// A cluster's files that outlive its members: its change archive, base backups, keytab,
    /// and its data while no member holds it (the volume).
    nonisolated func clusterFolder(_ resourceId: String) -> URL { clustersFolder.appendingPathComponent(resourceId) }

    nonisolated func clusterVolume(_ resourceId: String) -> URL { clusterFolder(resourceId).appendingPathComponent("volume") }

    nonisolated func clusterKeytab(_ resourceId: String) -> URL { clusterFolder(resourceId).appendingPathComponent("krb5.keytab") }

    /// Where the server archives its changes: its own folder, or its cluster's (shared by every
    /// member that is ever the writer, so restores follow failovers).
    nonisolated func changeArchive(of instance: RDSInstance) -> URL {
        if let cluster = instance.clusterResourceId { return changeArchive(ofCluster: cluster) }
        return enginesFolder.appendingPathComponent(instance.resourceId).appendingPathComponent("wal")
    }

    nonisolated func changeArchive(ofCluster resourceId: String) -> URL { clusterFolder(resourceId).appendingPathComponent("wal") }

    nonisolated func backupsFolder(of instance: RDSInstance) -> URL {
        if let cluster = instance.clusterResourceId { return backupsFolder(ofCluster: cluster) }
        return enginesFolder.appendingPathComponent(instance.resourceId).appendingPathComponent("backups")
    }

    nonisolated func backupsFolder(ofCluster resourceId: String) -> URL { clusterFolder(resourceId).appendingPathComponent("backups") }

    /// Makes a cluster's folder, passable by the engine user (its archive is written by the servers).
    func makeClusterFolder(_ cluster: RDSCluster) throws {
        try FileManager.default.createDirectory(at: clusterFolder(cluster.resourceId), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o711])
        try FileManager.default.setAttributes([.posixPermissions: 0o711], ofItemAtPath: clustersFolder.path)
    }

    // MARK: - Lifecycle

    /// Where a new server's data comes from.
    public enum DataSource: Sendable {
        /// The engine's template: a new, empty database.
        case template
        /// A copy of these files (a snapshot's data).
        case copy(URL)
        /// These files, moved in (a cluster's volume, a restore's prepared data).
        case adopt(URL)
        /// A consistent copy of the running primary: the cluster's writer or the source instance.
        case replica
    }

    /// The master user a new database gets.
    public struct MasterUser: Sendable {
        var name: String
        var passwordVerifier: String
        var database: String?
    }

    /// Makes the server for a new instance, starts it and (on a new database) creates the
    /// master user. Answers false, with the instance recorded `failed`, when that does not work;
    /// the caller marks it `available` once the rest (a domain join) is done.
    public func provision(_ instance: RDSInstance, from source: DataSource, master: MasterUser?,
                          recovery: ServerSettings.Recovery? = nil) async -> Bool {
        let started = generation
        do {
            let engine = try engine(named: instance.engine)
            let server = try server(of: instance)
            try checkReachable(server)
            switch source {
            case .template:
                if let spare = takeSpare(engine) {
                    try await server.create(from: spare, adopting: true)
                } else {
                    try await server.create(from: try await template(of: engine), adopting: false)
                }
                refillSpare(engine)
            case .copy(let data):
                try await server.create(from: data, adopting: false)
            case .adopt(let data):
                try await server.create(from: data, adopting: true)
            case .replica:
                try await server.createReplica(of: try await runningPrimary(of: instance))
            }
            guard generation == started else {
                try? server.destroy()
                return false
            }
            let settings = try await prepare(instance, server, recovery: recovery)
            guard try await run(instance, server, settings) else { return false }
            if recovery != nil { try await server.waitUntilPromoted(port: instance.port) }
            if let master {
                try await server.createMasterUser(master.name, passwordVerifier: master.passwordVerifier, database: master.database,
                                                  port: instance.port)
            }
            return true
        } catch {
            await fail(instance, reason: "\(error)")
            // Failing because a reset removed the files under it: leave nothing behind.
            if generation != started { await destroy(instance) }
            return false
        }
    }

    /// The primary a new replica copies and streams from, once it serves (bounded wait: a
    /// reader created with its writer waits for the writer to come up).
    private func runningPrimary(of instance: RDSInstance) async throws -> ReplicationSource {
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            let context = try await store.read { db in try ServerContext.load(instance.resourceId, db) }
            guard let context else { throw EngineError("the instance was deleted") }
            if let primary = context.primary, primary.status == "available" || primary.status == "modifying",
               await isRunning(primary) {
                return try replicationSource(primary, for: instance)
            }
            if context.primary == nil && instance.clusterResourceId == nil {
                throw EngineError("the source instance of the read replica is gone")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw EngineError("its primary did not become available within 120 s")
    }

    private nonisolated func replicationSource(_ primary: RDSInstance, for replica: RDSInstance) throws -> ReplicationSource {
        let entrance = try engine(named: primary.engine).frontDoor?.replicaEntrance
        return ReplicationSource(folder: try server(of: primary).folder, address: primary.address,
                          port: entrance?.port(besides: primary.port) ?? primary.port,
                          replicaName: replica.identifier.replacingOccurrences(of: "-", with: "_"))
    }

    /// Records `available`; an instance removed meanwhile (a reset) has its server stopped and
    /// its files removed instead.
    public func markAvailable(_ instance: RDSInstance) async {
        let exists = (try? await record(instance.resourceId) { current in
            current.status = "available"
            current.statusReason = nil
        }) ?? true
        if !exists { await destroy(instance) }
    }

    /// Starts a stopped (or restored-after-restart) instance's server with its current settings
    /// and records it `available`.
    public func start(_ stale: RDSInstance) async {
        let instance = await fresh(stale)
        guard await startServer(instance) else { return }
        await markAvailable(instance)
    }

    /// Starts the server with its current settings; false (and `failed`) when it does not serve.
    @discardableResult
    func startServer(_ instance: RDSInstance) async -> Bool {
        do {
            let server = try server(of: instance)
            let settings = try await prepare(instance, server)
            return try await run(instance, server, settings)
        } catch {
            await fail(instance, reason: "\(error)")
            return false
        }
    }

    public func stop(_ instance: RDSInstance) async {
        await closeDoor(instance)
        await supervisor.stop(childName(instance))
    }

    /// Stops the server and removes its folder (data, keytab, TLS files).
    public func destroy(_ instance: RDSInstance) async {
        await stop(instance)
        doorTargets[instance.resourceId] = nil
        if let server = try? server(of: instance) {
            (try? engine(named: instance.engine).frontDoor)?.dismiss(server)
            try? server.destroy()
        }
    }

    /// The settings the server runs with, as the store has them now; writes them with its TLS
    /// files and keytab.
    private func prepare(_ stale: RDSInstance, _ server: any DatabaseServer, recovery: ServerSettings.Recovery? = nil) async throws -> ServerSettings {
        guard let (context, parameters) = try await store.read({ db -> (ServerContext, [String: String])? in
            guard let context = try ServerContext.load(stale.resourceId, db) else { return nil }
            // A group that cannot be read leaves the engine's own defaults.
            return (context, (try? context.parameters(db)) ?? [:])
        }) else {
            throw EngineError("the instance was deleted")
        }
        let instance = context.instance
        var role = ServerSettings.Role.primary
        if instance.isReplicaOfAnother {
            guard let primary = context.primary else { throw EngineError("the replica's primary is gone") }
            role = .replica(of: try replicationSource(primary, for: instance))
        }
        let version = RDSCatalog.version(instance.engineVersion, engine: instance.engine)
        let service = try engine(named: instance.engine).kerberosServiceName
        let settings = ServerSettings(
            address: instance.address, port: instance.port, resourceId: instance.resourceId,
            iamAuthentication: context.iamAuthentication, loginGateway: await logins.gateway, kerberos: context.kerberos,
            servicePrincipal: context.realm.map { "\(service)/\(instance.endpointHost)@\($0)" },
            parameters: parameters, changeArchive: changeArchive(of: instance), role: role, recovery: recovery,
            reportedVersion: version?.reportedVersion, auroraVersion: version?.auroraRelease)
        try server.configure(settings)
        // The endpoint names and the address never change, so one certificate serves every start and reload.
        if !server.hasTLS {
            let tls = try certificateAuthority().serverCertificate(hostNames: context.certificateNames + ["localhost"],
                                                                   addresses: context.certificateAddresses)
            try server.installTLS(certificatePEM: tls.certificatePEM, keyPEM: tls.keyPEM)
        }
        // The keytab is there from the join on (the server takes it before `kerberos-enabled`
        // says so) until the server leaves its directory.
        if let cluster = context.cluster {
            // Members accept tickets for every name of the cluster with the cluster's one keytab.
            let shared = clusterKeytab(cluster.resourceId)
            try? FileManager.default.removeItem(at: server.keytab)
            if context.realm != nil, FileManager.default.fileExists(atPath: shared.path) {
                try FileManager.default.copyItem(at: shared, to: server.keytab)
                try server.adoptKeytab()
            }
        } else if context.realm == nil, FileManager.default.fileExists(atPath: server.keytab.path) {
            try FileManager.default.removeItem(at: server.keytab)
        }
        if let door = try engine(named: instance.engine).frontDoor {
            doorTargets[instance.resourceId] = try door.admit(server, settings: settings)
        }
        return settings
    }

    /// Starts the server under the supervisor; records `failed` (and answers false) if it does not serve.
    private func run(_ instance: RDSInstance, _ server: any DatabaseServer, _ settings: ServerSettings) async throws -> Bool {
        await server.stopOrphan()
        let status = await supervisor.start(server.spec(name: childName(instance), settings: settings))
        // A reset or a delete may have removed the instance while its server was starting.
        guard (try? await store.read({ db in try RDSInstance.withId(instance.resourceId).fetchOne(db) })) != nil else {
            await supervisor.stop(childName(instance))
            try? server.destroy()
            return false
        }
        guard status.state == .running else {
            await fail(instance, reason: "the database server did not start: \(status.lastError ?? "unknown"); see \(server.logFile.path)")
            return false
        }
        try await server.started(settings)
        return try await openDoor(instance)
    }

    /// For an engine behind a front door: its relay on the instance's endpoint, leading to the
    /// server, from now until the server stops.
    private func openDoor(_ instance: RDSInstance) async throws -> Bool {
        guard let door = try engine(named: instance.engine).frontDoor, let target = doorTargets[instance.resourceId] else { return true }
        if let open = doors[instance.resourceId], open.address == instance.address, open.port == instance.port {
            open.route(to: [target])
            replicaDoors[instance.resourceId]?.route(to: [target])
            return true
        }
        await closeDoor(instance)
        let relay = ConnectionRelay(address: instance.address, port: instance.port, session: door.session)
        var entrance: ConnectionRelay?
        if let replicas = door.replicaEntrance {
            entrance = ConnectionRelay(address: instance.address, port: replicas.port(besides: instance.port), session: replicas.session)
        }
        for listener in [relay] + (entrance.map { [$0] } ?? []) {
            do {
                try await listener.start()
            } catch {
                await relay.stop()
                await entrance?.stop()
                await fail(instance, reason: "the endpoint cannot listen on \(listener.address):\(listener.port): \(error)")
                return false
            }
            listener.route(to: [target])
        }
        doors[instance.resourceId] = relay
        replicaDoors[instance.resourceId] = entrance
        return true
    }

    /// Stops the relays on the instance's endpoint address (connections already made stay until the server ends them).
    private func closeDoor(_ instance: RDSInstance) async {
        await doors.removeValue(forKey: instance.resourceId)?.stop()
        await replicaDoors.removeValue(forKey: instance.resourceId)?.stop()
    }

    /// Applies changed settings to a running server: rewrites them and reloads, or restarts it
    /// when it reads one of them only at start.
    public func reconfigure(_ stale: RDSInstance) async throws {
        let instance = await fresh(stale)
        let server = try server(of: instance)
        let settings = try await prepare(instance, server)
        guard await isRunning(instance) else { return }
        if case .needsRestart(let reason) = try await server.reload(settings) {
            // Its status stays what the change made it: this restart is part of that change.
            logger.notice("DB instance \(instance.identifier) restarts: \(reason)")
            await stop(instance)
            await startServer(instance)
        }
    }

    /// Restarts the server (a reboot); pending changes were applied to the record before.
    public func reboot(_ instance: RDSInstance) async {
        await stop(instance)
        await start(instance)
    }

    public func setMasterPassword(_ instance: RDSInstance, username: String, _ password: String) async throws {
        try await server(of: instance).setPassword(of: username, passwordVerifier: try passwordVerifier(engine: instance.engine, password),
                                                   port: instance.port)
    }

    /// Runs the engine's language as Kerbside's administrator (snapshots' consistency points, tests of state).
    public func administer(_ instance: RDSInstance, _ script: String) async throws -> String {
        try await server(of: instance).administer(script, port: instance.port)
    }

    // MARK: - Replication

    /// Where the stopped server's history ends, or nil when it did not stop cleanly (its last
    /// changes may never have reached a replica).
    func stoppedPosition(_ instance: RDSInstance) async -> ReplicationPosition? {
        guard let server = try? server(of: instance), await server.wasStoppedCleanly() else { return nil }
        return try? await server.stoppedPosition()
    }

    func waitUntilReplayed(_ instance: RDSInstance, _ position: ReplicationPosition, timeout: Duration) async throws {
        try await server(of: instance).waitUntilReplayed(position, port: instance.port, timeout: timeout)
    }

    /// Promotes a running replica to a primary; the caller records it as one, then
    /// `reconfigure` writes its new settings (no primary to follow).
    func promote(_ instance: RDSInstance) async throws {
        try await server(of: instance).promote(port: instance.port)
    }

    /// Throws away the instance's data and makes it again as a fresh copy of its primary (a
    /// former writer whose history may have diverged).
    func rebuildReplica(_ instance: RDSInstance) async -> Bool {
        await destroy(instance)
        return await provision(instance, from: .replica, master: nil)
    }

    /// Keeps the data of a cluster's last member as the cluster's volume, for the next writer.
    func keepAsVolume(_ instance: RDSInstance) async throws {
        guard let cluster = instance.clusterResourceId else { return }
        await stop(instance)
        let volume = clusterVolume(cluster)
        try? FileManager.default.removeItem(at: volume)
        try server(of: instance).moveData(to: volume)
    }

    // MARK: - Backups

    /// A snapshot's copy of the data, ready to be copied into a new server.
    public nonisolated func snapshotData(_ snapshotId: String) -> URL {
        snapshotsFolder.appendingPathComponent(snapshotId).appendingPathComponent("pgdata")
    }

    public func snapshot(_ instance: RDSInstance, into snapshotId: String) async throws {
        try makeSnapshotsFolder()
        try await server(of: instance).backup(to: snapshotData(snapshotId), port: instance.port)
    }

    /// A snapshot of a cluster: a copy of its running writer, else of its volume; a cluster that
    /// never had data gives an empty snapshot (a restore makes a new database, as the source would).
    func snapshot(cluster: RDSCluster, writer: RDSInstance?, into snapshotId: String) async throws {
        try makeSnapshotsFolder()
        if let writer, await isRunning(writer) {
            try await snapshot(writer, into: snapshotId)
            return
        }
        let target = snapshotData(snapshotId)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o711])
        let volume = clusterVolume(cluster.resourceId)
        if FileManager.default.fileExists(atPath: volume.path) { try await FileTree.copy(volume, to: target) }
    }

    private func makeSnapshotsFolder() throws {
        try FileManager.default.createDirectory(at: snapshotsFolder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o711])
    }

    public nonisolated func hasSnapshotData(_ snapshotId: String) -> Bool {
        FileManager.default.fileExists(atPath: snapshotData(snapshotId).path)
    }

    /// Copies a snapshot's files for CopyDBSnapshot and CopyDBClusterSnapshot.
    func copySnapshot(_ sourceId: String, to targetId: String) async throws {
        try makeSnapshotsFolder()
        let target = snapshotsFolder.appendingPathComponent(targetId)
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o711])
        if hasSnapshotData(sourceId) { try await FileTree.copy(snapshotData(sourceId), to: snapshotData(targetId)) }
    }

    public func deleteSnapshot(_ snapshotId: String) {
        try? FileManager.default.removeItem(at: snapshotsFolder.appendingPathComponent(snapshotId))
    }

    /// The automated base backup point-in-time restores start from, taken once the server
    /// serves; its change archive carries every later change.
    public func takeBaseBackup(_ instance: RDSInstance) async {
        let started = generation
        guard let server = try? server(of: instance) else { return }
        do {
            // Named once complete: a restore never starts from a backup still being written.
            let stamp = Int(Date().timeIntervalSince1970 * 1000), folder = backupsFolder(of: instance)
            let partial = folder.appendingPathComponent("partial-\(stamp)")
            try await server.backup(to: partial, port: instance.port)
            try FileManager.default.moveItem(at: partial, to: folder.appendingPathComponent("base-\(stamp)"))
        } catch {
            logger.error("the base backup of DB instance \(instance.identifier) failed: \(error)")
        }
        // A reset or a delete during the backup: leave nothing of the instance behind.
        let exists = (try? await store.read { db in try RDSInstance.withId(instance.resourceId).fetchOne(db) }) != nil
        if generation != started || !exists { await destroy(instance) }
    }

    /// Base backups in `folder` (oldest first), each with the time it was started.
    public nonisolated func baseBackups(in folder: URL) -> [(taken: Date, data: URL)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.compactMap { name -> (Date, URL)? in
            guard name.hasPrefix("base-"), let millis = Double(name.dropFirst(5)) else { return nil }
            return (Date(timeIntervalSince1970: millis / 1000), folder.appendingPathComponent(name))
        }.sorted { $0.0 < $1.0 }
    }

    /// Makes sure every change until now is in the instance's change archive (when it runs).
    public func archiveNow(_ instance: RDSInstance) async throws {
        guard await isRunning(instance) else { return }
        try await server(of: instance).archiveNow(port: instance.port)
    }

    // MARK: - Kerberos

    /// Puts `<service>/<host>@REALM` (and the AD-domain form of each host) for every one of
    /// `hosts` in `keytab`, using the realm of `directory` (the hosting directory). Principals
    /// that exist keep their keys, so tickets already issued for them stay good.
    func exportKeytab(_ hosts: [String], engine: String, directory: DSDirectory, to keytab: URL, user: EngineUser?) async throws {
        let realm = realms.realm(of: directory)
        let service = try self.engine(named: engine).kerberosServiceName
        let principals = hosts.flatMap { servicePrincipals($0, service: service, directory: directory) }.map { realm.principal($0) }
        try? FileManager.default.removeItem(at: keytab)
        var commands: [KadminCommand] = principals.map { .addPrincipal($0, password: nil, ticketsAllowed: true) }
        commands.append(.exportKeytab(principals, keytab: keytab.path, keepKeys: true))
        try await realms.kadmin(directory, commands, tolerating: ["already exists"])
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keytab.path)
        if let user { try user.own(keytab) }
    }

    /// Puts the instance's principals in its keytab with new keys (a join starts afresh).
    public func joinRealm(_ instance: RDSInstance, directory: DSDirectory) async throws {
        let server = try server(of: instance)
        await leaveRealm([instance.endpointHost], engine: instance.engine, directory: directory)
        try await exportKeytab([instance.endpointHost], engine: instance.engine, directory: directory, to: server.keytab, user: server.user)
    }

    /// Removes the principals of `hosts` from the realm.
    public func leaveRealm(_ hosts: [String], engine: String, directory: DSDirectory) async {
        guard let service = try? self.engine(named: engine).kerberosServiceName else { return }
        let realm = realms.realm(of: directory)
        let commands = hosts.flatMap { servicePrincipals($0, service: service, directory: directory) }
            .map { KadminCommand.deletePrincipal(realm.principal($0)) }
        try? await realms.kadmin(directory, commands, tolerating: ["does not exist"])
    }

    nonisolated func servicePrincipals(_ host: String, service: String, directory: DSDirectory) -> [String] {
        let short = host.replacingOccurrences(of: ".rds.amazonaws.com", with: "")
        return ["\(service)/\(host)", "\(service)/\(short).\(directory.name.lowercased())"]
    }

    // MARK: - Whole-host

    /// Before Kerbside serves requests: instances whose servers are about to be brought back
    /// show `rebooting` until they are, so nobody mistakes a stale `available` for a server.
    public func markRestarting() async {
        try? await store.write { db in
            for var instance in try RDSInstance.fetchAll(db) where instance.shouldRun {
                // A creation cut off by a stop of Kerbside is not finished: its server may be half made.
                instance.statusReason = instance.status == "creating" ? "Kerbside stopped while the instance was being created." : nil
                instance.status = instance.status == "creating" ? "failed" : "rebooting"
                try instance.update(db)
            }
        }
    }

    /// At start-up: every instance that should run gets its server back (orphans of a killed
    /// Kerbside are stopped first, by their pid files): primaries first, then their replicas.
    public func restoreAll() async {
        do {
            let instances = try await store.read { db in try RDSInstance.order(Column("createTime")).fetchAll(db) }
            for replicas in [false, true] {
                await withTaskGroup(of: Void.self) { tasks in
                    for instance in instances where instance.shouldRun && instance.isReplicaOfAnother == replicas {
                        tasks.addTask { await self.start(instance) }
                    }
                }
            }
        } catch {
            logger.error("could not restore DB instances: \(error)")
        }
    }

    /// After the servers are back: a cluster caught by a stop of Kerbside in the middle of a
    /// change shows where its members ended up (a stop finished, anything else available).
    public func finishClusterTransitions() async {
        try? await store.write { db in
            for var cluster in try RDSCluster.fetchAll(db) where !["available", "stopped", "deleting", "failed"].contains(cluster.status) {
                cluster.status = cluster.status == "stopping" ? "stopped" : "available"
                try cluster.update(db)
                for var member in try RDSInstance.members(of: cluster.resourceId).fetchAll(db) where member.status == "stopping" {
                    member.status = "stopped"
                    try member.update(db)
                }
            }
        }
    }

    /// For `POST /_kerbside/reset` (before the store is wiped): stops every server and removes
    /// every instance's, cluster's and snapshot's files.
    public func removeAll() async {
        generation += 1
        // Every database server, including one whose instance is still being created; all at
        // once, since each takes a shutdown checkpoint.
        let supervisor = self.supervisor
        let names = await supervisor.statuses.keys.filter { $0.hasPrefix(Self.childPrefix) }
        await withTaskGroup(of: Void.self) { group in
            for name in names { group.addTask { await supervisor.stop(name) } }
        }
        for door in Array(doors.values) + Array(replicaDoors.values) { await door.stop() }
        doors = [:]
        replicaDoors = [:]
        doorTargets = [:]
        for folder in [enginesFolder, clustersFolder, snapshotsFolder] { try? FileManager.default.removeItem(at: folder) }
        await logins.forgetAll()
    }

    public func isRunning(_ instance: RDSInstance) async -> Bool {
        await supervisor.status(childName(instance))?.state == .running
    }

    // MARK: - Helpers

    /// A copy of the template made ahead of time, so the next new server gets its data
    /// directory by a rename instead of a copy (a copy is most of the time to `available`).
    private nonisolated func spareFolder(_ engine: any DatabaseEngine) -> URL {
        templatesFolder.appendingPathComponent("spare-\(engine.templateName)")
    }

    private func takeSpare(_ engine: any DatabaseEngine) -> URL? {
        guard spareRefills[engine.templateName] == nil else { return nil }   // still being copied
        let spare = spareFolder(engine)
        guard FileManager.default.fileExists(atPath: spare.path) else { return nil }
        let taken = templatesFolder.appendingPathComponent("taken-\(UUID().uuidString)")
        guard (try? FileManager.default.moveItem(at: spare, to: taken)) != nil else { return nil }
        return taken
    }

    private func refillSpare(_ engine: any DatabaseEngine) {
        let name = engine.templateName
        guard spareRefills[name] == nil else { return }
        let spare = spareFolder(engine), folder = templatesFolder
        guard !FileManager.default.fileExists(atPath: spare.path) else { return }
        spareRefills[name] = Task { [weak self] in
            if let template = try? await self?.template(of: engine) {
                let filling = folder.appendingPathComponent("filling-\(UUID().uuidString)")
                do {
                    try await FileTree.copy(template, to: filling)
                    try FileManager.default.moveItem(at: filling, to: spare)
                } catch {
                    try? FileManager.default.removeItem(at: filling)
                }
            }
            await self?.spareRefilled(name)
        }
    }

    private func spareRefilled(_ name: String) { spareRefills[name] = nil }

    private func template(of engine: any DatabaseEngine) async throws -> URL {
        let name = engine.templateName
        if let build = templateBuilds[name], let url = try? await build.value { return url }
        let build = Task { try await engine.template() }
        templateBuilds[name] = build
        return try await build.value
    }

    /// Each installed engine's template and a spare copy of it, made in the background from the
    /// moment Kerbside starts: the first DB instance of a fresh data dir is then as quick as
    /// the next one.
    public func prepareTemplates() {
        var prepared: Set<String> = []
        for entry in RDSCatalog.engines where entry.server != nil {
            guard let engine = try? engine(named: entry.name), prepared.insert(engine.templateName).inserted else { continue }
            refillSpare(engine)
        }
    }

    /// What would make DB instances fail, found before Kerbside serves. A data directory an
    /// engine's user cannot pass through fails every instance of it: thrown, with the fix. A
    /// missing engine package is answered as a warning (the other engines still work, and
    /// creating an instance of it says the same).
    public nonisolated func preflight() throws -> [String] {
        var warnings: [String] = []
        var checked: Set<RDSCatalog.ServerKind> = []
        for engine in RDSCatalog.engines {
            guard let kind = engine.server, checked.insert(kind).inserted else { continue }
            let found: any DatabaseEngine
            do {
                found = try self.engine(named: engine.name)
            } catch {
                let family = kind == .postgres ? "PostgreSQL engines" : "MySQL-family engines (on MariaDB)"
                warnings.append("DB instances of the \(family) cannot run: \(error)")
                continue
            }
            try checkReachable(found.server(in: servers.enginesFolder.appendingPathComponent("preflight")))
        }
        return warnings
    }

    /// The engine user must pass through every folder above the server's.
    private nonisolated func checkReachable(_ server: any DatabaseServer) throws {
        let blocked = server.user.blockedAncestors(of: server.folder)
        guard blocked.isEmpty else {
            throw EngineError("the database server runs as `\(server.user.name)`, which cannot pass through \(blocked.joined(separator: ", ")); choose a data directory it can reach (under /var/lib, or a folder made with mkdir under /tmp: mktemp -d makes it 0700) or let it through with chmod o+x \(blocked.joined(separator: " "))")
        }
    }

    /// The instance as the store has it now (changes may have landed since `instance` was read).
    private func fresh(_ instance: RDSInstance) async -> RDSInstance {
        (try? await store.read { db in try RDSInstance.fetchOne(db, key: instance.resourceId) }) ?? instance
    }

    func fail(_ instance: RDSInstance, reason: String) async {
        logger.error("DB instance \(instance.identifier) failed: \(reason)")
        await closeDoor(instance)
        await supervisor.stop(childName(instance))
        try? await record(instance.resourceId) { current in
            current.status = "failed"
            current.statusReason = reason
        }
    }

    /// Changes the instance's record; false when there is none any more (deleted, or reset).
    @discardableResult
    private func record(_ resourceId: String, _ change: @Sendable @escaping (inout RDSInstance) -> Void) async throws -> Bool {
        try await store.write { db in
            guard var current = try RDSInstance.fetchOne(db, key: resourceId) else { return false }
            guard current.status != "deleting" else { return true }
            change(&current)
            try current.update(db)
            return true
        }
    }
}

extension RDSInstance {
    /// A cluster reader or a read replica: its server copies and follows another's.
    var isReplicaOfAnother: Bool {
        clusterResourceId.map { _ in !isClusterWriter } ?? (replicaSourceResourceId != nil)
    }
}
