import Foundation
import GRDB
import State

/// Everything the store says about one database server, read in one go: its instance, the
/// cluster it is a member of, the primary it replicates from, and the parameter values it runs
/// with. Cluster members take the cluster's authentication settings and names; a standalone
/// instance has its own.
struct ServerContext: Sendable {
    var instance: RDSInstance
    var cluster: RDSCluster?
    /// The cluster's writer (for a reader) or the source (for a read replica); nil for a primary.
    var primary: RDSInstance?
    var parameters: [String: String]
    var customEndpoints: [RDSClusterEndpoint]

    static func load(_ resourceId: String, _ db: Database) throws -> ServerContext? {
        guard let instance = try RDSInstance.withId(resourceId).fetchOne(db) else { return nil }
        return try load(instance, db)
    }

    static func load(_ instance: RDSInstance, _ db: Database) throws -> ServerContext {
        var cluster: RDSCluster?
        var primary: RDSInstance?
        var parameters: [String: String]
        var custom: [RDSClusterEndpoint] = []
        if let clusterId = instance.clusterResourceId, let found = try RDSCluster.withId(clusterId).fetchOne(db) {
            cluster = found
            if !instance.isClusterWriter {
                primary = try RDSInstance.members(of: clusterId).filter(Column("isClusterWriter") == true).fetchOne(db)
            }
            custom = try RDSClusterEndpoint.of(clusterId).fetchAll(db)
            // The cluster's values, then what the instance's own group sets.
            parameters = (try? RDSParameters.effectiveValues(group: found.parameterGroupName, scope: .cluster,
                                                            account: found.accountId, region: found.region, db)) ?? [:]
            parameters.merge(try RDSParameter.of(group: instance.parameterGroupName, scope: .instance, account: instance.accountId,
                                                 region: instance.region).fetchAll(db).map { ($0.name, $0.value) },
                             uniquingKeysWith: { $1 })
        } else {
            if let source = instance.replicaSourceResourceId {
                primary = try RDSInstance.withId(source).fetchOne(db)
            }
            parameters = (try? RDSParameters.effectiveValues(group: instance.parameterGroupName, scope: .instance,
                                                            account: instance.accountId, region: instance.region, db)) ?? [:]
        }
        return ServerContext(instance: instance, cluster: cluster, primary: primary, parameters: parameters, customEndpoints: custom)
    }

    var isReplica: Bool { instance.clusterResourceId.map { _ in !instance.isClusterWriter } ?? (instance.replicaSourceResourceId != nil) }

    var iamAuthentication: Bool { cluster?.iamAuthentication ?? instance.iamAuthentication }

    var kerberos: Bool { (cluster.map(\.domainStatus) ?? instance.domainStatus) == "kerberos-enabled" }

    /// The names an IAM token may be generated for: the instance's endpoint, and a member's
    /// cluster and reader endpoints (RDS does not sign tokens for custom endpoints).
    var tokenHosts: [String] {
        [instance.endpointHost] + (cluster.map { [$0.endpointHost, $0.readerEndpointHost] } ?? [])
    }

    /// Where a token's `rds-db:connect` resource points: the cluster's resource id for members.
    var tokenResourceId: String { cluster?.resourceId ?? instance.resourceId }

    /// Every name clients may reach this server by, so each is a Kerberos service principal.
    var endpointHosts: [String] { tokenHosts + customEndpoints.map(\.endpointHost) }

    /// The names the server's certificate carries: its own endpoint, and for a member the
    /// cluster's three kinds of endpoint by wildcard (as RDS's certificates do), so a custom
    /// endpoint made later needs no new certificate.
    var certificateNames: [String] {
        guard let cluster else { return [instance.endpointHost] }
        return [instance.endpointHost] + ClusterNames.wildcards(of: cluster)
    }
}

/// The names of a cluster's endpoints: `<id>.cluster-<uid>.<region>.rds.amazonaws.com`, with
/// `cluster-ro-` for the reader endpoint and `cluster-custom-` for custom ones; `<uid>` is the
/// 12 characters every endpoint of the account and region shares with instance endpoints.
enum ClusterNames {
    static func host(_ identifier: String, kind: String, _ accountId: String, _ region: String) -> String {
        "\(identifier).\(kind)-\(InstanceRules.endpointUID(accountId, region)).\(region).rds.amazonaws.com"
    }

    static func wildcards(of cluster: RDSCluster) -> [String] {
        ["cluster", "cluster-ro", "cluster-custom"].map {
            "*.\($0)-\(InstanceRules.endpointUID(cluster.accountId, cluster.region)).\(cluster.region).rds.amazonaws.com"
        }
    }
}
