import AWSWire
import Foundation
import GRDB
import Kerberos
import State

struct DirectoryVpcSettings: Decodable, Sendable {
    var vpcId: String
    var subnetIds: [String]
}

struct CreateMicrosoftADRequest: Decodable, Sendable {
    var name: String
    var shortName: String?
    var password: String
    var description: String?
    var vpcSettings: DirectoryVpcSettings
    var edition: String?
    var tags: [Tag]?
}

struct CreateDirectoryRequest: Decodable, Sendable {
    var name: String
    var shortName: String?
    var password: String
    var description: String?
    var size: String
    var vpcSettings: DirectoryVpcSettings?
    var tags: [Tag]?
}

struct DirectoryIdResponse: Encodable, Sendable {
    var directoryId: String
}

struct DirectoryIdRequest: Decodable, Sendable {
    var directoryId: String
}

struct DescribeDirectoriesRequest: Decodable, Sendable {
    var directoryIds: [String]?
    var nextToken: String?
    var limit: Int?
}

struct DescribeDirectoriesResponse: Encodable, Sendable {
    var directoryDescriptions: [DirectoryDescription]
    var nextToken: String?
}

struct CreateAliasRequest: Decodable, Sendable {
    var directoryId: String
    var alias: String
}

struct CreateAliasResponse: Encodable, Sendable {
    var directoryId: String
    var alias: String
}

struct DirectoryLimitsShape: Encodable, Sendable {
    var cloudOnlyDirectoriesLimit: Int
    var cloudOnlyDirectoriesCurrentCount: Int
    var cloudOnlyDirectoriesLimitReached: Bool
    var cloudOnlyMicrosoftADLimit: Int
    var cloudOnlyMicrosoftADCurrentCount: Int
    var cloudOnlyMicrosoftADLimitReached: Bool
    var connectedDirectoriesLimit: Int
    var connectedDirectoriesCurrentCount: Int
    var connectedDirectoriesLimitReached: Bool
}

struct GetDirectoryLimitsResponse: Encodable, Sendable {
    var directoryLimits: DirectoryLimitsShape
}

struct DescribeDomainControllersRequest: Decodable, Sendable {
    var directoryId: String
    var domainControllerIds: [String]?
    var nextToken: String?
    var limit: Int?
}

struct DomainControllerShape: Encodable, Sendable {
    var directoryId: String
    var domainControllerId: String
    var dnsIpAddr: String
    var vpcId: String
    var subnetId: String
    var availabilityZone: String
    var status: String
    var launchTime: Date
    var statusLastUpdatedDateTime: Date
}

struct DescribeDomainControllersResponse: Encodable, Sendable {
    var domainControllers: [DomainControllerShape]
    var nextToken: String?
}

struct AddTagsToResourceRequest: Decodable, Sendable {
    var resourceId: String
    var tags: [Tag]
}

struct RemoveTagsFromResourceRequest: Decodable, Sendable {
    var resourceId: String
    var tagKeys: [String]
}

struct ListTagsForResourceRequest: Decodable, Sendable {
    var resourceId: String
    var nextToken: String?
    var limit: Int?
}

struct ListTagsForResourceResponse: Encodable, Sendable {
    var tags: [Tag]
    var nextToken: String?
}

extension DirectoryService {
    static let microsoftADLimit = 20
    static let simpleADLimit = 10
    static let tagLimit = 50

    /// What kind of directory CreateMicrosoftAD or CreateDirectory makes.
    struct Kind: Sendable {
        let type: String
        let edition: String?
        let size: String?
        let adminUserName: String
    }

    mutating func registerDirectories() {
        let store = self.store, realms = self.realms
        operations.on("CreateMicrosoftAD") { (input: CreateMicrosoftADRequest, call) -> DirectoryIdResponse in
            let kind = Kind(type: "MicrosoftAD", edition: input.edition ?? "Enterprise", size: nil, adminUserName: "Admin")
            return DirectoryIdResponse(directoryId: try await Self.create(
                kind, name: input.name, shortName: input.shortName, password: input.password, description: input.description,
                vpcSettings: input.vpcSettings, tags: input.tags ?? [], call, store, realms))
        }

        operations.on("CreateDirectory") { (input: CreateDirectoryRequest, call) -> DirectoryIdResponse in
            guard let vpcSettings = input.vpcSettings else {
                throw DSError.invalidParameter("VpcSettings must be specified for a Simple AD directory.")
            }
            let kind = Kind(type: "SimpleAD", edition: nil, size: input.size, adminUserName: "Administrator")
            return DirectoryIdResponse(directoryId: try await Self.create(
                kind, name: input.name, shortName: input.shortName, password: input.password, description: input.description,
                vpcSettings: vpcSettings, tags: input.tags ?? [], call, store, realms))
        }

        operations.on("DescribeDirectories") { (input: DescribeDirectoriesRequest, call) -> DescribeDirectoriesResponse in
            if let ids = input.directoryIds, ids.isEmpty {
                throw DSError.invalidParameter("DirectoryIds must not be empty.")
            }
            let descriptions = try await store.read { db -> [DirectoryDescription] in
                let directories: [DSDirectory]
                if let ids = input.directoryIds {
                    directories = try ids.map { try DirectoryLookup.directory($0, call, db) }
                } else {
                    directories = try DSDirectory.listed(in: call.accountId, call.region).fetchAll(db)
                }
                return try directories.map { directory in
                    DirectoryDescription(directory, owner: try directory.ownerDirectoryId.flatMap { try DSDirectory.withId($0).fetchOne(db) })
                }
            }
            let page = try Self.page(descriptions, token: input.nextToken, limit: input.limit)
            return DescribeDirectoriesResponse(directoryDescriptions: page.items, nextToken: page.next)
        }

        operations.on("DeleteDirectory") { (input: DirectoryIdRequest, call) -> DirectoryIdResponse in
            let directory = try await store.write { db -> DSDirectory in
                var directory = try DirectoryLookup.directory(input.directoryId, call, db)
                guard directory.hostsRealm else {
                    throw DSError.client("Directory \(directory.directoryId) is shared with this account; reject or unshare it instead of deleting it.")
                }
                let consumers = try DSDirectory.filter(Column("ownerDirectoryId") == directory.directoryId).fetchCount(db)
                if consumers > 0 {
                    throw DSError.client("Directory \(directory.directoryId) is shared with other accounts. Unshare it before deleting it.")
                }
                directory.stage = "Deleting"
                directory.stageLastUpdated = call.now
                try directory.update(db)
                return directory
            }
            await realms.destroy(directory)
            try await store.write { db in
                try EC2Network.releaseServiceResources(of: directory.directoryId, db)
                if let groupId = directory.securityGroupId {
                    try EC2SecurityGroup.filter(Column("groupId") == groupId).deleteAll(db)
                }
                try DSDirectory.filter(Column("directoryId") == directory.directoryId).deleteAll(db)
            }
            try await realms.writeClientConfiguration()
            return DirectoryIdResponse(directoryId: directory.directoryId)
        }

        operations.on("CreateAlias") { (input: CreateAliasRequest, call) -> CreateAliasResponse in
            try await store.write { db in
                var directory = try DirectoryLookup.directory(input.directoryId, call, db)
                guard directory.alias == directory.directoryId else {
                    throw DSError.entityAlreadyExists("Directory \(directory.directoryId) already has the alias \(directory.alias).")
                }
                guard !input.alias.hasPrefix("d-") else { throw DSError.invalidParameter("An alias cannot begin with d-.") }
                if try DSDirectory.filter(Column("alias") == input.alias).fetchCount(db) > 0 {
                    throw DSError.entityAlreadyExists("The alias \(input.alias) is already in use.")
                }
                directory.alias = input.alias
                try directory.update(db)
                return CreateAliasResponse(directoryId: directory.directoryId, alias: directory.alias)
            }
        }

        operations.on("GetDirectoryLimits") { (_: Empty, call) -> GetDirectoryLimitsResponse in
            let directories = try await store.read { db in try DSDirectory.listed(in: call.accountId, call.region).fetchAll(db) }
            let microsoft = directories.filter { $0.type == "MicrosoftAD" }.count
            let simple = directories.filter { $0.type == "SimpleAD" }.count
            return GetDirectoryLimitsResponse(directoryLimits: DirectoryLimitsShape(
                cloudOnlyDirectoriesLimit: Self.simpleADLimit, cloudOnlyDirectoriesCurrentCount: simple,
                cloudOnlyDirectoriesLimitReached: simple >= Self.simpleADLimit,
                cloudOnlyMicrosoftADLimit: Self.microsoftADLimit, cloudOnlyMicrosoftADCurrentCount: microsoft,
                cloudOnlyMicrosoftADLimitReached: microsoft >= Self.microsoftADLimit,
                connectedDirectoriesLimit: 10, connectedDirectoriesCurrentCount: 0, connectedDirectoriesLimitReached: false))
        }

        operations.on("DescribeDomainControllers") { (input: DescribeDomainControllersRequest, call) -> DescribeDomainControllersResponse in
            let directory = try await store.read { db in try DirectoryLookup.directory(input.directoryId, call, db) }
            guard directory.hostsRealm else {
                throw DSError.unsupportedOperation("Domain controllers of a shared directory are described by its owner.")
            }
            let status = ["Active": "Active", "Deleting": "Deleting", "Failed": "Failed"][directory.stage] ?? "Creating"
            var controllers = zip(directory.dnsIpAddrs, zip(directory.subnetIds, directory.availabilityZones)).enumerated().map { index, item in
                DomainControllerShape(
                    directoryId: directory.directoryId, domainControllerId: Self.domainControllerId(directory.directoryId, index),
                    dnsIpAddr: item.0, vpcId: directory.vpcId, subnetId: item.1.0, availabilityZone: item.1.1, status: status,
                    launchTime: directory.launchTime, statusLastUpdatedDateTime: directory.stageLastUpdated)
            }
            if let wanted = input.domainControllerIds {
                let unknown = wanted.filter { id in !controllers.contains { $0.domainControllerId == id } }
                if let first = unknown.first { throw DSError.entityDoesNotExist("Domain controller \(first) does not exist.") }
                controllers = controllers.filter { wanted.contains($0.domainControllerId) }
            }
            let page = try Self.page(controllers, token: input.nextToken, limit: input.limit)
            return DescribeDomainControllersResponse(domainControllers: page.items, nextToken: page.next)
        }

        operations.on("AddTagsToResource") { (input: AddTagsToResourceRequest, call) -> Empty in
            try await store.write { db in
                let directory = try DirectoryLookup.directory(input.resourceId, call, db)
                if try ResourceTags.merge(input.tags, into: directory.directoryId, db).count > Self.tagLimit {
                    throw AWSError(code: "TagLimitExceededException", status: 400, message: "The maximum of \(Self.tagLimit) tags per directory was exceeded.")
                }
            }
            return Empty()
        }

        operations.on("RemoveTagsFromResource") { (input: RemoveTagsFromResourceRequest, call) -> Empty in
            try await store.write { db in
                let directory = try DirectoryLookup.directory(input.resourceId, call, db)
                try ResourceTags.remove(keys: input.tagKeys, from: directory.directoryId, db)
            }
            return Empty()
        }

        operations.on("ListTagsForResource") { (input: ListTagsForResourceRequest, call) -> ListTagsForResourceResponse in
            let tags = try await store.read { db in
                try ResourceTags.of(try DirectoryLookup.directory(input.resourceId, call, db).directoryId, db)
            }
            let page = try Self.page(tags, token: input.nextToken, limit: input.limit)
            return ListTagsForResourceResponse(tags: page.items, nextToken: page.next)
        }
    }

    static func domainControllerId(_ directoryId: String, _ index: Int) -> String {
        var hash: UInt64 = 14_695_981_039_346_656_037 &+ UInt64(index)
        for byte in directoryId.utf8 { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
        return "dc-" + String(String(hash, radix: 16).suffix(10)).padding(toLength: 10, withPad: "0", startingAt: 0)
    }

    /// Directory Service pages with an opaque `NextToken` (an offset here) and a `Limit`.
    static func page<Element: Sendable>(_ items: [Element], token: String?, limit: Int?) throws -> (items: [Element], next: String?) {
        var start = 0
        if let token {
            guard let data = Data(base64Encoded: token), let offset = Int(String(decoding: data, as: UTF8.self)), offset >= 0 else {
                throw DSError.invalidParameter("Invalid NextToken.")
            }
            start = min(offset, items.count)
        }
        let size = limit.map { $0 == 0 ? items.count : $0 } ?? items.count
        let end = min(items.count, start + max(size, 1))
        let next = end < items.count ? Data(String(end).utf8).base64EncodedString() : nil
        return (Array(items[start..<end]), next)
    }

    /// Creates the directory: validates like AWS, records it as `Creating`, builds its realm
    /// (administrator principal included), then starts its KDC in the background; the stage
    /// becomes `Active` when the KDC answers. A refused or failed request leaves nothing behind.
    static func create(
        _ kind: Kind, name: String, shortName: String?, password: String, description: String?,
        vpcSettings: DirectoryVpcSettings, tags: [Tag], _ call: CallContext, _ store: Store, _ realms: RealmHost
    ) async throws -> String {
        if password.lowercased().contains("admin") {
            throw DSError.invalidParameter("The password must not contain the word \"admin\".")
        }
        let taken = try await store.read { db in Set(try DSDirectory.fetchAll(db).flatMap(\.dnsIpAddrs)) }
        guard let placement = await realms.placement(avoiding: taken) else {
            throw DSError.service("Kerbside found no free loopback address and port for another domain controller.")
        }
        let directoryId = "d-" + Identifiers.random(10, from: Identifiers.hex)
        let directory = try await store.write { db -> DSDirectory in
            try EC2Network.ensureDefaultVPC(call.accountId, call.region, now: call.now, db)
            let vpc = try? EC2Network.vpc(vpcSettings.vpcId, call.accountId, call.region, db)
            guard let vpc else { throw DSError.client("Invalid VPC ID \(vpcSettings.vpcId): it does not exist in this account and Region.") }
            let subnets = try vpcSettings.subnetIds.map { id -> EC2Subnet in
                guard let subnet = try? EC2Network.subnet(id, call.accountId, call.region, db), subnet.vpcId == vpc.vpcId else {
                    throw DSError.client("Invalid subnet ID \(id): it must be a subnet of \(vpc.vpcId).")
                }
                return subnet
            }
            guard subnets.count == 2, Set(subnets.map(\.availabilityZone)).count == 2 else {
                throw DSError.invalidParameter("Invalid subnet ID(s). They must correspond to two subnets in different Availability Zones.")
            }
            let existing = try DSDirectory.listed(in: call.accountId, call.region).fetchAll(db)
            if existing.contains(where: { $0.name.lowercased() == name.lowercased() }) {
                throw DSError.entityAlreadyExists("A directory named \(name) already exists in this account and Region.")
            }
            let limit = kind.type == "MicrosoftAD" ? microsoftADLimit : simpleADLimit
            if existing.filter({ $0.type == kind.type }).count >= limit {
                throw DSError.directoryLimitExceeded("You have reached the limit of \(limit) \(kind.type) directories in this Region.")
            }
            let realmName = name.uppercased()
            if try DSDirectory.filter(Column("realm") == realmName && Column("ownerDirectoryId") == nil).fetchCount(db) > 0 {
                throw DSError.entityAlreadyExists("Kerbside already runs a realm named \(realmName) for another account's directory; realm names must be unique on one Kerbside.")
            }

            let group = EC2SecurityGroup(
                groupId: EC2Network.newId("sg"), accountId: call.accountId, region: call.region, vpcId: vpc.vpcId,
                groupName: "\(directoryId)_controllers", description: "AWS created security group for \(directoryId) directory controllers",
                createdAt: call.now)
            try group.insert(db)
            for (ipProtocol, ports) in controllerPorts {
                try EC2Network.addRule(to: group.groupId, egress: false, protocol: ipProtocol, ports: ports, cidr: "0.0.0.0/0", db)
            }
            try EC2Network.addRule(to: group.groupId, egress: true, protocol: "-1", ports: nil, cidr: "0.0.0.0/0", db)
            for subnet in subnets {
                try EC2Network.createServiceInterface(
                    in: subnet, description: "AWS created network interface for directory \(directoryId)",
                    requesterId: "directoryservice.amazonaws.com", ownerResourceId: directoryId,
                    securityGroupIds: [group.groupId], now: call.now, db)
            }
            let shortName = shortName ?? String(name.split(separator: ".").first ?? Substring(name)).uppercased()
            let directory = DSDirectory(
                directoryId: directoryId, accountId: call.accountId, region: call.region, name: name, shortName: shortName,
                realm: realmName, alias: directoryId, description: description, type: kind.type, edition: kind.edition,
                size: kind.size, stage: "Creating", stageReason: nil, launchTime: call.now, stageLastUpdated: call.now,
                vpcId: vpc.vpcId, subnetIds: subnets.map(\.subnetId), availabilityZones: subnets.map(\.availabilityZone),
                securityGroupId: group.groupId, dnsIpAddrs: placement.addresses, kdcPort: placement.port,
                adminUserName: kind.adminUserName, dataAccessStatus: "Disabled", desiredNumberOfDomainControllers: 2)
            try directory.insert(db)
            try DSUser(directoryId: directoryId, samAccountName: kind.adminUserName,
                       sid: "\(SecurityIdentifiers.domain(of: directoryId))-\(kind.type == "SimpleAD" ? 500 : 1103)",
                       givenName: nil, surname: nil, emailAddress: nil, enabled: true, otherAttributes: [:],
                       createdAt: call.now, passwordLastSet: call.now).insert(db)
            _ = try ResourceTags.merge(tags, into: directoryId, db)
            return directory
        }
        do {
            try await realms.create(directory, administratorPassword: password)
            try await realms.writeClientConfiguration()
        } catch {
            try? await store.write { db in
                try EC2Network.releaseServiceResources(of: directoryId, db)
                try EC2SecurityGroup.filter(Column("groupId") == directory.securityGroupId).deleteAll(db)
                try DSDirectory.filter(Column("directoryId") == directoryId).deleteAll(db)
            }
            call.logger.error("realm for \(directoryId) could not be created: \(error)")
            throw DSError.service("Kerbside could not create the realm for \(name): \(error)")
        }
        Task { await realms.start(directory) }
        return directoryId
    }

    /// What AWS opens on a directory's controller security group.
    static let controllerPorts: [(String, ClosedRange<Int>?)] = [
        ("tcp", 53...53), ("udp", 53...53), ("tcp", 88...88), ("udp", 88...88), ("udp", 123...123), ("tcp", 135...135),
        ("udp", 138...138), ("tcp", 389...389), ("udp", 389...389), ("tcp", 445...445), ("udp", 445...445),
        ("tcp", 464...464), ("udp", 464...464), ("tcp", 636...636), ("tcp", 3268...3269), ("tcp", 1024...65535),
        ("icmp", nil),
    ]
}
