import Foundation
import GRDB

/// A directory user. Each is a principal `sam@REALM` in the directory's realm.
public struct DSUser: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "ds_user"

    public var directoryId: String
    public var samAccountName: String
    public var sid: String
    public var givenName: String?
    public var surname: String?
    public var emailAddress: String?
    public var enabled: Bool
    /// Other LDAP attributes, by display name, each in ds-data's tagged form (`{"S": …}`).
    public var otherAttributes: [String: AttributeValue]
    public var createdAt: Date
    public var passwordLastSet: Date?

    public init(directoryId: String, samAccountName: String, sid: String, givenName: String?, surname: String?,
                emailAddress: String?, enabled: Bool, otherAttributes: [String: AttributeValue], createdAt: Date, passwordLastSet: Date?) {
        self.directoryId = directoryId
        self.samAccountName = samAccountName
        self.sid = sid
        self.givenName = givenName
        self.surname = surname
        self.emailAddress = emailAddress
        self.enabled = enabled
        self.otherAttributes = otherAttributes
        self.createdAt = createdAt
        self.passwordLastSet = passwordLastSet
    }

    public static func named(_ name: String, in directoryId: String) -> SQLRequest<DSUser> {
        cachedRequest(where: ["directoryId", "samAccountName"], [directoryId, name])
    }

    public static func listed(in directoryId: String) -> SQLRequest<DSUser> {
        cachedRequest(where: ["directoryId"], [directoryId], orderedBy: "samAccountName")
    }
}

public struct DSGroup: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "ds_group"

    public var directoryId: String
    public var samAccountName: String
    public var sid: String
    public var groupScope: String
    public var groupType: String
    public var otherAttributes: [String: AttributeValue]
    public var createdAt: Date

    public init(directoryId: String, samAccountName: String, sid: String, groupScope: String, groupType: String,
                otherAttributes: [String: AttributeValue], createdAt: Date) {
        self.directoryId = directoryId
        self.samAccountName = samAccountName
        self.sid = sid
        self.groupScope = groupScope
        self.groupType = groupType
        self.otherAttributes = otherAttributes
        self.createdAt = createdAt
    }

    public static func named(_ name: String, in directoryId: String) -> SQLRequest<DSGroup> {
        cachedRequest(where: ["directoryId", "samAccountName"], [directoryId, name])
    }

    public static func listed(in directoryId: String) -> SQLRequest<DSGroup> {
        cachedRequest(where: ["directoryId"], [directoryId], orderedBy: "samAccountName")
    }
}

/// A member of a group: a user or group of the same directory, or of a trusted realm.
public struct DSGroupMember: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "ds_group_member"

    public var directoryId: String
    public var groupName: String
    public var memberName: String
    /// The member's realm, upper-cased (the directory's own realm for local members).
    public var memberRealm: String
    /// `USER`, `GROUP`, `COMPUTER`.
    public var memberType: String
    public var memberSid: String
    public var addedAt: Date

    public init(directoryId: String, groupName: String, memberName: String, memberRealm: String, memberType: String, memberSid: String, addedAt: Date) {
        self.directoryId = directoryId
        self.groupName = groupName
        self.memberName = memberName
        self.memberRealm = memberRealm
        self.memberType = memberType
        self.memberSid = memberSid
        self.addedAt = addedAt
    }
}

/// ds-data's tagged attribute value: exactly one of string, number, boolean, string set.
public struct AttributeValue: Codable, Sendable, Equatable {
    public var s: String?
    public var n: Int64?
    public var bool: Bool?
    public var ss: [String]?

    public init(s: String? = nil, n: Int64? = nil, bool: Bool? = nil, ss: [String]? = nil) {
        self.s = s
        self.n = n
        self.bool = bool
        self.ss = ss
    }
}

/// A trust between a directory and another domain.
public struct DSTrust: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "ds_trust"

    public var trustId: String
    public var directoryId: String
    public var remoteDomainName: String
    /// `One-Way: Outgoing`, `One-Way: Incoming`, `Two-Way`.
    public var trustDirection: String
    /// `Forest`, `External`.
    public var trustType: String
    public var trustState: String
    public var trustStateReason: String?
    public var selectiveAuth: String
    public var createdDateTime: Date
    public var lastUpdatedDateTime: Date
    public var stateLastUpdatedDateTime: Date

    public init(trustId: String, directoryId: String, remoteDomainName: String, trustDirection: String, trustType: String,
                trustState: String, trustStateReason: String?, selectiveAuth: String, createdDateTime: Date,
                lastUpdatedDateTime: Date, stateLastUpdatedDateTime: Date) {
        self.trustId = trustId
        self.directoryId = directoryId
        self.remoteDomainName = remoteDomainName
        self.trustDirection = trustDirection
        self.trustType = trustType
        self.trustState = trustState
        self.trustStateReason = trustStateReason
        self.selectiveAuth = selectiveAuth
        self.createdDateTime = createdDateTime
        self.lastUpdatedDateTime = lastUpdatedDateTime
        self.stateLastUpdatedDateTime = stateLastUpdatedDateTime
    }

    public static func withId(_ id: String) -> SQLRequest<DSTrust> {
        cachedRequest(where: ["trustId"], [id])
    }

    public static func of(_ directoryId: String) -> SQLRequest<DSTrust> {
        cachedRequest(where: ["directoryId"], [directoryId], orderedBy: "createdDateTime")
    }
}

public struct DSConditionalForwarder: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "ds_conditional_forwarder"

    public var directoryId: String
    public var remoteDomainName: String
    public var dnsIpAddrs: [String]
    /// `Self-managed` (created by the user) or `Shared` (created with a trust).
    public var replicationScope: String

    public init(directoryId: String, remoteDomainName: String, dnsIpAddrs: [String], replicationScope: String) {
        self.directoryId = directoryId
        self.remoteDomainName = remoteDomainName
        self.dnsIpAddrs = dnsIpAddrs
        self.replicationScope = replicationScope
    }
}

/// A ds-data `ClientToken` already used, so a retried write is not done twice.
public struct DSClientToken: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "ds_client_token"

    public var directoryId: String
    public var clientToken: String
    public var operation: String
    public var fingerprint: String
    public var usedAt: Date

    public init(directoryId: String, clientToken: String, operation: String, fingerprint: String, usedAt: Date) {
        self.directoryId = directoryId
        self.clientToken = clientToken
        self.operation = operation
        self.fingerprint = fingerprint
        self.usedAt = usedAt
    }
}
