import Engines
import Foundation
import GRDB
import Logging
import State

/// The work that follows an accepted cluster request, after the API has answered: bringing a
/// member up (the writer from the cluster's volume or a new database, a reader as a streaming
/// copy of the writer), joining the cluster's directory, failing over, stopping and starting
/// every member, and taking members and clusters down. Each step records what it observed.
struct ClusterLifecycle {
    let store: Store
    let engines: EngineHost
    let realms: RealmHost
    let relays: ClusterEndpointRelays
    let logger: Logger

    // MARK: - Clusters

    /// A new (or restored) cluster: its folder, its directory, its endpoints; `available` once
    /// they are (a cluster without members is available, as on RDS).
    func created(_ cluster: RDSCluster) async {
        do {
            try await engines.makeClusterFolder(cluster)
        } catch {
            await record(cluster.resourceId) { $0.status = "failed"; $0.statusReason = "\(error)" }
            await event(cluster.resourceId, "DB cluster could not be created: \(error)", ["failure"])
            return
        }
        if cluster.domain != nil { await applyDomain(cluster.resourceId) }
        await record(cluster.resourceId) { current in
            if current.status == "creating" { current.status = "available" }
        }
        await relays.refresh(clusterId: cluster.resourceId)
        await event(cluster.resourceId, "DB cluster created", ["creation"])
    }

    /// Stops every member (readers first, so the writer's last changes reach them) and records
    /// the cluster and its members `stopped`.
    func stop(_ clusterId: String) async {
        let members = await self.members(clusterId)
        for member in members.filter({ !$0.isClusterWriter }) + members.filter(\.isClusterWriter) {
            await engines.stop(member)
            await recordMember(member.resourceId) { $0.status = "stopped" }
        }
        await record(clusterId) { if $0.status == "stopping" { $0.status = "stopped" } }
        await relays.refresh(clusterId: clusterId)
        await event(clusterId, "DB cluster stopped", ["notification"])
    }

    /// Starts every member (the writer first, then its readers) and records them `available`.
    func start(_ clusterId: String) async {
        let members = await self.members(clusterId)
        for group in [members.filter(\.isClusterWriter), members.filter { !$0.isClusterWriter }] {
            await withTaskGroup(of: Void.self) { tasks in
                for member in group { tasks.addTask { await engines.start(member) } }
            }
        }
        await record(clusterId) { if $0.status == "starting" { $0.status = "available" } }
        await relays.refresh(clusterId: clusterId)
        await event(clusterId, "DB cluster started", ["notification"])
    }

    /// Restarts every member with the cluster's settings (a new port): readers stop first so the
    /// writer's last changes reach them, the writer starts first so they have it to follow.
    func restartAll(_ clusterId: String) async {
        let members = await self.members(clusterId).filter { $0.status != "deleting" }
        for member in members.filter({ !$0.isClusterWriter }) + members.filter(\.isClusterWriter) { await engines.stop(member) }
        for member in members.filter(\.isClusterWriter) + members.filter({ !$0.isClusterWriter }) { await engines.start(member) }
        await record(clusterId) { if $0.status == "modifying" { $0.status = "available" } }
        await relays.refresh(clusterId: clusterId)
        await event(clusterId, "DB cluster restarted with its new settings", ["configuration change"])
    }

    /// After the last member is gone: the final snapshot (from the cluster's volume), the
    /// directory's principals, the endpoints and the files, then the record.
    func delete(_ cluster: RDSCluster, finalSnapshot: RDSClusterSnapshot?) async {
        // Members already `deleting` hand their data to the volume first (bounded wait).
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline, !(await members(cluster.resourceId)).isEmpty {
            try? await Task.sleep(for: .milliseconds(50))
        }
        if let finalSnapshot { await ClusterSnapshots.take(finalSnapshot, of: cluster, store: store, engines: engines) }
        if cluster.domain != nil, let hosting = try? await store.read({ db in try DomainJoin.hosting(cluster.domain, db) }) {
            await engines.leaveRealm(await hosts(of: cluster.resourceId), engine: cluster.engine, directory: hosting)
        }
        try? await store.write { db in
            _ = try RDSClusterEndpoint.of(cluster.resourceId).deleteAll(db)
            _ = try RDSCluster.deleteOne(db, key: cluster.resourceId)
        }
        await relays.refreshAll()
        try? FileManager.default.removeItem(at: engines.clusterFolder(cluster.resourceId))
        try? await realms.writeClientConfiguration()
    }

    // MARK: - Members

    /// Brings a new member up: the writer from the cluster's volume (its data while it had no
    /// member, or a restore's) or as a new database with the cluster's master user; a reader as
    /// a copy of the running writer that streams every later change.
    func provision(_ instance: RDSInstance) async {
        let started = ContinuousClock.now
        guard let cluster = await cluster(of: instance) else { return }
        let provisioned: Bool
        if instance.isClusterWriter {
            let volume = engines.clusterVolume(cluster.resourceId)
            if FileManager.default.fileExists(atPath: volume.path) {
                let recovery = ClusterRecovery.pending(in: engines.clusterFolder(cluster.resourceId))
                provisioned = await engines.provision(instance, from: .adopt(volume), master: nil, recovery: recovery)
                if provisioned { ClusterRecovery.finish(in: engines.clusterFolder(cluster.resourceId)) }
            } else {
                let master = EngineHost.MasterUser(name: cluster.masterUsername, passwordVerifier: cluster.masterPasswordVerifier,
                                                   database: cluster.databaseName)
                provisioned = await engines.provision(instance, from: .template, master: master)
            }
        } else {
            provisioned = await engines.provision(instance, from: .replica, master: nil)
        }
        guard provisioned else {
            await memberEvent(instance.resourceId, "DB instance could not be created", ["failure"])
            return
        }
        if cluster.domainStatus == "kerberos-enabled" { await refreshKeytab(cluster.resourceId) }
        // Routed before it says `available`: a client that waited for it reaches it at once.
        await relays.refresh(clusterId: cluster.resourceId)
        await engines.markAvailable(instance)
        logger.info("DB instance \(instance.identifier) (\(instance.isClusterWriter ? "writer" : "reader") of \(cluster.identifier)) available in \(ContinuousClock.now - started)")
        await memberEvent(instance.resourceId, "DB instance created", ["creation"])
        if instance.isClusterWriter && cluster.backupRetentionPeriod > 0 { await engines.takeBaseBackup(instance) }
    }

    /// Restarts a member. As on Aurora PostgreSQL, a reboot of the writer restarts its readers too.
    func reboot(_ instance: RDSInstance) async {
        await engines.reboot(instance)
        if instance.isClusterWriter, let clusterId = instance.clusterResourceId {
            for reader in await members(clusterId) where !reader.isClusterWriter && reader.status == "available" {
                await recordMember(reader.resourceId) { $0.status = "rebooting" }
                await engines.reboot(reader)
            }
        }
        await relays.refresh(clusterId: instance.clusterResourceId ?? "")
    }

    /// Takes a member away. The writer hands over to a reader first (a failover), as RDS does;
    /// the last member leaves its data as the cluster's volume, so the cluster keeps it.
    func delete(_ instance: RDSInstance) async {
        guard let clusterId = instance.clusterResourceId else { return }
        let others = await members(clusterId).filter { $0.resourceId != instance.resourceId && $0.status != "deleting" }
        if instance.isClusterWriter, !others.isEmpty {
            await failover(clusterId, to: nil, leaving: instance)
        } else if others.isEmpty {
            do {
                try await engines.keepAsVolume(instance)
            } catch {
                logger.error("the data of DB cluster \(clusterId) could not be kept after its last member \(instance.identifier): \(error)")
            }
        }
        await engines.destroy(instance)
        let cluster = await self.cluster(of: instance)
        if let cluster, cluster.domain != nil, let hosting = try? await store.read({ db in try DomainJoin.hosting(cluster.domain, db) }) {
            await engines.leaveRealm([instance.endpointHost], engine: instance.engine, directory: hosting)
        }
        try? await store.write { db in _ = try RDSInstance.deleteOne(db, key: instance.resourceId) }
        await relays.refresh(clusterId: clusterId)
        try? await realms.writeClientConfiguration()
    }

    // MARK: - Failover

    /// Makes a reader the writer without losing an acknowledged change: the writer stops
    /// cleanly (its last changes stream to the readers), the target replays up to where it
    /// stopped and is promoted, the cluster endpoint follows it, the other readers follow it,
    /// and the old writer comes back as its reader. With `leaving`, the old writer is being
    /// deleted and does not come back.
    func failover(_ clusterId: String, to targetIdentifier: String?, leaving: RDSInstance? = nil) async {
        let started = ContinuousClock.now
        let members = await self.members(clusterId)
        guard let cluster = await store(clusterId), let writer = members.first(where: \.isClusterWriter) else { return }
        var candidates: [RDSInstance] = []
        for reader in members where !reader.isClusterWriter && reader.status == "available" {
            if await engines.isRunning(reader) { candidates.append(reader) }
        }
        candidates.sort { ($0.promotionTier, $0.identifier) < ($1.promotionTier, $1.identifier) }
        let target = targetIdentifier.flatMap { name in candidates.first { $0.identifier == name } } ?? candidates.first
        guard let target else {
            // Nothing to fail over to: RDS restarts the writer.
            if leaving == nil {
                await engines.reboot(writer)
                await record(clusterId) { if $0.status == "failing-over" { $0.status = "available" } }
            }
            await event(clusterId, "Failover found no reader to promote; the writer \(writer.identifier) was restarted", ["failover"])
            return
        }
        await event(clusterId, "Started failover to DB instance: \(target.identifier)", ["failover"])
        await engines.stop(writer)
        if let position = await engines.stoppedPosition(writer) {
            do {
                try await engines.waitUntilReplayed(target, position, timeout: .seconds(10))
            } catch {
                logger.error("failover of \(cluster.identifier) to \(target.identifier) stopped: \(error)")
                if leaving == nil { await engines.start(writer) }
                await record(clusterId) { if $0.status == "failing-over" { $0.status = "available" } }
                await event(clusterId, "Failover to DB instance \(target.identifier) failed: it could not catch up with the writer", ["failover", "failure"])
                return
            }
        }
        do {
            try await engines.promote(target)
        } catch {
            logger.error("failover of \(cluster.identifier): \(target.identifier) was not promoted: \(error)")
            if leaving == nil { await engines.start(writer) }
            await record(clusterId) { if $0.status == "failing-over" { $0.status = "available" } }
            await event(clusterId, "Failover to DB instance \(target.identifier) failed: \(error)", ["failover", "failure"])
            return
        }
        try? await store.write { db in
            for var member in try RDSInstance.members(of: clusterId).fetchAll(db) {
                member.isClusterWriter = member.resourceId == target.resourceId
                if member.resourceId == writer.resourceId && leaving == nil { member.status = "rebooting" }
                try member.update(db)
            }
        }
        try? await engines.reconfigure(target)
        await relays.refresh(clusterId: clusterId)
        logger.info("DB cluster \(cluster.identifier) failed over to \(target.identifier) in \(ContinuousClock.now - started)")
        // The other readers follow the new writer (a reload); the old one comes back as a reader.
        for reader in members where reader.resourceId != target.resourceId && reader.resourceId != writer.resourceId {
            try? await engines.reconfigure(reader)
        }
        if leaving == nil {
            if await engines.stoppedPosition(writer) != nil {
                await engines.start(writer)
            } else if await engines.rebuildReplica(writer) {
                await engines.markAvailable(writer)
            }
        }
        await relays.refresh(clusterId: clusterId)
        await record(clusterId) { if $0.status == "failing-over" { $0.status = "available" } }
        await event(clusterId, "Completed failover to DB instance: \(target.identifier)", ["failover"])
        if cluster.backupRetentionPeriod > 0 { await engines.takeBaseBackup(target) }
    }

    // MARK: - Directory

    /// Joins the cluster to the directory its record names: the network check, then every name
    /// of the cluster (its endpoints and its members') as a service principal in the cluster's
    /// keytab, which every member accepts tickets with; krb5.conf maps the names to the realm.
    func applyDomain(_ clusterId: String) async {
        do {
            let found = try await store.read { db -> (RDSCluster, DSDirectory, String?)? in
                guard let cluster = try RDSCluster.withId(clusterId).fetchOne(db), let domain = cluster.domain,
                      let hosting = try DomainJoin.hosting(domain, db) else { return nil }
                var problem = try DomainJoin.networkProblem(vpcId: cluster.vpcId, securityGroups: cluster.vpcSecurityGroupIds,
                                                            of: "DB cluster", directory: hosting, db)
                if hosting.stage != "Active" { problem = "The directory \(domain) is not available: its stage is \(hosting.stage)." }
                return (cluster, hosting, problem)
            }
            guard let (cluster, hosting, problem) = found else { return }
            if let problem {
                logger.warning("DB cluster \(cluster.identifier) could not join its directory: \(problem)")
                await record(clusterId) { $0.domainStatus = "enable-kerberos-failed"; $0.domainStatusReason = problem }
                await event(clusterId, "Kerberos could not be enabled: \(problem)", ["configuration change", "failure"])
                return
            }
            await engines.leaveRealm(await hosts(of: clusterId), engine: cluster.engine, directory: hosting)
            try await engines.exportKeytab(await hosts(of: clusterId), engine: cluster.engine, directory: hosting,
                                           to: engines.clusterKeytab(clusterId), user: nil)
            // The members take the directory's principal first (a MariaDB server restarts for
            // it), so that `kerberos-enabled` finds them ready for tickets.
            await reconfigureMembers(clusterId)
            await record(clusterId) { $0.domainStatus = "kerberos-enabled"; $0.domainStatusReason = nil }
            await event(clusterId, "Kerberos authentication enabled with directory \(hosting.directoryId)", ["configuration change"])
        } catch {
            logger.error("DB cluster \(clusterId) could not join its directory: \(error)")
            await record(clusterId) { $0.domainStatus = "enable-kerberos-failed"; $0.domainStatusReason = "\(error)" }
        }
        await reconfigureMembers(clusterId)
        try? await realms.writeClientConfiguration()
    }

    /// Takes the cluster out of its directory: its principals, its keytab and its members'
    /// Kerberos login rule go; the membership disappears.
    func leaveDomain(_ clusterId: String, previous: RDSCluster) async {
        if let hosting = try? await store.read({ db in try DomainJoin.hosting(previous.domain, db) }) {
            await engines.leaveRealm(await hosts(of: clusterId), engine: previous.engine, directory: hosting)
        }
        try? FileManager.default.removeItem(at: engines.clusterKeytab(clusterId))
        await reconfigureMembers(clusterId)
        try? await realms.writeClientConfiguration()
    }

    /// After a new member or custom endpoint of a joined cluster: its names join the keytab
    /// (the others keep their keys) and every member takes the new keytab.
    func refreshKeytab(_ clusterId: String) async {
        guard let cluster = await store(clusterId), cluster.domainStatus == "kerberos-enabled",
              let hosting = try? await store.read({ db in try DomainJoin.hosting(cluster.domain, db) }) else { return }
        do {
            try await engines.exportKeytab(await hosts(of: clusterId), engine: cluster.engine, directory: hosting,
                                           to: engines.clusterKeytab(clusterId), user: nil)
        } catch {
            logger.error("the keytab of DB cluster \(cluster.identifier) could not be renewed: \(error)")
        }
        await reconfigureMembers(clusterId)
        try? await realms.writeClientConfiguration()
    }

    /// Every running member takes the cluster's current settings (a reload).
    func reconfigureMembers(_ clusterId: String) async {
        for member in await members(clusterId) where member.status != "stopped" && member.status != "deleting" {
            do {
                try await engines.reconfigure(member)
            } catch {
                logger.error("DB instance \(member.identifier) could not take its cluster's settings: \(error)")
            }
        }
    }

    /// Every name a client may reach the cluster's servers by.
    private func hosts(of clusterId: String) async -> [String] {
        (try? await store.read { db -> [String] in
            guard let cluster = try RDSCluster.withId(clusterId).fetchOne(db) else { return [] }
            return [cluster.endpointHost, cluster.readerEndpointHost]
                + (try RDSClusterEndpoint.of(clusterId).fetchAll(db).map(\.endpointHost))
                + (try RDSInstance.members(of: clusterId).fetchAll(db).map(\.endpointHost))
        }) ?? []
    }

    // MARK: - Records

    func members(_ clusterId: String) async -> [RDSInstance] {
        (try? await store.read { db in try RDSInstance.members(of: clusterId).fetchAll(db) }) ?? []
    }

    private func cluster(of instance: RDSInstance) async -> RDSCluster? {
        guard let clusterId = instance.clusterResourceId else { return nil }
        return await store(clusterId)
    }

    private func store(_ clusterId: String) async -> RDSCluster? {
        try? await store.read { db in try RDSCluster.withId(clusterId).fetchOne(db) }
    }

    func record(_ clusterId: String, _ change: @Sendable @escaping (inout RDSCluster) -> Void) async {
        try? await store.write { db in
            guard var cluster = try RDSCluster.withId(clusterId).fetchOne(db) else { return }
            change(&cluster)
            try cluster.update(db)
        }
    }

    private func recordMember(_ resourceId: String, _ change: @Sendable @escaping (inout RDSInstance) -> Void) async {
        try? await store.write { db in
            guard var instance = try RDSInstance.withId(resourceId).fetchOne(db), instance.status != "deleting" else { return }
            change(&instance)
            try instance.update(db)
        }
    }

    func event(_ clusterId: String, _ message: String, _ categories: [String]) async {
        try? await store.write { db in
            guard let cluster = try RDSCluster.withId(clusterId).fetchOne(db) else { return }
            try RDSEvent.cluster(cluster, message, categories, db)
        }
    }

    private func memberEvent(_ resourceId: String, _ message: String, _ categories: [String]) async {
        try? await store.write { db in
            guard let instance = try RDSInstance.withId(resourceId).fetchOne(db) else { return }
            try RDSEvent.instance(instance, message, categories, db)
        }
    }
}

/// A point-in-time restore of a cluster waiting for its first writer: the cluster's volume is
/// a base backup, and the writer replays the source's archived changes up to the target time
/// before it serves (`<cluster>/recovery.json`, with a copy of those changes beside it).
enum ClusterRecovery {
    struct Plan: Codable {
        var archive: String
        var targetTime: Date?
    }

    static func file(in folder: URL) -> URL { folder.appendingPathComponent("recovery.json") }

    static func write(_ recovery: ServerSettings.Recovery, in folder: URL) throws {
        let data = try JSONEncoder().encode(Plan(archive: recovery.archive.path, targetTime: recovery.targetTime))
        try data.write(to: file(in: folder), options: .atomic)
    }

    static func pending(in folder: URL) -> ServerSettings.Recovery? {
        guard let data = try? Data(contentsOf: file(in: folder)), let plan = try? JSONDecoder().decode(Plan.self, from: data) else { return nil }
        return ServerSettings.Recovery(archive: URL(fileURLWithPath: plan.archive), targetTime: plan.targetTime)
    }

    static func finish(in folder: URL) {
        try? FileManager.default.removeItem(at: file(in: folder))
    }
}
