import Foundation
import GRDB
import Runtime
import Services
import State

/// Kerbside's own routes under `/_kerbside/`: readiness, a reset between tests, the client kit,
/// and what is served. They are plain HTTP, not an AWS protocol, and need no signature.
struct ControlRoutes: Sendable {
    static let prefix = "/_kerbside/"

    let store: Store
    let services: ServiceRegistry
    let realms: RealmHost
    let engines: EngineHost
    let relays: ClusterEndpointRelays
    let supervisor: Supervisor
    let version: String
    let initHooks: InitHooks

    struct Reply: Sendable {
        let status: Int
        let contentType: String
        let body: [UInt8]
    }

    struct RealmHealth: Encodable {
        let directoryId: String
        let accountId: String
        let realm: String
        let stage: String
        let kdcAddresses: [String]
        let kdcPort: Int
        let kdc: ChildStatus?
    }

    struct EngineHealth: Encodable {
        let dbInstanceIdentifier: String
        let accountId: String
        let region: String
        let dbiResourceId: String
        /// The cluster it is a member of, and whether it is the writer.
        let dbClusterIdentifier: String?
        let isClusterWriter: Bool?
        let engine: String
        let status: String
        let statusReason: String?
        let endpoint: String
        let address: String
        let port: Int
        let domainStatus: String?
        let domainStatusReason: String?
        let server: ChildStatus?
        let refusedLogins: [DatabaseLogins.RefusedLogin]
    }

    struct ClusterHealth: Encodable {
        struct Endpoint: Encodable {
            let endpoint: String
            let address: String
            /// The member servers new connections go to now.
            let targets: [String]
        }

        let dbClusterIdentifier: String
        let accountId: String
        let region: String
        let dbClusterResourceId: String
        let engine: String
        let status: String
        let port: Int
        let writer: String?
        let readers: [String]
        let domainStatus: String?
        let domainStatusReason: String?
        let endpoints: [Endpoint]
    }

    struct Health: Encodable {
        let status: String
        let version: String
        let services: [String]
        let krb5Config: String
        let realms: [RealmHealth]
        let engines: [EngineHealth]
        let clusters: [ClusterHealth]
        /// The ready.d scripts run so far and how each ended.
        let initHooks: [InitHooks.Outcome]
    }

    func respond(method: String, path: String) async -> Reply {
        switch (method, path) {
        case ("GET", "/_kerbside/health"):
            let directories = (try? await store.read { db in try DSDirectory.order(Column("launchTime")).fetchAll(db).filter(\.hostsRealm) }) ?? []
            let children = await supervisor.statuses
            let realmHealth = directories.map { directory in
                RealmHealth(directoryId: directory.directoryId, accountId: directory.accountId, realm: directory.realm,
                            stage: directory.stage, kdcAddresses: directory.dnsIpAddrs, kdcPort: directory.kdcPort,
                            kdc: children["kdc \(directory.realm)"])
            }
            let (instances, clusterNames) = (try? await store.read { db in
                (try RDSInstance.order(Column("createTime")).fetchAll(db),
                 Dictionary(try RDSCluster.fetchAll(db).map { ($0.resourceId, $0.identifier) }, uniquingKeysWith: { first, _ in first }))
            }) ?? ([], [:])
            var engineHealth: [EngineHealth] = []
            for instance in instances {
                let refused = await engines.logins.refusals(of: instance.resourceId)
                engineHealth.append(EngineHealth(dbInstanceIdentifier: instance.identifier, accountId: instance.accountId, region: instance.region,
                             dbiResourceId: instance.resourceId, dbClusterIdentifier: instance.clusterResourceId.flatMap { clusterNames[$0] },
                             isClusterWriter: instance.clusterResourceId.map { _ in instance.isClusterWriter },
                             engine: instance.engine, status: instance.status,
                             statusReason: instance.statusReason, endpoint: instance.endpointHost, address: instance.address,
                             port: instance.port, domainStatus: instance.domainStatus, domainStatusReason: instance.domainStatusReason,
                             server: children[engines.childName(instance)], refusedLogins: refused))
            }
            let routes = Dictionary(await relays.routes().map { ($0.host, $0) }, uniquingKeysWith: { first, _ in first })
            let clusters = (try? await store.read { db in
                try RDSCluster.order(Column("createTime")).fetchAll(db).map { cluster in
                    (cluster, try RDSInstance.members(of: cluster.resourceId).fetchAll(db), try RDSClusterEndpoint.of(cluster.resourceId).fetchAll(db))
                }
            }) ?? []
            let clusterHealth = clusters.map { cluster, members, custom in
                let endpoints = [cluster.endpointHost, cluster.readerEndpointHost] + custom.map(\.endpointHost)
                return ClusterHealth(
                    dbClusterIdentifier: cluster.identifier, accountId: cluster.accountId, region: cluster.region,
                    dbClusterResourceId: cluster.resourceId, engine: cluster.engine, status: cluster.status, port: cluster.port,
                    writer: members.first(where: \.isClusterWriter)?.identifier,
                    readers: members.filter { !$0.isClusterWriter }.map(\.identifier),
                    domainStatus: cluster.domainStatus, domainStatusReason: cluster.domainStatusReason,
                    endpoints: endpoints.map { host in
                        ClusterHealth.Endpoint(endpoint: host, address: routes[host]?.address ?? "",
                                               targets: routes[host]?.targets ?? [])
                    })
            }
            return json(200, Health(status: "ready", version: version, services: services.signingNames,
                                    krb5Config: realms.clientConfigurationFile.path, realms: realmHealth, engines: engineHealth,
                                    clusters: clusterHealth, initHooks: await initHooks.report))
        case ("POST", "/_kerbside/reset"):
            do {
                await relays.removeAll()
                await engines.removeAll()
                await realms.removeAll()
                try await store.reset()
                try await realms.writeClientConfiguration()
                return json(200, ["status": "reset"])
            } catch {
                return json(500, ["status": "failed", "error": "\(error)"])
            }
        case ("GET", "/_kerbside/krb5.conf"):
            do {
                try await realms.writeClientConfiguration()
                let text = try Data(contentsOf: realms.clientConfigurationFile)
                return Reply(status: 200, contentType: "text/plain; charset=utf-8", body: Array(text))
            } catch {
                return json(500, ["error": "krb5.conf is not available: \(error)"])
            }
        case ("GET", "/_kerbside/hosts"):
            // hosts-file lines, so clients that cannot set libpq's `hostaddr` resolve endpoints.
            let lines = (try? await store.read { db in
                let instances = try RDSInstance.order(Column("createTime")).fetchAll(db).map { ($0.address, $0.endpointHost) }
                let clusters = try RDSCluster.order(Column("createTime")).fetchAll(db)
                    .flatMap { [($0.address, $0.endpointHost), ($0.readerAddress, $0.readerEndpointHost)] }
                let custom = try RDSClusterEndpoint.order(Column("createTime")).fetchAll(db).map { ($0.address, $0.endpointHost) }
                return (instances + clusters + custom).map { "\($0.0) \($0.1)\n" }.joined()
            }) ?? ""
            return Reply(status: 200, contentType: "text/plain; charset=utf-8", body: Array(lines.utf8))
        case ("GET", "/_kerbside/ca.pem"):
            do {
                let pem = try await engines.certificateAuthority().certificatePEM
                return Reply(status: 200, contentType: "application/x-pem-file", body: Array(pem.utf8))
            } catch {
                return json(500, ["error": "the CA is not available: \(error)"])
            }
        case ("GET", "/_kerbside/operations"):
            return json(200, services.implementedOperations)
        default:
            return json(404, ["error": "no control route \(method) \(path)"])
        }
    }

    private func json(_ status: Int, _ value: some Encodable) -> Reply {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        encoder.dateEncodingStrategy = .iso8601
        return Reply(status: status, contentType: "application/json",
                     body: Array((try? encoder.encode(value)) ?? Data("{}".utf8)) + [0x0A])
    }
}
