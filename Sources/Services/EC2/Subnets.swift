import AWSWire
import Foundation
import GRDB
import State

struct CreateSubnetRequest: EC2Request {
    var dryRun: Bool?
    var vpcId: String
    var cidrBlock: String?
    var availabilityZone: String?
    var availabilityZoneId: String?
    var ipv6CidrBlock: String?
    var ipv6Native: Bool?
    var outpostArn: String?
    var ipv4IpamPoolId: String?
    var ipv6IpamPoolId: String?
    var tagSpecifications: [TagSpecification]?
}

struct SubnetResponse: Encodable, Sendable {
    var subnet: SubnetShape
}

struct DescribeSubnetsRequest: EC2Request {
    var dryRun: Bool?
    var filters: [EC2Filter]?
    var subnetIds: [String]?
    var nextToken: String?
    var maxResults: Int?
}

struct DescribeSubnetsResponse: Encodable, Sendable {
    var subnets: [SubnetShape]
    var nextToken: String?
}

struct SubnetIdRequest: EC2Request {
    var dryRun: Bool?
    var subnetId: String
}

struct ModifySubnetAttributeRequest: EC2Request {
    var subnetId: String
    var assignIpv6AddressOnCreation: AttributeBooleanValue?
    var mapPublicIpOnLaunch: AttributeBooleanValue?
    var mapCustomerOwnedIpOnLaunch: AttributeBooleanValue?
    var customerOwnedIpv4Pool: String?
    var enableDns64: AttributeBooleanValue?
    var privateDnsHostnameTypeOnLaunch: String?
    var enableResourceNameDnsARecordOnLaunch: AttributeBooleanValue?
    var enableResourceNameDnsAAAARecordOnLaunch: AttributeBooleanValue?
    var enableLniAtDeviceIndex: Int?
    var disableLniAtDeviceIndex: AttributeBooleanValue?
}

struct PrivateDnsNameOptionsOnLaunch: Encodable, Sendable {
    var hostnameType: String
    var enableResourceNameDnsARecord: Bool
    var enableResourceNameDnsAAAARecord: Bool
}

struct SubnetShape: Encodable, Sendable {
    var availabilityZoneId: String
    var mapCustomerOwnedIpOnLaunch = false
    var ownerId: String
    var assignIpv6AddressOnCreation = false
    var ipv6CidrBlockAssociationSet: [Empty] = []
    var tags: [Tag]?
    var subnetArn: String
    var enableDns64: Bool
    var ipv6Native = false
    var privateDnsNameOptionsOnLaunch: PrivateDnsNameOptionsOnLaunch
    var blockPublicAccessStates = BlockPublicAccessStates()
    var subnetId: String
    var state = "available"
    var vpcId: String
    var cidrBlock: String
    var availableIpAddressCount: Int
    var availabilityZone: String
    var defaultForAz: Bool
    var mapPublicIpOnLaunch: Bool

    init(_ subnet: EC2Subnet, tags: [Tag]?, interfaces: Int) {
        availabilityZoneId = subnet.availabilityZoneId
        ownerId = subnet.accountId
        self.tags = tags
        subnetArn = Subnets.arn(subnet)
        enableDns64 = subnet.enableDns64
        privateDnsNameOptionsOnLaunch = PrivateDnsNameOptionsOnLaunch(
            hostnameType: subnet.privateDnsHostnameTypeOnLaunch,
            enableResourceNameDnsARecord: subnet.enableResourceNameDnsARecordOnLaunch,
            enableResourceNameDnsAAAARecord: subnet.enableResourceNameDnsAAAARecordOnLaunch)
        subnetId = subnet.subnetId
        vpcId = subnet.vpcId
        cidrBlock = subnet.cidrBlock
        availableIpAddressCount = Subnets.availableAddresses(subnet, interfaces: interfaces)
        availabilityZone = subnet.availabilityZone
        defaultForAz = subnet.defaultForAz
        mapPublicIpOnLaunch = subnet.mapPublicIpOnLaunch
    }
}

/// Subnet rules shared by the operations.
enum Subnets {
    static func arn(_ subnet: EC2Subnet) -> String { "arn:aws:ec2:\(subnet.region):\(subnet.accountId):subnet/\(subnet.subnetId)" }

    /// AWS keeps the first four addresses and the last one of every subnet.
    static func availableAddresses(_ subnet: EC2Subnet, interfaces: Int) -> Int {
        guard let cidr = IPv4CIDR(subnet.cidrBlock) else { return 0 }
        return max(0, Int(cidr.size) - 5 - interfaces)
    }

    static func interfaceCounts(_ db: Database) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT subnetId, COUNT(*) AS n FROM \(EC2NetworkInterface.databaseTableName) GROUP BY subnetId") {
            counts[row["subnetId"]] = row["n"]
        }
        return counts
    }

    /// The zone a new subnet goes in: the one asked for (by name or id), or the zone of the
    /// VPC with fewest subnets.
    static func zone(_ input: CreateSubnetRequest, region: String, existing: [EC2Subnet]) throws -> AvailabilityZones.Zone {
        let zones = AvailabilityZones.zones(in: region)
        switch (input.availabilityZone, input.availabilityZoneId) {
        case (.some, .some):
            throw EC2Error.invalidParameterCombination("The parameters 'availabilityZone' and 'availabilityZoneId' cannot both be specified.")
        case (.some(let name), nil):
            guard let zone = AvailabilityZones.zone(named: name, in: region) else {
                throw EC2Error.invalidParameterValue("Value (\(name)) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: \(zones.map(\.name).joined(separator: ", ")).")
            }
            return zone
        case (nil, .some(let id)):
            guard let zone = AvailabilityZones.zone(id: id, in: region) else {
                throw EC2Error.invalidParameterValue("Value (\(id)) for parameter availabilityZoneId is invalid. Subnets can currently only be created in the following availability zone ids: \(zones.map(\.id).joined(separator: ", ")).")
            }
            return zone
        case (nil, nil):
            return zones.min { lhs, rhs in
                existing.filter { $0.availabilityZone == lhs.name }.count < existing.filter { $0.availabilityZone == rhs.name }.count
            }!
        }
    }

    static func filters(_ tags: [String: [Tag]], _ interfaces: [String: Int]) -> FilterTable<EC2Subnet> {
        let zone: (EC2Subnet) -> [String] = { [$0.availabilityZone] }
        let zoneId: (EC2Subnet) -> [String] = { [$0.availabilityZoneId] }
        let cidr: (EC2Subnet) -> [String] = { [$0.cidrBlock] }
        let defaultForAz: (EC2Subnet) -> [String] = { [$0.defaultForAz.filterText] }
        return FilterTable([
            "subnet-id": { [$0.subnetId] }, "vpc-id": { [$0.vpcId] }, "owner-id": { [$0.accountId] },
            "availability-zone": zone, "availabilityZone": zone, "availability-zone-id": zoneId, "availabilityZoneId": zoneId,
            "cidr": cidr, "cidr-block": cidr, "cidrBlock": cidr,
            "default-for-az": defaultForAz, "defaultForAz": defaultForAz,
            "available-ip-address-count": { [String(availableAddresses($0, interfaces: interfaces[$0.subnetId] ?? 0))] },
            "map-public-ip-on-launch": { [$0.mapPublicIpOnLaunch.filterText] },
            "map-customer-owned-ip-on-launch": { _ in ["false"] },
            "assign-ipv6-address-on-creation": { _ in ["false"] },
            "ipv6-native": { _ in ["false"] },
            "enable-dns64": { [$0.enableDns64.filterText] },
            "private-dns-name-options-on-launch.hostname-type": { [$0.privateDnsHostnameTypeOnLaunch] },
            "private-dns-name-options-on-launch.enable-resource-name-dns-a-record": { [$0.enableResourceNameDnsARecordOnLaunch.filterText] },
            "private-dns-name-options-on-launch.enable-resource-name-dns-aaaa-record": { [$0.enableResourceNameDnsAAAARecordOnLaunch.filterText] },
            "state": { _ in ["available"] },
            "subnet-arn": { [arn($0)] },
        ], tags: { tags[$0.subnetId] ?? [] })
    }
}

extension EC2Service {
    mutating func registerSubnets() {
        let store = self.store
        on("CreateSubnet") { (input: CreateSubnetRequest, call) -> SubnetResponse in
            if input.ipv4IpamPoolId != nil || input.ipv6IpamPoolId != nil {
                throw EC2Error.invalidParameterValue("Kerbside does not emulate IPAM pools; give CidrBlock instead.")
            }
            if input.ipv6Native == true || input.ipv6CidrBlock != nil {
                throw EC2Error.invalidParameterValue("Kerbside emulates IPv4 subnets only; IPv6 CIDR blocks are not supported.")
            }
            if input.outpostArn != nil { throw EC2Error.invalidParameterValue("Kerbside does not emulate Outposts.") }
            guard let text = input.cidrBlock else { throw EC2Error.missingParameter("The request must contain the parameter cidrBlock") }
            guard let cidr = IPv4CIDR(text) else { throw EC2Error.invalidCIDR(text, parameter: "cidrBlock") }
            let tags = try EC2Tags.fromSpecifications(input.tagSpecifications, for: "subnet")
            let subnet = try await store.write { db in
                let vpc = try EC2Network.vpc(input.vpcId, call.accountId, call.region, db)
                guard (16...28).contains(cidr.prefixLength), IPv4CIDR(vpc.cidrBlock)?.contains(cidr) == true else {
                    throw EC2Error.subnetRange(text)
                }
                let existing = try EC2Subnet.inVPC(vpc.vpcId).fetchAll(db)
                if existing.contains(where: { IPv4CIDR($0.cidrBlock)?.overlaps(cidr) == true }) { throw EC2Error.subnetConflict(text) }
                let zone = try Subnets.zone(input, region: call.region, existing: existing)
                let subnet = EC2Subnet(subnetId: EC2Network.newId("subnet"), accountId: call.accountId, region: call.region,
                                       vpcId: vpc.vpcId, cidrBlock: cidr.description, availabilityZone: zone.name,
                                       availabilityZoneId: zone.id, defaultForAz: false, mapPublicIpOnLaunch: false, createdAt: call.now)
                try subnet.insert(db)
                try EC2Tags.add(tags, to: subnet.subnetId, db)
                return subnet
            }
            return SubnetResponse(subnet: SubnetShape(subnet, tags: tags.isEmpty ? nil : tags, interfaces: 0))
        }

        on("DescribeSubnets") { (input: DescribeSubnetsRequest, call) -> DescribeSubnetsResponse in
            let (subnets, tags, interfaces) = try await store.read { db in
                let subnets = try EC2Subnet.listed(in: call.accountId, call.region).fetchAll(db)
                let tags = try Dictionary(uniqueKeysWithValues: subnets.map { ($0.subnetId, try ResourceTags.of($0.subnetId, db)) })
                return (subnets, tags, try Subnets.interfaceCounts(db))
            }
            let matches = try Subnets.filters(tags, interfaces).predicate(input.filters)
            let selected = try EC2IDs.select(input.subnetIds, from: subnets, id: \.subnetId, notFound: EC2Error.subnetNotFound).filter(matches)
            let page = try EC2Paging.page(selected, token: input.nextToken, maxResults: input.maxResults) {
                EC2Paging.creationKey($0.createdAt, $0.availabilityZone + $0.subnetId)
            }
            return DescribeSubnetsResponse(
                subnets: page.items.map { SubnetShape($0, tags: tags[$0.subnetId].flatMap { $0.isEmpty ? nil : $0 }, interfaces: interfaces[$0.subnetId] ?? 0) },
                nextToken: page.nextToken)
        }

        on("DeleteSubnet") { (input: SubnetIdRequest, call) -> Empty in
            try await store.write { db in
                let subnet = try EC2Network.subnet(input.subnetId, call.accountId, call.region, db)
                if try EC2NetworkInterface.filter(Column("subnetId") == subnet.subnetId).fetchCount(db) > 0 {
                    throw EC2Error.dependencyViolation("The subnet '\(subnet.subnetId)' has dependencies and cannot be deleted.")
                }
                try subnet.delete(db)
            }
            return Empty()
        }

        on("ModifySubnetAttribute") { (input: ModifySubnetAttributeRequest, call) -> Empty in
            if input.mapCustomerOwnedIpOnLaunch?.value == true || input.customerOwnedIpv4Pool != nil
                || input.enableLniAtDeviceIndex != nil || input.disableLniAtDeviceIndex?.value == true {
                throw EC2Error.invalidParameterValue("Kerbside does not emulate Outposts; this subnet attribute applies to Outpost subnets only.")
            }
            let booleans: [AttributeBooleanValue?] = [
                input.assignIpv6AddressOnCreation, input.mapPublicIpOnLaunch, input.mapCustomerOwnedIpOnLaunch, input.enableDns64,
                input.enableResourceNameDnsARecordOnLaunch, input.enableResourceNameDnsAAAARecordOnLaunch, input.disableLniAtDeviceIndex,
            ]
            let count = booleans.compactMap { $0 }.count + (input.privateDnsHostnameTypeOnLaunch == nil ? 0 : 1)
            if count == 0 { throw EC2Error.missingParameter("The request must contain the parameter of an attribute to modify") }
            if count > 1 { throw EC2Error.invalidParameterCombination("You can only modify one attribute at a time.") }
            if booleans.contains(where: { $0 != nil && $0?.value == nil }) {
                throw EC2Error.missingParameter("The request must contain the parameter Value")
            }
            if input.assignIpv6AddressOnCreation?.value == true {
                throw EC2Error.invalidParameterValue("Invalid value 'true' for assignIpv6AddressOnCreation. Cannot set assignIpv6AddressOnCreation to true unless the subnet (\(input.subnetId)) has an IPv6 CIDR block associated with it.")
            }
            try await store.write { db in
                var subnet = try EC2Network.subnet(input.subnetId, call.accountId, call.region, db)
                if let value = input.mapPublicIpOnLaunch?.value { subnet.mapPublicIpOnLaunch = value }
                if let value = input.enableDns64?.value { subnet.enableDns64 = value }
                if let value = input.enableResourceNameDnsARecordOnLaunch?.value { subnet.enableResourceNameDnsARecordOnLaunch = value }
                if let value = input.enableResourceNameDnsAAAARecordOnLaunch?.value { subnet.enableResourceNameDnsAAAARecordOnLaunch = value }
                if let value = input.privateDnsHostnameTypeOnLaunch { subnet.privateDnsHostnameTypeOnLaunch = value }
                try subnet.update(db)
            }
            return Empty()
        }
    }
}
