import AWSWire
import Foundation
import GRDB
import State

struct ShareTargetShape: Decodable, Sendable {
    var id: String
    var type: String
}

struct ShareDirectoryRequest: Decodable, Sendable {
    var directoryId: String
    var shareNotes: String?
    var shareTarget: ShareTargetShape
    var shareMethod: String
}

struct SharedDirectoryIdResponse: Encodable, Sendable {
    var sharedDirectoryId: String
}

struct SharedDirectoryIdRequest: Decodable, Sendable {
    var sharedDirectoryId: String
}

struct SharedDirectoryShape: Encodable, Sendable {
    var ownerAccountId: String
    var ownerDirectoryId: String
    var shareMethod: String
    var sharedAccountId: String
    var sharedDirectoryId: String
    var shareStatus: String
    var shareNotes: String?
    var createdDateTime: Date
    var lastUpdatedDateTime: Date

    init(_ copy: DSDirectory) {
        ownerAccountId = copy.ownerAccountId ?? ""
        ownerDirectoryId = copy.ownerDirectoryId ?? ""
        shareMethod = copy.shareMethod ?? "HANDSHAKE"
        sharedAccountId = copy.accountId
        sharedDirectoryId = copy.directoryId
        shareStatus = copy.shareStatus ?? "Shared"
        shareNotes = copy.shareNotes
        createdDateTime = copy.launchTime
        lastUpdatedDateTime = copy.stageLastUpdated
    }
}

struct AcceptSharedDirectoryResponse: Encodable, Sendable {
    var sharedDirectory: SharedDirectoryShape
}

struct UnshareDirectoryRequest: Decodable, Sendable {
    var directoryId: String
    var unshareTarget: ShareTargetShape
}

struct DescribeSharedDirectoriesRequest: Decodable, Sendable {
    var ownerDirectoryId: String
    var sharedDirectoryIds: [String]?
    var nextToken: String?
    var limit: Int?
}

struct DescribeSharedDirectoriesResponse: Encodable, Sendable {
    var sharedDirectories: [SharedDirectoryShape]
    var nextToken: String?
}

extension DirectoryService {
    /// Sharing a Managed AD with another account gives that account its own directory id (a
    /// `SharedMicrosoftAD`) for the same realm. HANDSHAKE shares wait for the consumer to accept;
    /// ORGANIZATIONS shares (Kerbside treats every account as one organization) are shared at once.
    mutating func registerSharing() {
        let store = self.store
        operations.on("ShareDirectory") { (input: ShareDirectoryRequest, call) -> SharedDirectoryIdResponse in
            try await store.write { db in
                let owner = try DirectoryLookup.directory(input.directoryId, call, db)
                guard owner.hostsRealm, owner.type == "MicrosoftAD" else {
                    throw DSError.unsupportedOperation("Only AWS Managed Microsoft AD directories can be shared, by their owner.")
                }
                try DirectoryLookup.requireActive(owner)
                let target = input.shareTarget.id
                guard target.count == 12, target.allSatisfy(\.isNumber), target != call.accountId else {
                    throw DSError.invalidTarget("The share target \(target) must be another account's 12-digit id.")
                }
                let existing = try DSDirectory.filter(Column("ownerDirectoryId") == owner.directoryId && Column("accountId") == target)
                    .fetchAll(db).filter { $0.shareStatus != "Rejected" }
                if !existing.isEmpty {
                    throw DSError.directoryAlreadyShared("Directory \(owner.directoryId) is already shared with account \(target).")
                }
                let copy = DSDirectory(
                    directoryId: "d-" + Identifiers.random(10, from: Identifiers.hex), accountId: target, region: owner.region,
                    name: owner.name, shortName: owner.shortName, realm: owner.realm, alias: "", description: owner.description,
                    type: "SharedMicrosoftAD", edition: owner.edition, size: nil, stage: "Active", stageReason: nil,
                    launchTime: call.now, stageLastUpdated: call.now, vpcId: owner.vpcId, subnetIds: [], availabilityZones: [],
                    securityGroupId: nil, dnsIpAddrs: owner.dnsIpAddrs, kdcPort: owner.kdcPort, adminUserName: owner.adminUserName,
                    dataAccessStatus: "Disabled", desiredNumberOfDomainControllers: owner.desiredNumberOfDomainControllers,
                    ownerDirectoryId: owner.directoryId, ownerAccountId: owner.accountId, shareMethod: input.shareMethod,
                    shareStatus: input.shareMethod == "ORGANIZATIONS" ? "Shared" : "PendingAcceptance", shareNotes: input.shareNotes)
                var withAlias = copy
                withAlias.alias = copy.directoryId
                try withAlias.insert(db)
                return SharedDirectoryIdResponse(sharedDirectoryId: copy.directoryId)
            }
        }

        operations.on("AcceptSharedDirectory") { (input: SharedDirectoryIdRequest, call) -> AcceptSharedDirectoryResponse in
            try await store.write { db in
                var copy = try Self.sharedCopy(input.sharedDirectoryId, call, db)
                guard copy.shareStatus == "PendingAcceptance" else {
                    throw DSError.directoryAlreadyShared("Shared directory \(copy.directoryId) is \(copy.shareStatus ?? "shared"), not pending acceptance.")
                }
                copy.shareStatus = "Shared"
                copy.stageLastUpdated = call.now
                try copy.update(db)
                return AcceptSharedDirectoryResponse(sharedDirectory: SharedDirectoryShape(copy))
            }
        }

        operations.on("RejectSharedDirectory") { (input: SharedDirectoryIdRequest, call) -> SharedDirectoryIdResponse in
            try await store.write { db in
                var copy = try Self.sharedCopy(input.sharedDirectoryId, call, db)
                guard copy.shareStatus == "PendingAcceptance" else {
                    throw DSError.invalidParameter("Shared directory \(copy.directoryId) is \(copy.shareStatus ?? "shared"), not pending acceptance.")
                }
                copy.shareStatus = "Rejected"
                copy.stageLastUpdated = call.now
                try copy.update(db)
                return SharedDirectoryIdResponse(sharedDirectoryId: copy.directoryId)
            }
        }

        operations.on("UnshareDirectory") { (input: UnshareDirectoryRequest, call) -> SharedDirectoryIdResponse in
            try await store.write { db in
                let owner = try DirectoryLookup.directory(input.directoryId, call, db)
                guard let copy = try DSDirectory.filter(Column("ownerDirectoryId") == owner.directoryId && Column("accountId") == input.unshareTarget.id).fetchOne(db) else {
                    throw DSError.directoryNotShared("Directory \(owner.directoryId) is not shared with account \(input.unshareTarget.id).")
                }
                try copy.delete(db)
                return SharedDirectoryIdResponse(sharedDirectoryId: copy.directoryId)
            }
        }

        operations.on("DescribeSharedDirectories") { (input: DescribeSharedDirectoriesRequest, call) -> DescribeSharedDirectoriesResponse in
            let shares = try await store.read { db -> [SharedDirectoryShape] in
                let owner = try DirectoryLookup.directory(input.ownerDirectoryId, call, db)
                var copies = try DSDirectory.filter(Column("ownerDirectoryId") == owner.directoryId).order(Column("launchTime")).fetchAll(db)
                if let wanted = input.sharedDirectoryIds {
                    copies = copies.filter { wanted.contains($0.directoryId) }
                }
                return copies.map(SharedDirectoryShape.init)
            }
            let page = try Self.page(shares, token: input.nextToken, limit: input.limit)
            return DescribeSharedDirectoriesResponse(sharedDirectories: page.items, nextToken: page.next)
        }
    }

    static func sharedCopy(_ id: String, _ call: CallContext, _ db: Database) throws -> DSDirectory {
        let copy = try DirectoryLookup.directory(id, call, db)
        guard copy.ownerDirectoryId != nil else {
            throw DSError.invalidParameter("Directory \(id) is not a directory shared with this account.")
        }
        return copy
    }
}
