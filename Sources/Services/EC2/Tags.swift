import AWSWire
import Foundation
import GRDB
import State

/// A tag as requests carry it: `Value` may be left out (an empty value when tagging; any value
/// when deleting).
struct TagInput: Decodable, Sendable {
    var key: String?
    var value: String?
}

/// `TagSpecification.N` of a create operation: tags for the resource it makes.
struct TagSpecification: Decodable, Sendable {
    var resourceType: String?
    var tags: [TagInput]?
}

struct CreateTagsRequest: EC2Request {
    var dryRun: Bool?
    var resources: [String]
    var tags: [TagInput]
}

struct DeleteTagsRequest: EC2Request {
    var dryRun: Bool?
    var resources: [String]
    var tags: [TagInput]?
}

struct DescribeTagsRequest: EC2Request {
    var dryRun: Bool?
    var filters: [EC2Filter]?
    var maxResults: Int?
    var nextToken: String?
}

struct TagDescriptionShape: Encodable, Sendable {
    var key: String
    var resourceId: String
    var resourceType: String
    var value: String
}

struct DescribeTagsResponse: Encodable, Sendable {
    var tags: [TagDescriptionShape]
    var nextToken: String?
}

/// EC2's tag rules: at most 50 per resource, keys up to 128 characters that do not start with
/// `aws:`, values up to 256.
enum EC2Tags {
    static let maximum = 50

    static func checked(_ inputs: [TagInput]) throws -> [Tag] {
        try inputs.map { input in
            guard let key = input.key else { throw EC2Error.missingParameter("The request must contain the parameter Tag.Key") }
            let value = input.value ?? ""
            if key.isEmpty { throw EC2Error.invalidParameterValue("Tag key cannot be empty") }
            if key.count > 128 { throw EC2Error.invalidParameterValue("Tag key exceeds the maximum length of 128 characters") }
            if value.count > 256 { throw EC2Error.invalidParameterValue("Tag value exceeds the maximum length of 256 characters") }
            if key.lowercased().hasPrefix("aws:") {
                throw EC2Error.invalidParameterValue("Tag keys starting with 'aws:' are reserved for internal use")
            }
            return Tag(key: key, value: value)
        }
    }

    /// The tags a create operation's `TagSpecification` gives its new resource, refusing
    /// specifications for other resource types as EC2 does.
    static func fromSpecifications(_ specifications: [TagSpecification]?, for resourceType: String) throws -> [Tag] {
        var tags: [Tag] = []
        for specification in specifications ?? [] {
            guard let type = specification.resourceType else {
                throw EC2Error.missingParameter("The request must contain the parameter TagSpecification.ResourceType")
            }
            guard type == resourceType else {
                throw EC2Error.invalidParameterValue("'\(type)' is not a valid taggable resource type for this operation.")
            }
            tags += try checked(specification.tags ?? [])
        }
        return tags
    }

    /// Adds or replaces tags on a resource, refusing to go past 50.
    static func add(_ tags: [Tag], to resourceId: String, _ db: Database) throws {
        guard !tags.isEmpty else { return }
        if try ResourceTags.merge(tags, into: resourceId, db).count > maximum { throw EC2Error.tagLimitExceeded }
    }

    /// A resource's tags as EC2 answers them: left out when there are none.
    static func tagSet(_ resourceId: String, _ db: Database) throws -> [Tag]? {
        let tags = try ResourceTags.of(resourceId, db)
        return tags.isEmpty ? nil : tags
    }

    static func removeAll(from resourceId: String, _ db: Database) throws {
        let keys = try ResourceTags.of(resourceId, db).map(\.key)
        if !keys.isEmpty { try ResourceTags.remove(keys: keys, from: resourceId, db) }
    }
}

/// The resources of an account's region that carry tags, by id prefix.
enum EC2Resources {
    static let typesByPrefix: [(prefix: String, type: String)] = [
        ("vpc-", "vpc"), ("subnet-", "subnet"), ("sgr-", "security-group-rule"), ("sg-", "security-group"),
        ("pcx-", "vpc-peering-connection"), ("eni-", "network-interface"), ("rtb-", "route-table"), ("acl-", "network-acl"),
    ]

    static func type(of id: String) -> String? {
        typesByPrefix.first { id.hasPrefix($0.prefix) }?.type
    }

    /// Checks that the caller can tag `id` (it exists in their account and region); answers its type.
    static func checkTaggable(_ id: String, _ accountId: String, _ region: String, _ db: Database) throws -> String {
        guard let type = type(of: id) else { throw EC2Error.invalidID(id) }
        switch type {
        case "vpc": _ = try EC2Network.vpc(id, accountId, region, db)
        case "subnet": _ = try EC2Network.subnet(id, accountId, region, db)
        case "security-group": _ = try EC2Network.securityGroup(id, accountId, region, db)
        case "security-group-rule": _ = try SecurityGroupRules.rule(id, accountId, region, db)
        case "vpc-peering-connection": _ = try Peering.visible(id, accountId, region, db)
        case "network-interface": _ = try NetworkInterfaces.interface(id, accountId, region, db)
        case "route-table":
            guard try vpcs(accountId, region, db).contains(where: { $0.mainRouteTableId == id }) else {
                throw EC2Error.routeTableNotFound(id)
            }
        default:
            guard try vpcs(accountId, region, db).contains(where: { $0.defaultNetworkAclId == id }) else {
                throw EC2Error.networkAclNotFound(id)
            }
        }
        return type
    }

    static func vpcs(_ accountId: String, _ region: String, _ db: Database) throws -> [EC2VPC] {
        try EC2VPC.listed(in: accountId, region).fetchAll(db)
    }

    /// Every taggable resource id of the account's region with its type.
    static func all(_ accountId: String, _ region: String, _ db: Database) throws -> [(id: String, type: String)] {
        var found: [(id: String, type: String)] = []
        for vpc in try vpcs(accountId, region, db) {
            found += [(vpc.vpcId, "vpc"), (vpc.mainRouteTableId, "route-table"), (vpc.defaultNetworkAclId, "network-acl")]
        }
        found += try EC2Subnet.listed(in: accountId, region).fetchAll(db).map { ($0.subnetId, "subnet") }
        for group in try EC2SecurityGroup.listed(in: accountId, region).fetchAll(db) {
            found.append((group.groupId, "security-group"))
            found += try EC2SecurityGroupRule.of(group.groupId).fetchAll(db).map { ($0.ruleId, "security-group-rule") }
        }
        found += try Peering.listed(accountId, region, db).map { ($0.peeringId, "vpc-peering-connection") }
        found += try NetworkInterfaces.listed(accountId, region, db).map { ($0.networkInterfaceId, "network-interface") }
        return found
    }
}

extension EC2Service {
    mutating func registerTags() {
        let store = self.store
        on("CreateTags") { (input: CreateTagsRequest, call) -> Empty in
            let tags = try EC2Tags.checked(input.tags)
            try await store.write { db in
                for id in input.resources {
                    _ = try EC2Resources.checkTaggable(id, call.accountId, call.region, db)
                    try EC2Tags.add(tags, to: id, db)
                }
            }
            return Empty()
        }

        on("DeleteTags") { (input: DeleteTagsRequest, call) -> Empty in
            try await store.write { db in
                for id in input.resources {
                    _ = try EC2Resources.checkTaggable(id, call.accountId, call.region, db)
                    guard let tags = input.tags, !tags.isEmpty else {
                        try EC2Tags.removeAll(from: id, db)
                        continue
                    }
                    let current = try ResourceTags.of(id, db)
                    // A tag named with a value goes only when the value matches; without one, whatever its value.
                    let doomed = current.filter { tag in
                        tags.contains { $0.key == tag.key && ($0.value == nil || $0.value == tag.value) }
                    }.map(\.key)
                    if !doomed.isEmpty { try ResourceTags.remove(keys: doomed, from: id, db) }
                }
            }
            return Empty()
        }

        on("DescribeTags") { (input: DescribeTagsRequest, call) -> DescribeTagsResponse in
            let table = FilterTable<TagDescriptionShape>([
                "key": { [$0.key] }, "value": { [$0.value] },
                "resource-id": { [$0.resourceId] }, "resource-type": { [$0.resourceType] },
            ], tags: { [Tag(key: $0.key, value: $0.value)] })
            let matches = try table.predicate(input.filters)
            if let maxResults = input.maxResults, !(5...1000).contains(maxResults) {
                throw EC2Error.invalidParameterValue("Value ( \(maxResults) ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.")
            }
            let rows = try await store.read { db in
                try EC2Resources.all(call.accountId, call.region, db).flatMap { resource in
                    try ResourceTags.of(resource.id, db).map {
                        TagDescriptionShape(key: $0.key, resourceId: resource.id, resourceType: resource.type, value: $0.value)
                    }
                }
            }.filter(matches).sorted { ($0.resourceId, $0.key) < ($1.resourceId, $1.key) }
            let page = try EC2Paging.page(rows, token: input.nextToken, maxResults: input.maxResults) { $0.resourceId + "\u{0}" + $0.key }
            return DescribeTagsResponse(tags: page.items, nextToken: page.nextToken)
        }
    }
}
