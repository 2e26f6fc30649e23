import AWSWire
import Foundation
import GRDB
import State

struct OptionalUserNameRequest: Decodable, Sendable {
    var userName: String?
}

struct AccessKeyShape: Encodable, Sendable {
    var userName: String
    var accessKeyId: String
    var status: String
    var secretAccessKey: String
    var createDate: Date
}

struct CreateAccessKeyResponse: Encodable, Sendable {
    var accessKey: AccessKeyShape
}

struct AccessKeyMetadataShape: Encodable, Sendable {
    var userName: String
    var accessKeyId: String
    var status: String
    var createDate: Date
}

struct ListAccessKeysRequest: Decodable, Sendable {
    var userName: String?
    var marker: String?
    var maxItems: Int?
}

struct ListAccessKeysResponse: Encodable, Sendable {
    var accessKeyMetadata: [AccessKeyMetadataShape]
    var isTruncated: Bool
    var marker: String?
}

struct UpdateAccessKeyRequest: Decodable, Sendable {
    var userName: String?
    var accessKeyId: String
    var status: IAMAccessKey.Status
}

struct DeleteAccessKeyRequest: Decodable, Sendable {
    var userName: String?
    var accessKeyId: String
}

struct GetAccessKeyLastUsedRequest: Decodable, Sendable {
    var accessKeyId: String
}

struct AccessKeyLastUsedShape: Encodable, Sendable {
    var lastUsedDate: Date?
    var serviceName: String
    var region: String
}

struct GetAccessKeyLastUsedResponse: Encodable, Sendable {
    var userName: String
    var accessKeyLastUsed: AccessKeyLastUsedShape
}

extension IAMService {
    static let accessKeysPerUser = 2

    mutating func registerAccessKeys() {
        let store = self.store
        operations.on("CreateAccessKey") { (input: OptionalUserNameRequest, call) -> CreateAccessKeyResponse in
            let (key, user) = try await store.write { db in
                let user = try Self.keyOwner(input.userName, call, db)
                if try IAMAccessKey.of(user.userId).fetchCount(db) >= Self.accessKeysPerUser {
                    throw IAMError.limitExceeded("Cannot exceed quota for AccessKeysPerUser: \(Self.accessKeysPerUser)")
                }
                let key = IAMAccessKey(
                    accessKeyId: Identifiers.accessKeyID(temporary: false), accountId: call.accountId, userId: user.userId,
                    secretAccessKey: Identifiers.secretAccessKey(), status: .active, createDate: call.now)
                try key.insert(db)
                return (key, user)
            }
            return CreateAccessKeyResponse(accessKey: AccessKeyShape(
                userName: user.userName, accessKeyId: key.accessKeyId, status: key.status.rawValue,
                secretAccessKey: key.secretAccessKey, createDate: key.createDate))
        }

        operations.on("ListAccessKeys") { (input: ListAccessKeysRequest, call) -> ListAccessKeysResponse in
            let (user, keys) = try await store.read { db in
                let user = try Self.keyOwner(input.userName, call, db)
                return (user, try IAMAccessKey.of(user.userId).order(Column("accessKeyId")).fetchAll(db))
            }
            let page = try Self.page(keys, input.marker, input.maxItems) { $0.accessKeyId }
            return ListAccessKeysResponse(
                accessKeyMetadata: page.items.map {
                    AccessKeyMetadataShape(userName: user.userName, accessKeyId: $0.accessKeyId, status: $0.status.rawValue, createDate: $0.createDate)
                },
                isTruncated: page.isTruncated, marker: page.nextMarker)
        }

        operations.on("UpdateAccessKey") { (input: UpdateAccessKeyRequest, call) -> Empty in
            try await store.write { db in
                var key = try Self.ownedKey(input.accessKeyId, userName: input.userName, call, db)
                key.status = input.status
                try key.update(db)
            }
            return Empty()
        }

        operations.on("DeleteAccessKey") { (input: DeleteAccessKeyRequest, call) -> Empty in
            try await store.write { db in
                _ = try Self.ownedKey(input.accessKeyId, userName: input.userName, call, db).delete(db)
            }
            return Empty()
        }

        operations.on("GetAccessKeyLastUsed") { (input: GetAccessKeyLastUsedRequest, call) -> GetAccessKeyLastUsedResponse in
            let (key, user) = try await store.read { db in
                guard let key = try IAMAccessKey.withId(input.accessKeyId).fetchOne(db), key.accountId == call.accountId,
                      let user = try IAMUser.withId(key.userId).fetchOne(db)
                else { throw IAMError.accessDenied("Unable to find the access key \(input.accessKeyId).") }
                return (key, user)
            }
            return GetAccessKeyLastUsedResponse(
                userName: user.userName,
                accessKeyLastUsed: AccessKeyLastUsedShape(lastUsedDate: key.lastUsedDate,
                                                          serviceName: key.lastUsedService ?? "N/A", region: key.lastUsedRegion ?? "N/A"))
        }
    }

    /// The user whose keys an operation manages: the named one, or else the calling user.
    static func keyOwner(_ userName: String?, _ call: CallContext, _ db: Database) throws -> IAMUser {
        if let userName { return try IAMLookup.user(userName, call.accountId, db) }
        guard case .user(let userId, let name) = call.caller.kind else {
            throw IAMError.validation("Must specify userName when calling with non-User credentials")
        }
        guard let user = try IAMUser.withId(userId).fetchOne(db) else { throw IAMError.noSuchUser(name) }
        return user
    }

    static func ownedKey(_ accessKeyId: String, userName: String?, _ call: CallContext, _ db: Database) throws -> IAMAccessKey {
        let user = try keyOwner(userName, call, db)
        guard let key = try IAMAccessKey.withId(accessKeyId).fetchOne(db), key.userId == user.userId else {
            throw IAMError.noSuchEntity("The Access Key with id \(accessKeyId) cannot be found")
        }
        return key
    }
}
