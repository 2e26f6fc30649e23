import Engines
import Foundation
import GRDB
import Kerberos
import Logging
import Runtime
import State

/// Runs the PostgreSQL servers behind DB instances: makes each from the template, keeps it
/// running under the supervisor, applies settings, joins it to its directory's realm, and
/// reports what it observes (a server accepting logins, one that could not start) back into the
/// instance's status.
public actor EngineHost {
    private let dataDirectory: URL
    private let store: Store
    private let supervisor: Supervisor
    private let realms: RealmHost
    private let logger: Logger
    private var templateBuild: Task<URL, any Error>?
    private var spareRefill: Task<Void, Never>?
    /// Counts resets: work begun before one must not leave a server or files behind.
    private var generation = 0
    private var authority: CertificateAuthority?
    /// IAM-token logins and the record of refused ones.
    public nonisolated let logins: DatabaseLogins

    public init(dataDirectory: URL, store: Store, supervisor: Supervisor, realms: RealmHost, logger: Logger) {
        self.dataDirectory = dataDirectory
        self.store = store
        self.supervisor = supervisor
        self.realms = realms
        self.logger = logger
        logins = DatabaseLogins(store: store, supervisor: supervisor, enginesFolder: dataDirectory.appendingPathComponent("engines"),
                                logger: logger)
    }

    private nonisolated var enginesFolder: URL { dataDirectory.appendingPathComponent("engines") }
    /// Templates are a cache, not state: they survive `reset`.
    private nonisolated var templatesFolder: URL { dataDirectory.appendingPathComponent("templates") }
    public nonisolated var certificateAuthorityFolder: URL { dataDirectory.appendingPathComponent("ca") }

    nonisolated func server(of instance: RDSInstance) throws -> PostgresInstance {
        guard let installation = PostgresInstallation.installed() else {
            throw EngineError("PostgreSQL is not installed (expected /usr/lib/postgresql/<major>/bin); `make run` installs it")
        }
        return PostgresInstance(folder: enginesFolder.appendingPathComponent(instance.resourceId), installation: installation,
                                user: try EngineUser.forDatabases())
    }

    /// Supervisor names of database servers: this prefix and the instance's `DbiResourceId`.
    public static let childPrefix = "postgres-"

    public nonisolated func childName(_ instance: RDSInstance) -> String { Self.childPrefix + instance.resourceId }

    public func certificateAuthority() throws -> CertificateAuthority {
        if let authority { return authority }
        let made = try CertificateAuthority(folder: certificateAuthorityFolder)
        authority = made
        return made
    }

    /// A fresh loopback address for a new instance, and `port` on it when it can be bound.
    public nonisolated func placement(port: Int, avoiding taken: Set<String>) -> (address: String, port: Int)? {
        for _ in 0..<200 {
            let address = "127.\(Int.random(in: 1...254)).\(Int.random(in: 0...255)).\(Int.random(in: 1...254))"
            guard !taken.contains(address) else { continue }
            if Loopback.isFree(address, port: port) { return (address, port) }
            if let free = Loopback.freePort(on: [address]) { return (address, free) }
        }
        return nil
    }

    // MARK: - Lifecycle

    /// Makes the server for a new instance (from the template, or from `source` data), starts it
    /// and creates the master user. Answers false, with the instance recorded `failed`, when
    /// that does not work; the caller marks it `available` once the rest (a domain join) is done.
    public func provision(_ instance: RDSInstance, masterPassword: String?, from source: URL? = nil,
                          recovery: PostgresSettings.Recovery? = nil) async -> Bool {
        let started = generation
        do {
            let server = try server(of: instance)
            try checkReachable(server)
            if let source {
                try await server.create(from: source)
            } else if let spare = takeSpare(server.installation) {
                try await server.create(from: spare, adopting: true)
            } else {
                try await server.create(from: try await template(for: server.installation, user: server.user))
            }
            refillSpare(server.installation, server.user)
            guard generation == started else {
                try? server.destroy()
                return false
            }
            try await prepare(instance, server, recovery: recovery)
            guard try await run(instance, server) else { return false }
            if recovery != nil { try await server.waitUntilPromoted(port: instance.port) }
            var sql = ""
            if source == nil {
                let master = SQLText.identifier(instance.masterUsername)
                // As on RDS the master user owns the `postgres` database (and so its public schema).
                sql += "CREATE ROLE \(master) LOGIN CREATEROLE CREATEDB IN ROLE rds_superuser;\n"
                sql += "ALTER DATABASE postgres OWNER TO \(master);\n"
                if let dbName = instance.dbName {
                    sql += "CREATE DATABASE \(SQLText.identifier(dbName)) OWNER \(master);\n"
                }
            }
            if let masterPassword {
                sql += "ALTER ROLE \(SQLText.identifier(instance.masterUsername)) PASSWORD \(SQLText.literal(SCRAM.verifier(for: masterPassword)));\n"
            }
            if !sql.isEmpty { try await server.sql(sql, port: instance.port) }
            return true
        } catch {
            await fail(instance, reason: "\(error)")
            // Failing because a reset removed the files under it: leave nothing behind.
            if generation != started { await destroy(instance) }
            return false
        }
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
        do {
            let server = try server(of: instance)
            try await prepare(instance, server)
            guard try await run(instance, server) else { return }
            await markAvailable(instance)
        } catch {
            await fail(instance, reason: "\(error)")
        }
    }

    public func stop(_ instance: RDSInstance) async {
        await supervisor.stop(childName(instance))
    }

    /// Stops the server and removes its folder (data, keytab, TLS files).
    public func destroy(_ instance: RDSInstance) async {
        await stop(instance)
        try? server(of: instance).destroy()
    }

    /// Writes the server's settings, TLS files and keytab, as the record now says.
    private func prepare(_ instance: RDSInstance, _ server: PostgresInstance, recovery: PostgresSettings.Recovery? = nil) async throws {
        let kerberos = instance.domainStatus == "kerberos-enabled"
        let parameters = (try? await store.read { db in
            try RDSParameters.effectiveValues(group: instance.parameterGroupName, account: instance.accountId, region: instance.region, db)
        }) ?? [:]
        let enabled = { (name: String) in ["1", "on", "true"].contains(parameters[name]?.lowercased() ?? "") }
        var settings = PostgresSettings(
            address: instance.address, port: instance.port, iamAuthentication: instance.iamAuthentication,
            ldapPort: await logins.tokenPort, resourceId: instance.resourceId, kerberos: kerberos,
            forceSSL: enabled("rds.force_ssl"), caseInsensitiveKerberosUsers: enabled("krb_caseins_users"),
            passwordEncryption: parameters["password_encryption"] ?? "scram-sha-256", logConnections: enabled("log_connections"))
        settings.recovery = recovery
        try server.configure(settings)
        // The endpoint and address never change, so one certificate serves every start and reload.
        if !server.hasTLS {
            let tls = try certificateAuthority().serverCertificate(hostNames: [instance.endpointHost, "localhost"],
                                                                   addresses: [instance.address, "127.0.0.1"])
            try server.installTLS(certificatePEM: tls.certificatePEM, keyPEM: tls.keyPEM)
        }
        if !kerberos, FileManager.default.fileExists(atPath: server.keytab.path) {
            try FileManager.default.removeItem(at: server.keytab)
        }
    }

    /// Starts the server under the supervisor; records `failed` (and answers false) if it does not serve.
    private func run(_ instance: RDSInstance, _ server: PostgresInstance) async throws -> Bool {
        await Orphans.stop(pidFile: server.pidFile, program: "postgres", marker: server.dataDirectory.path, signal: SIGINT)
        let status = await supervisor.start(server.spec(name: childName(instance), port: instance.port))
        // A reset or a delete may have removed the instance while its server was starting.
        guard (try? await store.read({ db in try RDSInstance.fetchOne(db, key: instance.resourceId) })) != nil else {
            await supervisor.stop(childName(instance))
            try? server.destroy()
            return false
        }
        guard status.state == .running else {
            await fail(instance, reason: "the PostgreSQL server did not start: \(status.lastError ?? "unknown"); see \(server.logFile.path)")
            return false
        }
        return true
    }

    /// Applies changed settings to a running server: rewrites them and reloads (no restart).
    public func reconfigure(_ stale: RDSInstance) async throws {
        let instance = await fresh(stale)
        let server = try server(of: instance)
        try await prepare(instance, server)
        guard await supervisor.status(childName(instance))?.state == .running else { return }
        try await server.sql("SELECT pg_reload_conf();", port: instance.port)
    }

    /// Restarts the server (a reboot); pending changes were applied to the record before.
    public func reboot(_ instance: RDSInstance) async {
        await stop(instance)
        await start(instance)
    }

    public func setMasterPassword(_ instance: RDSInstance, _ password: String) async throws {
        try await server(of: instance).sql(
            "ALTER ROLE \(SQLText.identifier(instance.masterUsername)) PASSWORD \(SQLText.literal(SCRAM.verifier(for: password)));",
            port: instance.port)
    }

    /// Runs SQL as Kerbside's administrator (for snapshots' consistency points and tests of state).
    public func sql(_ instance: RDSInstance, _ script: String) async throws -> String {
        try await server(of: instance).sql(script, port: instance.port)
    }

    // MARK: - Backups

    private nonisolated var snapshotsFolder: URL { dataDirectory.appendingPathComponent("snapshots") }

    /// A snapshot's copy of the data (a base backup), ready to be copied into a new instance.
    public nonisolated func snapshotData(_ snapshotId: String) -> URL {
        snapshotsFolder.appendingPathComponent(snapshotId).appendingPathComponent("pgdata")
    }

    public func snapshot(_ instance: RDSInstance, into snapshotId: String) async throws {
        try FileManager.default.createDirectory(at: snapshotsFolder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o711])
        try await server(of: instance).backup(to: snapshotData(snapshotId), port: instance.port)
    }

    public func deleteSnapshot(_ snapshotId: String) {
        try? FileManager.default.removeItem(at: snapshotsFolder.appendingPathComponent(snapshotId))
    }

    /// The automated base backup point-in-time restores start from, taken once the instance
    /// serves; its WAL archive carries every later change.
    public func takeBaseBackup(_ instance: RDSInstance) async {
        let started = generation
        guard let server = try? server(of: instance) else { return }
        do {
            let stamp = Int(Date().timeIntervalSince1970 * 1000)
            try await server.backup(to: server.folder.appendingPathComponent("backups/base-\(stamp)"), port: instance.port)
        } catch {
            logger.error("the base backup of DB instance \(instance.identifier) failed: \(error)")
        }
        // A reset or a delete during the backup: leave nothing of the instance behind.
        let exists = (try? await store.read { db in try RDSInstance.withId(instance.resourceId).fetchOne(db) }) != nil
        if generation != started || !exists { await destroy(instance) }
    }

    /// Base backups of `instance` (oldest first), each with the time it was started.
    public nonisolated func baseBackups(_ instance: RDSInstance) -> [(taken: Date, data: URL)] {
        guard let server = try? server(of: instance) else { return [] }
        let folder = server.folder.appendingPathComponent("backups")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.compactMap { name -> (Date, URL)? in
            guard name.hasPrefix("base-"), let millis = Double(name.dropFirst(5)) else { return nil }
            return (Date(timeIntervalSince1970: millis / 1000), folder.appendingPathComponent(name))
        }.sorted { $0.0 < $1.0 }
    }

    /// Makes sure every change until now is in the instance's WAL archive (when it runs).
    public func archiveNow(_ instance: RDSInstance) async throws {
        guard await isRunning(instance) else { return }
        try await server(of: instance).archiveCurrentWAL(port: instance.port)
    }

    public nonisolated func walArchive(_ instance: RDSInstance) throws -> URL { try server(of: instance).walArchive }

    // MARK: - Kerberos

    /// Puts `postgres/<endpoint>@REALM` (and the AD-domain form of the endpoint) in the
    /// instance's keytab, using the realm of `directory` (the hosting directory).
    public func joinRealm(_ instance: RDSInstance, directory: DSDirectory) async throws {
        let server = try server(of: instance)
        let realm = realms.realm(of: directory)
        let principals = servicePrincipals(instance, directory: directory).map { realm.principal($0) }
        try? FileManager.default.removeItem(at: server.keytab)
        var commands: [KadminCommand] = principals.map { .deletePrincipal($0) }
        commands += principals.map { .addPrincipal($0, password: nil, ticketsAllowed: true) }
        commands.append(.exportKeytab(principals, keytab: server.keytab.path, keepKeys: false))
        try await realms.kadmin(directory, commands, tolerating: ["does not exist"])
        try server.adoptKeytab()
    }

    /// Removes the instance's service principals from the realm.
    public func leaveRealm(_ instance: RDSInstance, directory: DSDirectory) async {
        let realm = realms.realm(of: directory)
        let commands = servicePrincipals(instance, directory: directory).map { KadminCommand.deletePrincipal(realm.principal($0)) }
        try? await realms.kadmin(directory, commands, tolerating: ["does not exist"])
    }

    nonisolated func servicePrincipals(_ instance: RDSInstance, directory: DSDirectory) -> [String] {
        let short = instance.endpointHost.replacingOccurrences(of: ".rds.amazonaws.com", with: "")
        return ["postgres/\(instance.endpointHost)", "postgres/\(short).\(directory.name.lowercased())"]
    }

    // MARK: - Whole-host

    /// Before Kerbside serves requests: instances whose servers are about to be brought back
    /// show `rebooting` until they are, so nobody mistakes a stale `available` for a server.
    public func markRestarting() async {
        try? await store.write { db in
            for var instance in try RDSInstance.fetchAll(db) where instance.shouldRun {
                // A creation cut off by a stop of Kerbside cannot be finished: its master password is gone.
                instance.statusReason = instance.status == "creating" ? "Kerbside stopped while the instance was being created." : nil
                instance.status = instance.status == "creating" ? "failed" : "rebooting"
                try instance.update(db)
            }
        }
    }

    /// At start-up: every instance that should run gets its server back (orphans of a killed
    /// Kerbside are stopped first, by their pid files).
    public func restoreAll() async {
        do {
            let instances = try await store.read { db in try RDSInstance.fetchAll(db) }
            for instance in instances where instance.shouldRun {
                await start(instance)
            }
        } catch {
            logger.error("could not restore DB instances: \(error)")
        }
    }

    /// For `POST /_kerbside/reset` (before the store is wiped): stops every server and removes
    /// every instance's files.
    public func removeAll() async {
        generation += 1
        // Every database server, including one whose instance is still being created; all at
        // once, since each takes a shutdown checkpoint.
        let supervisor = self.supervisor
        let names = await supervisor.statuses.keys.filter { $0.hasPrefix(Self.childPrefix) }
        await withTaskGroup(of: Void.self) { group in
            for name in names { group.addTask { await supervisor.stop(name) } }
        }
        try? FileManager.default.removeItem(at: enginesFolder)
        try? FileManager.default.removeItem(at: snapshotsFolder)
        await logins.forgetAll()
    }

    public func isRunning(_ instance: RDSInstance) async -> Bool {
        await supervisor.status(childName(instance))?.state == .running
    }

    // MARK: - Helpers

    /// A copy of the template made ahead of time, so the next new instance gets its data
    /// directory by a rename instead of a copy (a copy is most of the time to `available`).
    private nonisolated func spareFolder(_ installation: PostgresInstallation) -> URL {
        templatesFolder.appendingPathComponent("spare-postgres-\(installation.major)")
    }

    private func takeSpare(_ installation: PostgresInstallation) -> URL? {
        guard spareRefill == nil else { return nil }   // still being copied
        let spare = spareFolder(installation)
        guard FileManager.default.fileExists(atPath: spare.appendingPathComponent("PG_VERSION").path) else { return nil }
        let taken = templatesFolder.appendingPathComponent("taken-\(UUID().uuidString)")
        guard (try? FileManager.default.moveItem(at: spare, to: taken)) != nil else { return nil }
        return taken
    }

    private func refillSpare(_ installation: PostgresInstallation, _ user: EngineUser) {
        guard spareRefill == nil else { return }
        let spare = spareFolder(installation), folder = templatesFolder
        guard !FileManager.default.fileExists(atPath: spare.path) else { return }
        spareRefill = Task { [weak self] in
            if let template = try? await self?.template(for: installation, user: user) {
                let filling = folder.appendingPathComponent("filling-\(UUID().uuidString)")
                do {
                    try await PostgresInstance.copy(template, to: filling)
                    try FileManager.default.moveItem(at: filling, to: spare)
                } catch {
                    try? FileManager.default.removeItem(at: filling)
                }
            }
            await self?.spareRefilled()
        }
    }

    private func spareRefilled() { spareRefill = nil }

    private func template(for installation: PostgresInstallation, user: EngineUser) async throws -> URL {
        if let templateBuild, let url = try? await templateBuild.value { return url }
        let folder = templatesFolder
        let build = Task { try await PostgresTemplate.ensure(in: folder, installation: installation, user: user) }
        templateBuild = build
        return try await build.value
    }

    /// The engine user must pass through every folder above the instance's.
    private func checkReachable(_ server: PostgresInstance) throws {
        let blocked = server.user.blockedAncestors(of: server.folder)
        guard blocked.isEmpty else {
            throw EngineError("the database server runs as `\(server.user.name)`, which cannot pass through \(blocked.joined(separator: ", ")); choose a data directory it can reach (for example under /var/lib or /tmp) or allow it with chmod o+x")
        }
    }

    /// The instance as the store has it now (changes may have landed since `instance` was read).
    private func fresh(_ instance: RDSInstance) async -> RDSInstance {
        (try? await store.read { db in try RDSInstance.fetchOne(db, key: instance.resourceId) }) ?? instance
    }

    private func fail(_ instance: RDSInstance, reason: String) async {
        logger.error("DB instance \(instance.identifier) failed: \(reason)")
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
