import AWSWire
import Foundation
import GRDB
import State

struct CreateGroupRequest: Decodable, Sendable {
    var path: String?
    var groupName: String
}

struct GroupResponse: Encodable, Sendable {
    var group: GroupShape
}

struct GroupNameRequest: Decodable, Sendable {
    var groupName: String
}

struct GetGroupRequest: Decodable, Sendable {
    var groupName: String
    var marker: String?
    var maxItems: Int?
}

struct GetGroupResponse: Encodable, Sendable {
    var group: GroupShape
    var users: [UserShape]
    var isTruncated: Bool
    var marker: String?
}

struct ListGroupsRequest: Decodable, Sendable {
    var pathPrefix: String?
    var marker: String?
    var maxItems: Int?
}

struct ListGroupsResponse: Encodable, Sendable {
    var groups: [GroupShape]
    var isTruncated: Bool
    var marker: String?
}

struct UpdateGroupRequest: Decodable, Sendable {
    var groupName: String
    var newPath: String?
    var newGroupName: String?
}

struct GroupMemberRequest: Decodable, Sendable {
    var groupName: String
    var userName: String
}

struct ListGroupsForUserRequest: Decodable, Sendable {
    var userName: String
    var marker: String?
    var maxItems: Int?
}

extension IAMService {
    static let groupsPerUser = 10

    mutating func registerGroups() {
        let store = self.store
        operations.on("CreateGroup") { (input: CreateGroupRequest, call) -> GroupResponse in
            let group = try await store.write { db in
                if try IAMGroup.named(input.groupName, in: call.accountId).fetchOne(db) != nil {
                    throw IAMError.entityAlreadyExists("Group with name \(input.groupName) already exists.")
                }
                let group = IAMGroup(groupId: Identifiers.iamUniqueID(prefix: "AGPA"), accountId: call.accountId,
                                     groupName: input.groupName, path: input.path ?? "/", createDate: call.now)
                try group.insert(db)
                return group
            }
            return GroupResponse(group: GroupShape(group))
        }

        operations.on("GetGroup") { (input: GetGroupRequest, call) -> GetGroupResponse in
            let (group, users) = try await store.read { db in
                let group = try IAMLookup.group(input.groupName, call.accountId, db)
                let users = try IAMUser
                    .filter(sql: "userId IN (SELECT userId FROM \(IAMGroupMembership.databaseTableName) WHERE groupId = ?)", arguments: [group.groupId])
                    .order(Column("userName").collating(.nocase)).fetchAll(db)
                return (group, users)
            }
            let page = try Self.page(users, input.marker, input.maxItems) { $0.userName }
            return GetGroupResponse(group: GroupShape(group), users: page.items.map { UserShape($0, detailed: false) },
                                    isTruncated: page.isTruncated, marker: page.nextMarker)
        }

        operations.on("ListGroups") { (input: ListGroupsRequest, call) -> ListGroupsResponse in
            let groups = try await store.read { db in
                try IAMGroup.listed(in: call.accountId).fetchAll(db)
            }.filter { $0.path.hasPrefix(input.pathPrefix ?? "/") }
            let page = try Self.page(groups, input.marker, input.maxItems) { $0.groupName }
            return ListGroupsResponse(groups: page.items.map(GroupShape.init), isTruncated: page.isTruncated, marker: page.nextMarker)
        }

        operations.on("UpdateGroup") { (input: UpdateGroupRequest, call) -> Empty in
            try await store.write { db in
                var group = try IAMLookup.group(input.groupName, call.accountId, db)
                if let newName = input.newGroupName, newName.lowercased() != group.groupName.lowercased(),
                   try IAMGroup.named(newName, in: call.accountId).fetchOne(db) != nil {
                    throw IAMError.entityAlreadyExists("Group with name \(newName) already exists.")
                }
                group.groupName = input.newGroupName ?? group.groupName
                group.path = input.newPath ?? group.path
                try group.update(db)
            }
            return Empty()
        }

        operations.on("DeleteGroup") { (input: GroupNameRequest, call) -> Empty in
            try await store.write { db in
                let group = try IAMLookup.group(input.groupName, call.accountId, db)
                if try IAMGroupMembership.filter(Column("groupId") == group.groupId).fetchCount(db) > 0 {
                    throw IAMError.deleteConflict("Cannot delete entity, must remove users from group first.")
                }
                if try IAMPolicyAttachment.on(group.groupId).fetchCount(db) > 0 {
                    throw IAMError.deleteConflict("Cannot delete entity, must detach all policies first.")
                }
                if try IAMInlinePolicy.on(group.groupId).fetchCount(db) > 0 {
                    throw IAMError.deleteConflict("Cannot delete entity, must delete policies first.")
                }
                try group.delete(db)
            }
            return Empty()
        }

        operations.on("AddUserToGroup") { (input: GroupMemberRequest, call) -> Empty in
            try await store.write { db in
                let group = try IAMLookup.group(input.groupName, call.accountId, db)
                let user = try IAMLookup.user(input.userName, call.accountId, db)
                let memberships = IAMGroupMembership.filter(Column("userId") == user.userId)
                if try memberships.filter(Column("groupId") == group.groupId).fetchCount(db) > 0 { return }
                if try memberships.fetchCount(db) >= Self.groupsPerUser {
                    throw IAMError.limitExceeded("Cannot exceed quota for GroupsPerUser: \(Self.groupsPerUser)")
                }
                try IAMGroupMembership(groupId: group.groupId, userId: user.userId, addedAt: call.now).insert(db)
            }
            return Empty()
        }

        operations.on("RemoveUserFromGroup") { (input: GroupMemberRequest, call) -> Empty in
            try await store.write { db in
                let group = try IAMLookup.group(input.groupName, call.accountId, db)
                let user = try IAMLookup.user(input.userName, call.accountId, db)
                let deleted = try IAMGroupMembership
                    .filter(Column("userId") == user.userId && Column("groupId") == group.groupId).deleteAll(db)
                if deleted == 0 {
                    throw IAMError.noSuchEntity("The user with name \(user.userName) cannot be found in group \(group.groupName).")
                }
            }
            return Empty()
        }

        operations.on("ListGroupsForUser") { (input: ListGroupsForUserRequest, call) -> ListGroupsResponse in
            let groups = try await store.read { db in
                let user = try IAMLookup.user(input.userName, call.accountId, db)
                return try Self.groups(of: user.userId, db)
            }
            let page = try Self.page(groups, input.marker, input.maxItems) { $0.groupName }
            return ListGroupsResponse(groups: page.items.map(GroupShape.init), isTruncated: page.isTruncated, marker: page.nextMarker)
        }
    }

    static func groups(of userId: String, _ db: Database) throws -> [IAMGroup] {
        try IAMGroup
            .filter(sql: "groupId IN (SELECT groupId FROM \(IAMGroupMembership.databaseTableName) WHERE userId = ?)", arguments: [userId])
            .order(Column("groupName").collating(.nocase)).fetchAll(db)
    }
}
