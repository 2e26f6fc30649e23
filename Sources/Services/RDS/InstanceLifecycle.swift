import Engines
import Foundation
import GRDB
import Logging
import State

/// The work that follows an accepted request, after the API has answered: bringing a server up,
/// joining or leaving a directory's realm, tearing an instance down. Each step records what it
/// observed in the instance (status, membership status and reason).
struct InstanceLifecycle {
    let store: Store
    let engines: EngineHost
    let realms: RealmHost
    let logger: Logger

    func provision(_ instance: RDSInstance, from source: EngineHost.DataSource, master: EngineHost.MasterUser?,
                   recovery: ServerSettings.Recovery? = nil, whenDone: (@Sendable () async -> Void)? = nil) async {
        let started = ContinuousClock.now
        let provisioned = await engines.provision(instance, from: source, master: master, recovery: recovery)
        await whenDone?()
        guard provisioned else {
            await event(instance.resourceId, "DB instance could not be created", ["failure"])
            return
        }
        if instance.domain != nil { await applyDomain(instance.resourceId) }
        await engines.markAvailable(instance)
        logger.info("DB instance \(instance.identifier) available in \(ContinuousClock.now - started)")
        let restored: Bool
        switch source {
        case .template, .replica: restored = false
        case .copy, .adopt: restored = true
        }
        await event(instance.resourceId, restored ? "Restored from snapshot or point in time" : "DB instance available", ["availability"])
        if instance.backupRetentionPeriod > 0 { await engines.takeBaseBackup(instance) }
    }

    func event(_ resourceId: String, _ message: String, _ categories: [String]) async {
        try? await store.write { db in
            guard let instance = try RDSInstance.fetchOne(db, key: resourceId) else { return }
            try RDSEvent.instance(instance, message, categories, db)
        }
    }

    /// Joins the instance to the directory its record names: checks the network, puts the
    /// service principals in its keytab, maps its endpoint to the realm in krb5.conf, and turns
    /// on its Kerberos login rule. Records `kerberos-enabled` or `enable-kerberos-failed`.
    func applyDomain(_ resourceId: String) async {
        do {
            let found = try await store.read { db -> (RDSInstance, DSDirectory, String?)? in
                guard let instance = try RDSInstance.fetchOne(db, key: resourceId), let domain = instance.domain,
                      let hosting = try DomainJoin.hosting(domain, db) else { return nil }
                var problem = try DomainJoin.networkProblem(instance, directory: hosting, db)
                if hosting.stage != "Active" {
                    problem = "The directory \(domain) is not available: its stage is \(hosting.stage)."
                }
                return (instance, hosting, problem)
            }
            guard let (instance, hosting, problem) = found else { return }
            if let problem {
                await event(resourceId, "Kerberos could not be enabled: \(problem)", ["configuration change", "failure"])
                logger.warning("DB instance \(instance.identifier) could not join its directory: \(problem)")
                await recordDomain(resourceId, status: "enable-kerberos-failed", reason: problem)
                return
            }
            try await engines.joinRealm(instance, directory: hosting)
            // The server takes the directory's principal first (MariaDB restarts for it), so
            // that `kerberos-enabled` finds it ready for tickets.
            await refresh(resourceId)
            await recordDomain(resourceId, status: "kerberos-enabled", reason: nil)
            await event(resourceId, "Kerberos authentication enabled with directory \(hosting.directoryId)", ["configuration change"])
        } catch {
            logger.error("DB instance \(resourceId) could not join its directory: \(error)")
            await recordDomain(resourceId, status: "enable-kerberos-failed", reason: "\(error)")
        }
        await refresh(resourceId)
    }

    /// Takes the instance out of its directory: removes its principals and keytab and its
    /// Kerberos login rule; the membership disappears.
    func leaveDomain(_ resourceId: String) async {
        guard let (instance, hosting) = try? await store.read({ db -> (RDSInstance, DSDirectory?)? in
            guard let instance = try RDSInstance.fetchOne(db, key: resourceId) else { return nil }
            return (instance, try DomainJoin.hosting(instance.domain, db))
        }) else { return }
        if let hosting { await engines.leaveRealm([instance.endpointHost], engine: instance.engine, directory: hosting) }
        try? await store.write { db in
            guard var current = try RDSInstance.fetchOne(db, key: resourceId) else { return }
            current.domain = nil
            current.domainRoleName = nil
            current.domainStatus = nil
            current.domainFQDN = nil
            current.domainStatusReason = nil
            try current.update(db)
        }
        await refresh(resourceId)
    }

    /// Stops the server, leaves the realm, removes files and the record.
    func delete(_ instance: RDSInstance) async {
        await promoteReplicas(of: instance)
        if instance.domain != nil { await leaveDomain(instance.resourceId) }
        await engines.destroy(instance)
        try? await store.write { db in
            _ = try RDSInstance.deleteOne(db, key: instance.resourceId)
        }
        try? await realms.writeClientConfiguration()
    }

    /// Brings krb5.conf and the server's login rules in line with the record.
    private func refresh(_ resourceId: String) async {
        try? await realms.writeClientConfiguration()
        if let instance = try? await store.read({ db in try RDSInstance.fetchOne(db, key: resourceId) }) {
            try? await engines.reconfigure(instance)
        }
    }

    private func recordDomain(_ resourceId: String, status: String, reason: String?) async {
        try? await store.write { db in
            guard var current = try RDSInstance.fetchOne(db, key: resourceId) else { return }
            current.domainStatus = status
            current.domainStatusReason = reason
            try current.update(db)
        }
    }
}
