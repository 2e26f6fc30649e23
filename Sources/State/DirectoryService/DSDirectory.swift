import Foundation
import GRDB

/// A directory: AWS Managed Microsoft AD or Simple AD (a Kerberos realm Kerbside runs), or the
/// consumer's view of a directory shared with its account.
public struct DSDirectory: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "ds_directory"

    public var directoryId: String
    public var accountId: String
    public var region: String
    public var name: String
    public var shortName: String
    /// The Kerberos realm: the domain name upper-cased.
    public var realm: String
    public var alias: String
    public var description: String?
    /// `MicrosoftAD`, `SimpleAD`, `SharedMicrosoftAD`.
    public var type: String
    public var edition: String?
    public var size: String?
    public var stage: String
    public var stageReason: String?
    public var launchTime: Date
    public var stageLastUpdated: Date
    public var vpcId: String
    public var subnetIds: [String]
    public var availabilityZones: [String]
    public var securityGroupId: String?
    /// The loopback addresses where the directory's KDC answers.
    public var dnsIpAddrs: [String]
    public var kdcPort: Int
    /// `Admin` for Managed AD, `Administrator` for Simple AD.
    public var adminUserName: String
    public var dataAccessStatus: String
    public var desiredNumberOfDomainControllers: Int
    /// For a shared directory's consumer copy: the owner's directory and account.
    public var ownerDirectoryId: String?
    public var ownerAccountId: String?
    public var shareMethod: String?
    public var shareStatus: String?
    public var shareNotes: String?

    public init(
        directoryId: String, accountId: String, region: String, name: String, shortName: String, realm: String, alias: String,
        description: String?, type: String, edition: String?, size: String?, stage: String, stageReason: String?,
        launchTime: Date, stageLastUpdated: Date, vpcId: String, subnetIds: [String], availabilityZones: [String],
        securityGroupId: String?, dnsIpAddrs: [String], kdcPort: Int, adminUserName: String, dataAccessStatus: String,
        desiredNumberOfDomainControllers: Int, ownerDirectoryId: String? = nil, ownerAccountId: String? = nil,
        shareMethod: String? = nil, shareStatus: String? = nil, shareNotes: String? = nil
    ) {
        self.directoryId = directoryId
        self.accountId = accountId
        self.region = region
        self.name = name
        self.shortName = shortName
        self.realm = realm
        self.alias = alias
        self.description = description
        self.type = type
        self.edition = edition
        self.size = size
        self.stage = stage
        self.stageReason = stageReason
        self.launchTime = launchTime
        self.stageLastUpdated = stageLastUpdated
        self.vpcId = vpcId
        self.subnetIds = subnetIds
        self.availabilityZones = availabilityZones
        self.securityGroupId = securityGroupId
        self.dnsIpAddrs = dnsIpAddrs
        self.kdcPort = kdcPort
        self.adminUserName = adminUserName
        self.dataAccessStatus = dataAccessStatus
        self.desiredNumberOfDomainControllers = desiredNumberOfDomainControllers
        self.ownerDirectoryId = ownerDirectoryId
        self.ownerAccountId = ownerAccountId
        self.shareMethod = shareMethod
        self.shareStatus = shareStatus
        self.shareNotes = shareNotes
    }

    /// True for directories Kerbside runs a realm for (not a consumer's shared copy).
    public var hostsRealm: Bool { ownerDirectoryId == nil }

    public static func withId(_ id: String) -> SQLRequest<DSDirectory> {
        cachedRequest(where: ["directoryId"], [id])
    }

    public static func listed(in accountId: String, _ region: String) -> SQLRequest<DSDirectory> {
        cachedRequest(where: ["accountId", "region"], [accountId, region], orderedBy: "launchTime")
    }
}
