import AWSWire
import Foundation
import GRDB
import State

struct CreateUserRequest: Decodable, Sendable {
    var path: String?
    var userName: String
    var permissionsBoundary: String?
    var tags: [Tag]?
}

struct UserResponse: Encodable, Sendable {
    var user: UserShape
}

struct UserNameRequest: Decodable, Sendable {
    var userName: String
}

struct GetUserRequest: Decodable, Sendable {
    var userName: String?
}

struct ListUsersRequest: Decodable, Sendable {
    var pathPrefix: String?
    var marker: String?
    var maxItems: Int?
}

struct ListUsersResponse: Encodable, Sendable {
    var users: [UserShape]
    var isTruncated: Bool
    var marker: String?
}

struct UpdateUserRequest: Decodable, Sendable {
    var userName: String
    var newPath: String?
    var newUserName: String?
}

struct TagUserRequest: Decodable, Sendable {
    var userName: String
    var tags: [Tag]
}

struct UntagUserRequest: Decodable, Sendable {
    var userName: String
    var tagKeys: [String]
}

struct ListTagsRequest: Decodable, Sendable {
    var marker: String?
    var maxItems: Int?
}

struct TagsResponse: Encodable, Sendable {
    var tags: [Tag]
    var isTruncated: Bool
    var marker: String?
}

struct UserBoundaryRequest: Decodable, Sendable {
    var userName: String
    var permissionsBoundary: String
}

extension IAMService {
    mutating func registerUsers() {
        let store = self.store
        operations.on("CreateUser") { (input: CreateUserRequest, call) -> UserResponse in
            let user = try await store.write { db in
                if try IAMUser.named(input.userName, in: call.accountId).fetchOne(db) != nil {
                    throw IAMError.entityAlreadyExists("User with name \(input.userName) already exists.")
                }
                if let boundary = input.permissionsBoundary { _ = try IAMLookup.attachablePolicy(boundary, call.accountId, db) }
                let user = IAMUser(
                    userId: Identifiers.iamUniqueID(prefix: "AIDA"), accountId: call.accountId, userName: input.userName,
                    path: input.path ?? "/", createDate: call.now, permissionsBoundary: input.permissionsBoundary)
                try user.insert(db)
                try IAMTags.add(input.tags ?? [], to: user.userId, db)
                return UserShape(user, detailed: true, tags: input.tags ?? [])
            }
            return UserResponse(user: user)
        }

        operations.on("GetUser") { (input: GetUserRequest, call) -> UserResponse in
            let user = try await store.read { db -> UserShape? in
                let user: IAMUser
                if let name = input.userName {
                    user = try IAMLookup.user(name, call.accountId, db)
                } else {
                    guard case .user(let userId, let userName) = call.caller.kind else { return nil }
                    guard let found = try IAMUser.withId(userId).fetchOne(db) else { throw IAMError.noSuchUser(userName) }
                    user = found
                }
                return UserShape(user, detailed: true, tags: try ResourceTags.of(user.userId, db))
            }
            return UserResponse(user: try user ?? Self.callerAsUser(call))
        }

        operations.on("ListUsers") { (input: ListUsersRequest, call) -> ListUsersResponse in
            let users = try await store.read { db in
                try IAMUser.listed(in: call.accountId).fetchAll(db)
            }.filter { $0.path.hasPrefix(input.pathPrefix ?? "/") }
            let page = try Self.page(users, input.marker, input.maxItems) { $0.userName }
            return ListUsersResponse(users: page.items.map { UserShape($0, detailed: false) }, isTruncated: page.isTruncated, marker: page.nextMarker)
        }

        operations.on("UpdateUser") { (input: UpdateUserRequest, call) -> Empty in
            try await store.write { db in
                var user = try IAMLookup.user(input.userName, call.accountId, db)
                if let newName = input.newUserName, newName.lowercased() != user.userName.lowercased(),
                   try IAMUser.named(newName, in: call.accountId).fetchOne(db) != nil {
                    throw IAMError.entityAlreadyExists("User with name \(newName) already exists.")
                }
                user.userName = input.newUserName ?? user.userName
                user.path = input.newPath ?? user.path
                try user.update(db)
            }
            return Empty()
        }

        operations.on("DeleteUser") { (input: UserNameRequest, call) -> Empty in
            try await store.write { db in
                let user = try IAMLookup.user(input.userName, call.accountId, db)
                if try IAMAccessKey.of(user.userId).fetchCount(db) > 0 {
                    throw IAMError.deleteConflict("Cannot delete entity, must delete access keys first.")
                }
                if try IAMPolicyAttachment.on(user.userId).fetchCount(db) > 0 {
                    throw IAMError.deleteConflict("Cannot delete entity, must detach all policies first.")
                }
                if try IAMInlinePolicy.on(user.userId).fetchCount(db) > 0 {
                    throw IAMError.deleteConflict("Cannot delete entity, must delete policies first.")
                }
                if try IAMGroupMembership.filter(Column("userId") == user.userId).fetchCount(db) > 0 {
                    throw IAMError.deleteConflict("Cannot delete entity, must remove user from all groups first.")
                }
                try user.delete(db)
            }
            return Empty()
        }

        operations.on("TagUser") { (input: TagUserRequest, call) -> Empty in
            try await store.write { db in
                let user = try IAMLookup.user(input.userName, call.accountId, db)
                try IAMTags.add(input.tags, to: user.userId, db)
            }
            return Empty()
        }

        operations.on("UntagUser") { (input: UntagUserRequest, call) -> Empty in
            try await store.write { db in
                let user = try IAMLookup.user(input.userName, call.accountId, db)
                try ResourceTags.remove(keys: input.tagKeys, from: user.userId, db)
            }
            return Empty()
        }

        operations.on("ListUserTags") { (input: UserNameRequest, call) -> TagsResponse in
            let tags = try await store.read { db in try ResourceTags.of(try IAMLookup.user(input.userName, call.accountId, db).userId, db) }
            return TagsResponse(tags: tags, isTruncated: false, marker: nil)
        }

        operations.on("PutUserPermissionsBoundary") { (input: UserBoundaryRequest, call) -> Empty in
            try await store.write { db in
                var user = try IAMLookup.user(input.userName, call.accountId, db)
                _ = try IAMLookup.attachablePolicy(input.permissionsBoundary, call.accountId, db)
                user.permissionsBoundary = input.permissionsBoundary
                try user.update(db)
            }
            return Empty()
        }

        operations.on("DeleteUserPermissionsBoundary") { (input: UserNameRequest, call) -> Empty in
            try await store.write { db in
                var user = try IAMLookup.user(input.userName, call.accountId, db)
                user.permissionsBoundary = nil
                try user.update(db)
            }
            return Empty()
        }
    }

    /// GetUser without a name, called by the root user, describes the root user; any identity
    /// other than a user must name one, as on AWS.
    static func callerAsUser(_ call: CallContext) throws -> UserShape {
        guard case .root = call.caller.kind else {
            throw IAMError.validation("Must specify userName when calling with non-User credentials")
        }
        var shape = UserShape(
            IAMUser(userId: call.accountId, accountId: call.accountId, userName: "", path: "/",
                    createDate: Date(timeIntervalSince1970: 1_420_070_400), permissionsBoundary: nil),
            detailed: false)
        shape.arn = call.caller.arn
        return shape
    }

    /// One page of a name-sorted listing, or IAM's error for a marker it did not issue.
    /// `key` must ascend along `sorted`: the marker resumes after the last key returned.
    static func page<Element: Sendable>(_ sorted: [Element], _ marker: String?, _ maxItems: Int?, key: (Element) -> String) throws -> Page<Element> {
        do {
            return try Paging.page(sorted, after: marker, limit: Paging.limit(maxItems), key: key)
        } catch {
            throw IAMError.invalidMarker
        }
    }

    /// One page of a listing in an order that is not by name (the caller's own order), so the
    /// marker carries the position instead of a sort key.
    static func page<Element: Sendable>(inOrder items: [Element], _ marker: String?, _ maxItems: Int?) throws -> Page<Element> {
        let positioned = try page(Array(items.enumerated()), marker, maxItems) { Self.ascendingKey($0.offset) }
        return Page(items: positioned.items.map(\.element), nextMarker: positioned.nextMarker)
    }

    /// A fixed-width key, so keys compare as their numbers do.
    static func ascendingKey(_ number: Int) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, 19 - digits.count)) + digits
    }
}
