import AWSWire
import Foundation
import GRDB
import State

struct DescribeRouteTablesRequest: EC2Request {
    var dryRun: Bool?
    var filters: [EC2Filter]?
    var routeTableIds: [String]?
    var nextToken: String?
    var maxResults: Int?
}

struct DescribeRouteTablesResponse: Encodable, Sendable {
    var routeTables: [RouteTableShape]
    var nextToken: String?
}

struct RouteShape: Encodable, Sendable {
    var destinationCidrBlock: String
    var gatewayId = "local"
    var origin = "CreateRouteTable"
    var state = "active"
}

struct AssociationState: Encodable, Sendable {
    var state = "associated"
}

struct RouteTableAssociationShape: Encodable, Sendable {
    var main = true
    var routeTableAssociationId: String
    var routeTableId: String
    var associationState = AssociationState()
}

struct RouteTableShape: Encodable, Sendable {
    var associations: [RouteTableAssociationShape]
    var propagatingVgws: [Empty] = []
    var routeTableId: String
    var routes: [RouteShape]
    var tags: [Tag]?
    var vpcId: String
    var ownerId: String
}

struct DescribeNetworkAclsRequest: EC2Request {
    var dryRun: Bool?
    var filters: [EC2Filter]?
    var networkAclIds: [String]?
    var nextToken: String?
    var maxResults: Int?
}

struct DescribeNetworkAclsResponse: Encodable, Sendable {
    var networkAcls: [NetworkAclShape]
    var nextToken: String?
}

struct NetworkAclEntryShape: Encodable, Sendable {
    var cidrBlock = "0.0.0.0/0"
    var egress: Bool
    var `protocol` = "-1"
    var ruleAction: String
    var ruleNumber: Int
}

struct NetworkAclAssociationShape: Encodable, Sendable {
    var networkAclAssociationId: String
    var networkAclId: String
    var subnetId: String
}

struct NetworkAclShape: Encodable, Sendable {
    var associations: [NetworkAclAssociationShape]
    var entries: [NetworkAclEntryShape]
    var isDefault = true
    var networkAclId: String
    var tags: [Tag]?
    var vpcId: String
    var ownerId: String
}

/// Every VPC's main route table (its one local route) and default network ACL (allow all,
/// then deny all, both ways), made up from the VPC row: Kerbside has no routes or ACL rules
/// to change, and their ids were fixed when the VPC was made.
enum Routing {
    /// Association ids that follow from the ids they join (AWS's are random; nobody can tell).
    static func suffix(_ id: String) -> String { String(id.split(separator: "-").last ?? "") }

    static func routeTable(_ vpc: EC2VPC, tags: [Tag]) -> RouteTableShape {
        RouteTableShape(
            associations: [RouteTableAssociationShape(routeTableAssociationId: "rtbassoc-" + suffix(vpc.mainRouteTableId),
                                                      routeTableId: vpc.mainRouteTableId)],
            routeTableId: vpc.mainRouteTableId, routes: [RouteShape(destinationCidrBlock: vpc.cidrBlock)],
            tags: tags.isEmpty ? nil : tags, vpcId: vpc.vpcId, ownerId: vpc.accountId)
    }

    static func networkAcl(_ vpc: EC2VPC, subnets: [EC2Subnet], tags: [Tag]) -> NetworkAclShape {
        NetworkAclShape(
            associations: subnets.map {
                NetworkAclAssociationShape(networkAclAssociationId: "aclassoc-" + suffix($0.subnetId), networkAclId: vpc.defaultNetworkAclId,
                                           subnetId: $0.subnetId)
            },
            entries: [true, false].flatMap { egress in
                [NetworkAclEntryShape(egress: egress, ruleAction: "allow", ruleNumber: 100),
                 NetworkAclEntryShape(egress: egress, ruleAction: "deny", ruleNumber: 32767)]
            },
            networkAclId: vpc.defaultNetworkAclId, tags: tags.isEmpty ? nil : tags, vpcId: vpc.vpcId, ownerId: vpc.accountId)
    }

    static func routeTableFilters() -> FilterTable<RouteTableShape> {
        FilterTable([
            "route-table-id": { [$0.routeTableId] }, "vpc-id": { [$0.vpcId] }, "owner-id": { [$0.ownerId] },
            "association.main": { $0.associations.map(\.main.filterText) },
            "association.route-table-association-id": { $0.associations.map(\.routeTableAssociationId) },
            "association.route-table-id": { $0.associations.map(\.routeTableId) },
            "association.subnet-id": { _ in [] }, "association.gateway-id": { _ in [] },
            "route.destination-cidr-block": { $0.routes.map(\.destinationCidrBlock) },
            "route.gateway-id": { $0.routes.map(\.gatewayId) }, "route.origin": { $0.routes.map(\.origin) },
            "route.state": { $0.routes.map(\.state) }, "route.vpc-peering-connection-id": { _ in [] },
        ], tags: { $0.tags ?? [] })
    }

    static func networkAclFilters() -> FilterTable<NetworkAclShape> {
        FilterTable([
            "network-acl-id": { [$0.networkAclId] }, "vpc-id": { [$0.vpcId] }, "owner-id": { [$0.ownerId] },
            "default": { [$0.isDefault.filterText] },
            "association.association-id": { $0.associations.map(\.networkAclAssociationId) },
            "association.network-acl-id": { $0.associations.map(\.networkAclId) },
            "association.subnet-id": { $0.associations.map(\.subnetId) },
            "entry.cidr": { $0.entries.map(\.cidrBlock) }, "entry.egress": { $0.entries.map(\.egress.filterText) },
            "entry.protocol": { $0.entries.map(\.protocol) }, "entry.rule-action": { $0.entries.map(\.ruleAction) },
            "entry.rule-number": { $0.entries.map { String($0.ruleNumber) } },
            "entry.icmp.code": { _ in [] }, "entry.icmp.type": { _ in [] }, "entry.ipv6-cidr": { _ in [] },
            "entry.port-range.from": { _ in [] }, "entry.port-range.to": { _ in [] },
        ], tags: { $0.tags ?? [] })
    }
}

extension EC2Service {
    mutating func registerRouting() {
        let store = self.store
        on("DescribeRouteTables") { (input: DescribeRouteTablesRequest, call) -> DescribeRouteTablesResponse in
            let matches = try Routing.routeTableFilters().predicate(input.filters)
            let tables = try await store.read { db in
                try EC2VPC.listed(in: call.accountId, call.region).fetchAll(db).map { vpc in
                    (key: EC2Paging.creationKey(vpc.createdAt, vpc.vpcId),
                     table: Routing.routeTable(vpc, tags: try ResourceTags.of(vpc.mainRouteTableId, db)))
                }
            }
            let selected = try EC2IDs.select(input.routeTableIds, from: tables, id: \.table.routeTableId,
                                             notFound: EC2Error.routeTableNotFound).filter { matches($0.table) }
            let page = try EC2Paging.page(selected, token: input.nextToken, maxResults: input.maxResults) { $0.key }
            return DescribeRouteTablesResponse(routeTables: page.items.map(\.table), nextToken: page.nextToken)
        }

        on("DescribeNetworkAcls") { (input: DescribeNetworkAclsRequest, call) -> DescribeNetworkAclsResponse in
            let matches = try Routing.networkAclFilters().predicate(input.filters)
            let acls = try await store.read { db in
                try EC2VPC.listed(in: call.accountId, call.region).fetchAll(db).map { vpc in
                    (key: EC2Paging.creationKey(vpc.createdAt, vpc.vpcId),
                     acl: Routing.networkAcl(vpc, subnets: try EC2Subnet.inVPC(vpc.vpcId).fetchAll(db),
                                             tags: try ResourceTags.of(vpc.defaultNetworkAclId, db)))
                }
            }
            let selected = try EC2IDs.select(input.networkAclIds, from: acls, id: \.acl.networkAclId,
                                             notFound: EC2Error.networkAclNotFound).filter { matches($0.acl) }
            let page = try EC2Paging.page(selected, token: input.nextToken, maxResults: input.maxResults) { $0.key }
            return DescribeNetworkAclsResponse(networkAcls: page.items.map(\.acl), nextToken: page.nextToken)
        }
    }
}
