import Foundation
import GRDB
import State

/// What the store says about one database server, read in one go: its instance, the cluster it
/// is a member of, and the primary it replicates from. Cluster members take the cluster's
/// authentication settings and names; a standalone instance has its own.
struct ServerContext: Sendable {
    var instance: RDSInstance
    var cluster: RDSCluster?
    /// The cluster's writer (for a reader) or the source (for a read replica); nil for a primary.
    var primary: RDSInstance?
    /// The realm of the directory hosting the server's domain, once it has one (joined or not yet).
    var realm: String?

    static func load(_ resourceId: String, _ db: Database) throws -> ServerContext? {
        guard let instance = try RDSInstance.withId(resourceId).fetchOne(db) else { return nil }
        var context = ServerContext(instance: instance, cluster: nil, primary: nil)
        if let clusterId = instance.clusterResourceId, let cluster = try RDSCluster.withId(clusterId).fetchOne(db) {
            context.cluster = cluster
            if !instance.isClusterWriter { context.primary = try ClusterRules.writer(of: clusterId, db) }
        } else if let source = instance.replicaSourceResourceId {
            context.primary = try RDSInstance.withId(source).fetchOne(db)
        }
        context.realm = try DomainJoin.hosting(context.cluster?.domain ?? instance.domain, db)?.realm
        return context
    }

    /// The parameter values the server runs with: a member's cluster parameter group, then what
    /// its own DB parameter group sets; a standalone instance's DB parameter group. Read only
    /// where settings are made, not on a login's path.
    func parameters(_ db: Database) throws -> [String: String] {
        guard let cluster else {
            return try RDSParameters.effectiveValues(group: instance.parameterGroupName, scope: .instance,
                                                     account: instance.accountId, region: instance.region, db)
        }
        var values = try RDSParameters.effectiveValues(group: cluster.parameterGroupName, scope: .cluster,
                                                       account: cluster.accountId, region: cluster.region, db)
        values.merge(try RDSParameter.of(group: instance.parameterGroupName, scope: .instance, account: instance.accountId,
                                         region: instance.region).fetchAll(db).map { ($0.name, $0.value) },
                     uniquingKeysWith: { $1 })
        return values
    }

    var iamAuthentication: Bool { cluster?.iamAuthentication ?? instance.iamAuthentication }

    var kerberos: Bool { (cluster.map(\.domainStatus) ?? instance.domainStatus) == "kerberos-enabled" }

    /// The names an IAM token may be generated for: the instance's endpoint, and a member's
    /// cluster and reader endpoints (RDS does not sign tokens for custom endpoints).
    var tokenHosts: [String] {
        [instance.endpointHost] + (cluster.map { [$0.endpointHost, $0.readerEndpointHost] } ?? [])
    }

    /// Where a token's `rds-db:connect` resource points: the cluster's resource id for members.
    var tokenResourceId: String { cluster?.resourceId ?? instance.resourceId }

    /// The names the server's certificate carries: its own endpoint, and for a member the
    /// cluster's three kinds of endpoint by wildcard (as RDS's certificates do), so a custom
    /// endpoint made later needs no new certificate.
    var certificateNames: [String] {
        guard let cluster else { return [instance.endpointHost] }
        return [instance.endpointHost] + ClusterNames.wildcards(of: cluster)
    }

    /// The addresses it carries too, for clients that verify the address they dialled (the
    /// `mariadb` client with no DNS for the names): its own, and a member's cluster and reader
    /// endpoints', which never change (a custom endpoint, made later, is verified by name).
    var certificateAddresses: [String] {
        [instance.address] + (cluster.map { [$0.address, $0.readerAddress] } ?? []) + ["127.0.0.1"]
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
