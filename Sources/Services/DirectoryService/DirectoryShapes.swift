import Foundation
import State

struct DirectoryVpcSettingsDescription: Encodable, Sendable {
    var vpcId: String
    var subnetIds: [String]
    var securityGroupId: String?
    var availabilityZones: [String]
}

struct OwnerDirectoryDescription: Encodable, Sendable {
    var directoryId: String
    var accountId: String
    var dnsIpAddrs: [String]
    var vpcSettings: DirectoryVpcSettingsDescription
    var networkType: String
}

struct DirectoryDescription: Encodable, Sendable {
    var directoryId: String
    var name: String
    var shortName: String
    var size: String?
    var edition: String?
    var alias: String
    var accessUrl: String
    var description: String?
    var dnsIpAddrs: [String]
    var stage: String
    var shareStatus: String?
    var shareMethod: String?
    var shareNotes: String?
    var launchTime: Date
    var stageLastUpdatedDateTime: Date
    var type: String
    var vpcSettings: DirectoryVpcSettingsDescription?
    var stageReason: String?
    var ssoEnabled: Bool
    var desiredNumberOfDomainControllers: Int?
    var ownerDirectoryDescription: OwnerDirectoryDescription?
    var osVersion: String?
    var networkType: String

    /// `owner` is the hosting directory when `directory` is a consumer's shared copy.
    init(_ directory: DSDirectory, owner: DSDirectory?) {
        directoryId = directory.directoryId
        name = directory.name
        shortName = directory.shortName
        size = directory.size
        edition = directory.edition
        alias = directory.alias
        accessUrl = "\(directory.alias).awsapps.com"
        description = directory.description
        dnsIpAddrs = directory.dnsIpAddrs
        stage = directory.stage
        shareStatus = directory.shareStatus
        shareMethod = directory.shareMethod
        shareNotes = directory.shareNotes
        launchTime = directory.launchTime
        stageLastUpdatedDateTime = directory.stageLastUpdated
        type = directory.type
        stageReason = directory.stageReason
        ssoEnabled = false
        networkType = "IPv4"
        if let owner {
            ownerDirectoryDescription = OwnerDirectoryDescription(
                directoryId: owner.directoryId, accountId: owner.accountId, dnsIpAddrs: owner.dnsIpAddrs,
                vpcSettings: DirectoryVpcSettingsDescription(vpcId: owner.vpcId, subnetIds: owner.subnetIds,
                                                             securityGroupId: owner.securityGroupId, availabilityZones: owner.availabilityZones),
                networkType: "IPv4")
        } else {
            vpcSettings = DirectoryVpcSettingsDescription(vpcId: directory.vpcId, subnetIds: directory.subnetIds,
                                                          securityGroupId: directory.securityGroupId, availabilityZones: directory.availabilityZones)
            desiredNumberOfDomainControllers = directory.type == "MicrosoftAD" ? directory.desiredNumberOfDomainControllers : nil
            osVersion = directory.type == "MicrosoftAD" ? "SERVER_2019" : nil
        }
    }
}
