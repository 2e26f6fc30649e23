import AWSWire
import Foundation
import GRDB
import State

extension RDSService {
    struct CreateDBClusterEndpointRequest: Decodable, Sendable {
        var dbClusterIdentifier: String
        var dbClusterEndpointIdentifier: String
        var endpointType: String
        var staticMembers: [String]?
        var excludedMembers: [String]?
        var tags: [Tag]?
    }

    struct ModifyDBClusterEndpointRequest: Decodable, Sendable {
        var dbClusterEndpointIdentifier: String
        var endpointType: String?
        var staticMembers: [String]?
        var excludedMembers: [String]?
    }

    struct DeleteDBClusterEndpointRequest: Decodable, Sendable {
        var dbClusterEndpointIdentifier: String
    }

    struct DescribeDBClusterEndpointsRequest: Decodable, Sendable {
        var dbClusterIdentifier: String?
        var dbClusterEndpointIdentifier: String?
        var filters: [RDSListFilter]?
        var maxRecords: Int?
        var marker: String?
    }

    struct DBClusterEndpointMessage: Encodable, Sendable {
        var marker: String?
        var dbClusterEndpoints: [DBClusterEndpointShape]
    }

    /// Custom endpoints: a name and address of their own, reaching the members they list (or
    /// every member but the excluded ones), of the readers only (`READER`) or of all (`ANY`).
    mutating func registerClusterEndpoints() {
        let store = store, engines = engines, realms = realms, relays = relays

        @Sendable func lifecycle(_ call: CallContext) -> ClusterLifecycle {
            ClusterLifecycle(store: store, engines: engines, realms: realms, relays: relays, logger: call.logger)
        }

        /// An endpoint's change is live once its relay routes and a joined cluster's keytab
        /// holds its name; then it is `available`.
        @Sendable func settle(_ endpoint: RDSClusterEndpoint, _ call: CallContext, renewKeytab: Bool) async {
            if renewKeytab { await lifecycle(call).refreshKeytab(endpoint.clusterResourceId) }
            await relays.refresh(clusterId: endpoint.clusterResourceId)
            try? await store.write { db in
                guard var current = try RDSClusterEndpoint.fetchOne(db, key: endpoint.resourceId), current.status != "deleting" else { return }
                current.status = "available"
                try current.update(db)
            }
        }

        operations.on("CreateDBClusterEndpoint") { (input: CreateDBClusterEndpointRequest, call) -> DBClusterEndpointShape in
            let identifier = try InstanceRules.identifier(input.dbClusterEndpointIdentifier, member: "DBClusterEndpointIdentifier")
            let type = try ClusterEndpointRules.type(input.endpointType)
            let (endpoint, shape) = try await store.write { db -> (RDSClusterEndpoint, DBClusterEndpointShape) in
                let cluster = try ClusterRules.cluster(input.dbClusterIdentifier, call, db)
                guard cluster.status == "available" else {
                    throw RDSError.invalidClusterState("DbCluster \(cluster.identifier) is in \(cluster.status) state but expected it to be one of available.")
                }
                guard try RDSClusterEndpoint.named(identifier, account: call.accountId, region: call.region).fetchCount(db) == 0 else {
                    throw AWSError(code: "DBClusterEndpointAlreadyExistsFault", status: 400,
                                   message: "DB cluster endpoint \(identifier) already exists.")
                }
                guard try RDSClusterEndpoint.of(cluster.resourceId).fetchCount(db) < ClusterEndpointRules.perCluster else {
                    throw AWSError(code: "DBClusterEndpointQuotaExceededFault", status: 403,
                                   message: "Cannot create more than \(ClusterEndpointRules.perCluster) custom endpoints for DB cluster \(cluster.identifier).")
                }
                let (staticMembers, excluded) = try ClusterEndpointRules.members(input.staticMembers, input.excludedMembers, of: cluster, db)
                let taken = try ClusterRules.takenAddresses(db)
                guard let placement = engines.placement(port: cluster.port, avoiding: taken), placement.port == cluster.port else {
                    throw AWSError(code: "DBClusterEndpointQuotaExceededFault", status: 403, message: "No loopback address is free for the endpoint on port \(cluster.port).")
                }
                let endpoint = RDSClusterEndpoint(
                    resourceId: try ClusterRules.newResourceId("cluster-endpoint-", db), clusterResourceId: cluster.resourceId,
                    accountId: call.accountId, region: call.region, identifier: identifier,
                    endpointHost: ClusterNames.host(identifier, kind: "cluster-custom", call.accountId, call.region),
                    address: placement.address, endpointType: type, staticMembers: staticMembers, excludedMembers: excluded,
                    status: "creating", createTime: call.now)
                try endpoint.insert(db)
                try ResourceTags.merge(input.tags ?? [], into: endpoint.resourceId, db)
                return (endpoint, DBClusterEndpointShape(endpoint, of: cluster))
            }
            await CallWork.run { await settle(endpoint, call, renewKeytab: true) }
            return shape
        }

        operations.on("ModifyDBClusterEndpoint") { (input: ModifyDBClusterEndpointRequest, call) -> DBClusterEndpointShape in
            let type = try input.endpointType.map(ClusterEndpointRules.type)
            let (endpoint, shape) = try await store.write { db -> (RDSClusterEndpoint, DBClusterEndpointShape) in
                var endpoint = try ClusterEndpointRules.endpoint(input.dbClusterEndpointIdentifier, call, db)
                guard endpoint.status == "available" else {
                    throw AWSError(code: "InvalidDBClusterEndpointStateFault", status: 400,
                                   message: "DB cluster endpoint \(endpoint.identifier) is \(endpoint.status), not available.")
                }
                guard let cluster = try RDSCluster.withId(endpoint.clusterResourceId).fetchOne(db) else {
                    throw RDSError.clusterNotFound(endpoint.clusterResourceId)
                }
                if let type { endpoint.endpointType = type }
                if input.staticMembers != nil || input.excludedMembers != nil {
                    // Static and excluded members replace each other, as on RDS.
                    (endpoint.staticMembers, endpoint.excludedMembers) = try ClusterEndpointRules.members(
                        input.staticMembers ?? (input.excludedMembers == nil ? endpoint.staticMembers : nil),
                        input.excludedMembers ?? (input.staticMembers == nil ? endpoint.excludedMembers : nil), of: cluster, db)
                }
                endpoint.status = "modifying"
                try endpoint.update(db)
                return (endpoint, DBClusterEndpointShape(endpoint, of: cluster))
            }
            await CallWork.run { await settle(endpoint, call, renewKeytab: false) }
            return shape
        }

        operations.on("DeleteDBClusterEndpoint") { (input: DeleteDBClusterEndpointRequest, call) -> DBClusterEndpointShape in
            let (endpoint, shape) = try await store.write { db -> (RDSClusterEndpoint, DBClusterEndpointShape) in
                var endpoint = try ClusterEndpointRules.endpoint(input.dbClusterEndpointIdentifier, call, db)
                guard endpoint.status != "deleting" else {
                    throw AWSError(code: "InvalidDBClusterEndpointStateFault", status: 400, message: "DB cluster endpoint \(endpoint.identifier) is already being deleted.")
                }
                guard let cluster = try RDSCluster.withId(endpoint.clusterResourceId).fetchOne(db) else {
                    throw RDSError.clusterNotFound(endpoint.clusterResourceId)
                }
                endpoint.status = "deleting"
                try endpoint.update(db)
                return (endpoint, DBClusterEndpointShape(endpoint, of: cluster))
            }
            await CallWork.run {
                await relays.refresh(clusterId: endpoint.clusterResourceId)
                if let (cluster, hosting) = try? await store.read({ db -> (RDSCluster, DSDirectory)? in
                    guard let cluster = try RDSCluster.withId(endpoint.clusterResourceId).fetchOne(db),
                          let hosting = try DomainJoin.hosting(cluster.domain, db) else { return nil }
                    return (cluster, hosting)
                }) {
                    await engines.leaveRealm([endpoint.endpointHost], engine: cluster.engine, directory: hosting)
                }
                try? await store.write { db in _ = try RDSClusterEndpoint.deleteOne(db, key: endpoint.resourceId) }
                await relays.refreshAll()
                await lifecycle(call).refreshKeytab(endpoint.clusterResourceId)
            }
            return shape
        }

        operations.on("DescribeDBClusterEndpoints") { (input: DescribeDBClusterEndpointsRequest, call) -> DBClusterEndpointMessage in
            let limit = try RDSListing.limit(input.maxRecords)
            return try await store.read { db in
                var clusters: [RDSCluster]
                if let name = input.dbClusterIdentifier {
                    clusters = [try ClusterRules.cluster(name, call, db)]
                } else {
                    clusters = try RDSCluster.listed(account: call.accountId, region: call.region).fetchAll(db)
                }
                var shapes: [DBClusterEndpointShape] = []
                for cluster in clusters {
                    shapes.append(DBClusterEndpointShape(builtIn: "WRITER", of: cluster))
                    shapes.append(DBClusterEndpointShape(builtIn: "READER", of: cluster))
                    shapes += try RDSClusterEndpoint.of(cluster.resourceId).fetchAll(db).map { DBClusterEndpointShape($0, of: cluster) }
                }
                // An unknown endpoint is an empty answer, not a fault (Terraform's waiters count on it).
                if let name = input.dbClusterEndpointIdentifier {
                    shapes = shapes.filter { $0.dbClusterEndpointIdentifier == name.lowercased() }
                }
                for filter in input.filters ?? [] {
                    switch filter.name {
                    case "db-cluster-endpoint-type":
                        shapes = shapes.filter { filter.values.map { $0.uppercased() }.contains($0.endpointType) }
                    case "db-cluster-endpoint-custom-type":
                        shapes = shapes.filter { $0.customEndpointType.map { filter.values.map { $0.uppercased() }.contains($0) } ?? false }
                    case "db-cluster-endpoint-status":
                        shapes = shapes.filter { filter.values.contains($0.status) }
                    case "db-cluster-endpoint-id":
                        shapes = shapes.filter { $0.dbClusterEndpointIdentifier.map(filter.values.contains) ?? false }
                    case "db-cluster-id":
                        shapes = shapes.filter { filter.values.contains($0.dbClusterIdentifier) }
                    default:
                        throw RDSError.invalidParameterValue("Unrecognized filter name: \(filter.name).")
                    }
                }
                let page = try RDSListing.page(shapes, after: input.marker, limit: limit)
                return DBClusterEndpointMessage(marker: page.nextMarker, dbClusterEndpoints: page.items)
            }
        }
    }
}

/// RDS's rules for custom endpoints.
enum ClusterEndpointRules {
    static let perCluster = 5

    static func type(_ value: String) throws -> String {
        let type = value.uppercased()
        guard type == "READER" || type == "ANY" else {
            throw RDSError.invalidParameterValue("Invalid endpoint type \(value): a custom endpoint is READER or ANY.")
        }
        return type
    }

    static func endpoint(_ identifier: String, _ call: CallContext, _ db: Database) throws -> RDSClusterEndpoint {
        guard let endpoint = try RDSClusterEndpoint.named(identifier, account: call.accountId, region: call.region).fetchOne(db) else {
            throw AWSError(code: "DBClusterEndpointNotFoundFault", status: 400, message: "DBClusterEndpoint \(identifier) not found.")
        }
        return endpoint
    }

    /// Static or excluded members (never both), each a member of the cluster.
    static func members(_ staticMembers: [String]?, _ excluded: [String]?, of cluster: RDSCluster, _ db: Database) throws -> ([String], [String]) {
        let chosen = (staticMembers ?? []).map { $0.lowercased() }, left = (excluded ?? []).map { $0.lowercased() }
        if !chosen.isEmpty && !left.isEmpty {
            throw RDSError.invalidParameterCombination("Cannot specify both StaticMembers and ExcludedMembers.")
        }
        let members = Set(try RDSInstance.members(of: cluster.resourceId).fetchAll(db).map(\.identifier))
        if let stranger = (chosen + left).first(where: { !members.contains($0) }) {
            throw AWSError(code: "DBInstanceNotFound", status: 404, message: "DB instance \(stranger) is not a member of DB cluster \(cluster.identifier).")
        }
        return (chosen, left)
    }
}
