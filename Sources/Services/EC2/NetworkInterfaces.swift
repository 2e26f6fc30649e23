import AWSWire
import Foundation
import GRDB
import State

struct DescribeNetworkInterfacesRequest: EC2Request {
    var dryRun: Bool?
    var filters: [EC2Filter]?
    var networkInterfaceIds: [String]?
    var nextToken: String?
    var maxResults: Int?
    var includeManagedResources: Bool?
}

struct DescribeNetworkInterfacesResponse: Encodable, Sendable {
    var networkInterfaces: [NetworkInterfaceShape]
    var nextToken: String?
}

struct GroupIdentifier: Encodable, Sendable {
    var groupId: String
    var groupName: String?
}

struct NetworkInterfacePrivateIpAddress: Encodable, Sendable {
    var primary = true
    var privateDnsName: String
    var privateIpAddress: String
}

struct NetworkInterfaceShape: Encodable, Sendable {
    var availabilityZone: String
    var description: String
    var groups: [GroupIdentifier]
    var interfaceType = "interface"
    var ipv6Addresses: [Empty] = []
    var macAddress: String
    var networkInterfaceId: String
    var ownerId: String
    var privateDnsName: String
    var privateIpAddress: String
    var privateIpAddresses: [NetworkInterfacePrivateIpAddress]
    var requesterId: String
    var requesterManaged = true
    var sourceDestCheck = true
    var status = "in-use"
    var subnetId: String
    var tagSet: [Tag]
    var vpcId: String
    var availabilityZoneId: String?

    init(_ interface: EC2NetworkInterface, groupNames: [String: String], tags: [Tag]) {
        availabilityZone = interface.availabilityZone
        description = interface.description
        groups = interface.securityGroupIds.map { GroupIdentifier(groupId: $0, groupName: groupNames[$0]) }
        macAddress = NetworkInterfaces.macAddress(interface.networkInterfaceId)
        networkInterfaceId = interface.networkInterfaceId
        ownerId = interface.accountId
        privateDnsName = NetworkInterfaces.privateDnsName(interface.privateIpAddress, region: interface.region)
        privateIpAddress = interface.privateIpAddress
        privateIpAddresses = [NetworkInterfacePrivateIpAddress(privateDnsName: privateDnsName, privateIpAddress: interface.privateIpAddress)]
        requesterId = interface.requesterId
        subnetId = interface.subnetId
        tagSet = tags
        vpcId = interface.vpcId
        availabilityZoneId = AvailabilityZones.zone(named: interface.availabilityZone, in: interface.region)?.id
    }
}

/// The network interfaces AWS services place in customer subnets: EC2 only shows them.
enum NetworkInterfaces {
    static func listed(_ accountId: String, _ region: String, _ db: Database) throws -> [EC2NetworkInterface] {
        try EC2NetworkInterface.filter(Column("accountId") == accountId && Column("region") == region)
            .order(Column("createdAt"), Column("networkInterfaceId")).fetchAll(db)
    }

    static func interface(_ id: String, _ accountId: String, _ region: String, _ db: Database) throws -> EC2NetworkInterface {
        guard let interface = try EC2NetworkInterface.fetchOne(db, key: id), interface.accountId == accountId, interface.region == region else {
            throw EC2Error.networkInterfaceNotFound(id)
        }
        return interface
    }

    /// A locally administered MAC address that follows from the interface id.
    static func macAddress(_ id: String) -> String {
        var hex = Array(id.split(separator: "-").last.map(String.init) ?? "")
        while hex.count < 10 { hex.append("0") }
        return "02:" + stride(from: 0, to: 10, by: 2).map { String(hex[$0...($0 + 1)]) }.joined(separator: ":")
    }

    static func privateDnsName(_ address: String, region: String) -> String {
        let host = "ip-" + address.replacingOccurrences(of: ".", with: "-")
        return region == "us-east-1" ? host + ".ec2.internal" : host + ".\(region).compute.internal"
    }

    static func filters() -> FilterTable<NetworkInterfaceShape> {
        let address: (NetworkInterfaceShape) -> [String] = { [$0.privateIpAddress] }
        return FilterTable([
            "network-interface-id": { [$0.networkInterfaceId] }, "subnet-id": { [$0.subnetId] }, "vpc-id": { [$0.vpcId] },
            "availability-zone": { [$0.availabilityZone] }, "description": { [$0.description] },
            "group-id": { $0.groups.map(\.groupId) }, "group-name": { $0.groups.compactMap(\.groupName) },
            "private-ip-address": address, "addresses.private-ip-address": address, "addresses.primary": { _ in ["true"] },
            "private-dns-name": { [$0.privateDnsName] }, "mac-address": { [$0.macAddress] },
            "requester-id": { [$0.requesterId] }, "requester-managed": { [$0.requesterManaged.filterText] },
            "status": { [$0.status] }, "owner-id": { [$0.ownerId] }, "interface-type": { [$0.interfaceType] },
            "source-dest-check": { [$0.sourceDestCheck.filterText] },
            // Service interfaces are not attached to instances: these filters match none of them.
            "attachment.instance-owner-id": { _ in [] }, "attachment.instance-id": { _ in [] },
            "attachment.attachment-id": { _ in [] }, "attachment.status": { _ in [] },
            "attachment.device-index": { _ in [] }, "attachment.attach-time": { _ in [] },
            "attachment.delete-on-termination": { _ in [] },
        ], tags: { $0.tagSet })
    }
}

extension EC2Service {
    mutating func registerNetworkInterfaces() {
        let store = self.store
        on("DescribeNetworkInterfaces") { (input: DescribeNetworkInterfacesRequest, call) -> DescribeNetworkInterfacesResponse in
            let matches = try NetworkInterfaces.filters().predicate(input.filters)
            let interfaces = try await store.read { db in
                let names = Dictionary(try EC2SecurityGroup.listed(in: call.accountId, call.region).fetchAll(db).map { ($0.groupId, $0.groupName) },
                                       uniquingKeysWith: { first, _ in first })
                return try NetworkInterfaces.listed(call.accountId, call.region, db).map { interface in
                    (key: EC2Paging.creationKey(interface.createdAt, interface.networkInterfaceId),
                     shape: NetworkInterfaceShape(interface, groupNames: names, tags: try ResourceTags.of(interface.networkInterfaceId, db)))
                }
            }
            let selected = try EC2IDs.select(input.networkInterfaceIds, from: interfaces, id: \.shape.networkInterfaceId,
                                             notFound: EC2Error.networkInterfaceNotFound).filter { matches($0.shape) }
            let page = try EC2Paging.page(selected, token: input.nextToken, maxResults: input.maxResults) { $0.key }
            return DescribeNetworkInterfacesResponse(networkInterfaces: page.items.map(\.shape), nextToken: page.nextToken)
        }
    }
}
