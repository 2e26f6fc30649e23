import AWSWire
import Foundation
import State

struct DescribeAvailabilityZonesRequest: EC2Request {
    var dryRun: Bool?
    var zoneNames: [String]?
    var zoneIds: [String]?
    var allAvailabilityZones: Bool?
    var filters: [EC2Filter]?
}

struct AvailabilityZoneMessage: Encodable, Sendable {
    var message: String
}

struct AvailabilityZoneShape: Encodable, Sendable {
    var optInStatus = "opt-in-not-required"
    var messages: [AvailabilityZoneMessage] = []
    var regionName: String
    var zoneName: String
    var zoneId: String
    var groupName: String
    var networkBorderGroup: String
    var zoneType = "availability-zone"
    var state = "available"
}

struct DescribeAvailabilityZonesResponse: Encodable, Sendable {
    var availabilityZones: [AvailabilityZoneShape]
}

struct DescribeRegionsRequest: EC2Request {
    var dryRun: Bool?
    var regionNames: [String]?
    var allRegions: Bool?
    var filters: [EC2Filter]?
}

struct RegionShape: Encodable, Sendable {
    var optInStatus: String
    var regionName: String
    var endpoint: String
}

struct DescribeRegionsResponse: Encodable, Sendable {
    var regions: [RegionShape]
}

struct DescribeAccountAttributesRequest: EC2Request {
    var dryRun: Bool?
    var attributeNames: [String]?
}

struct AccountAttributeValue: Encodable, Sendable {
    var attributeValue: String
}

struct AccountAttribute: Encodable, Sendable {
    var attributeName: String
    var attributeValues: [AccountAttributeValue]
}

struct DescribeAccountAttributesResponse: Encodable, Sendable {
    var accountAttributes: [AccountAttribute]
}

/// The commercial regions: those every account has, then those it must opt in to.
enum Regions {
    struct Region: Sendable {
        let name: String
        let optIn: Bool
    }

    static let all: [Region] = [
        "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
        "ap-southeast-1", "ap-southeast-2", "ca-central-1", "eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1",
        "sa-east-1",
    ].map { Region(name: $0, optIn: false) } + [
        "af-south-1", "ap-east-1", "ap-south-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-7",
        "ca-west-1", "eu-central-2", "eu-south-1", "eu-south-2", "il-central-1", "me-central-1", "me-south-1", "mx-central-1",
    ].map { Region(name: $0, optIn: true) }

    static func shape(_ region: Region) -> RegionShape {
        RegionShape(optInStatus: region.optIn ? "not-opted-in" : "opt-in-not-required", regionName: region.name,
                    endpoint: "ec2.\(region.name).amazonaws.com")
    }
}

extension EC2Service {
    mutating func registerRegions() {
        let store = self.store
        on("DescribeAvailabilityZones") { (input: DescribeAvailabilityZonesRequest, call) -> DescribeAvailabilityZonesResponse in
            let zones = AvailabilityZones.zones(in: call.region)
            for name in input.zoneNames ?? [] where !zones.contains(where: { $0.name == name }) {
                throw EC2Error.invalidParameterValue("Invalid availability zone: [\(name)]")
            }
            for id in input.zoneIds ?? [] where !zones.contains(where: { $0.id == id }) {
                throw EC2Error.invalidParameterValue("Invalid availability zone: [\(id)]")
            }
            let shapes = zones.filter { zone in
                (input.zoneNames ?? []).isEmpty && (input.zoneIds ?? []).isEmpty
                    || (input.zoneNames ?? []).contains(zone.name) || (input.zoneIds ?? []).contains(zone.id)
            }.map {
                AvailabilityZoneShape(regionName: call.region, zoneName: $0.name, zoneId: $0.id, groupName: call.region,
                                      networkBorderGroup: call.region)
            }
            let matches = try FilterTable<AvailabilityZoneShape>([
                "zone-name": { [$0.zoneName] }, "zone-id": { [$0.zoneId] }, "region-name": { [$0.regionName] },
                "state": { [$0.state] }, "opt-in-status": { [$0.optInStatus] }, "group-name": { [$0.groupName] },
                "network-border-group": { [$0.networkBorderGroup] }, "zone-type": { [$0.zoneType] },
                "message": { $0.messages.map(\.message) }, "parent-zone-id": { _ in [] }, "parent-zone-name": { _ in [] },
            ]).predicate(input.filters)
            return DescribeAvailabilityZonesResponse(availabilityZones: shapes.filter(matches))
        }

        on("DescribeRegions") { (input: DescribeRegionsRequest, call) -> DescribeRegionsResponse in
            let names = input.regionNames ?? []
            for name in names where !Regions.all.contains(where: { $0.name == name }) {
                throw EC2Error.invalidParameterValue("Invalid region: \(name)")
            }
            let regions = Regions.all.filter { region in
                names.isEmpty ? (input.allRegions == true || !region.optIn) : names.contains(region.name)
            }.map(Regions.shape)
            let matches = try FilterTable<RegionShape>([
                "region-name": { [$0.regionName] }, "endpoint": { [$0.endpoint] }, "opt-in-status": { [$0.optInStatus] },
            ]).predicate(input.filters)
            return DescribeRegionsResponse(regions: regions.filter(matches))
        }

        on("DescribeAccountAttributes") { (input: DescribeAccountAttributesRequest, call) -> DescribeAccountAttributesResponse in
            let defaultVPC = try await store.read { db in
                try EC2VPC.listed(in: call.accountId, call.region).fetchAll(db).first(where: \.isDefault)?.vpcId
            }
            let all: [(String, [String])] = [
                ("supported-platforms", ["VPC"]),
                ("vpc-max-security-groups-per-interface", ["5"]),
                ("max-elastic-ips", ["5"]),
                ("max-instances", ["20"]),
                ("vpc-max-elastic-ips", ["5"]),
                ("default-vpc", [defaultVPC ?? "none"]),
            ]
            let wanted = input.attributeNames ?? []
            return DescribeAccountAttributesResponse(accountAttributes: all.filter { wanted.isEmpty || wanted.contains($0.0) }.map {
                AccountAttribute(attributeName: $0.0, attributeValues: $0.1.map(AccountAttributeValue.init))
            })
        }
    }
}
