import AWSWire
import Foundation
import GRDB
import Kerberos
import State

extension DirectoryServiceData {
    struct CreateUserRequest: Decodable, Sendable {
        var directoryId: String
        var samAccountName: String
        var givenName: String?
        var surname: String?
        var emailAddress: String?
        var otherAttributes: [String: AttributeValue]?
        var clientToken: String?
    }

    struct CreatedObjectResponse: Encodable, Sendable {
        var directoryId: String
        var samAccountName: String
        var sid: String
    }

    struct ObjectRequest: Decodable, Sendable {
        var directoryId: String
        var samAccountName: String
        var realm: String?
        var otherAttributes: [String]?
        var clientToken: String?
    }

    struct DescribeUserResponse: Encodable, Sendable {
        var directoryId: String
        var distinguishedName: String
        var emailAddress: String?
        var enabled: Bool
        var givenName: String?
        var otherAttributes: [String: AttributeValue]?
        var realm: String
        var samAccountName: String
        var sid: String
        var surname: String?
        var userPrincipalName: String
    }

    struct ListRequest: Decodable, Sendable {
        var directoryId: String
        var realm: String?
        var maxResults: Int?
        var nextToken: String?
    }

    struct SearchRequest: Decodable, Sendable {
        var directoryId: String
        var realm: String?
        var searchAttributes: [String]
        var searchString: String
        var maxResults: Int?
        var nextToken: String?
    }

    struct UserSummaryShape: Encodable, Sendable {
        var enabled: Bool
        var givenName: String?
        var samAccountName: String
        var sid: String
        var surname: String?

        init(_ user: DSUser) {
            enabled = user.enabled
            givenName = user.givenName
            samAccountName = user.samAccountName
            sid = user.sid
            surname = user.surname
        }
    }

    struct ListUsersResponse: Encodable, Sendable {
        var directoryId: String
        var nextToken: String?
        var realm: String
        var users: [UserSummaryShape]
    }

    struct UserShape: Encodable, Sendable {
        var distinguishedName: String
        var emailAddress: String?
        var enabled: Bool
        var givenName: String?
        var otherAttributes: [String: AttributeValue]?
        var samAccountName: String
        var sid: String
        var surname: String?
        var userPrincipalName: String
    }

    struct SearchUsersResponse: Encodable, Sendable {
        var directoryId: String
        var nextToken: String?
        var realm: String
        var users: [UserShape]
    }

    struct UpdateUserRequest: Decodable, Sendable {
        var directoryId: String
        var samAccountName: String
        var givenName: String?
        var surname: String?
        var emailAddress: String?
        var otherAttributes: [String: AttributeValue]?
        var updateType: String?
        var clientToken: String?
    }
}

extension DirectoryServiceData {
    mutating func registerUsers() {
        let store = self.store, realms = self.realms
        operations.on("CreateUser") { (input: CreateUserRequest, call) -> CreatedObjectResponse in
            let fingerprint = "\(input.samAccountName)|\(input.givenName ?? "")|\(input.surname ?? "")|\(input.emailAddress ?? "")"
            let (directory, user, replayed) = try await store.write { db -> (DSDirectory, DSUser, Bool) in
                let directory = try DataAccessGate.directory(input.directoryId, call, db)
                if try DataAccessGate.isReplay(input.clientToken, directoryId: directory.directoryId, operation: "CreateUser", fingerprint: fingerprint, now: call.now, db),
                   let existing = try DSUser.named(input.samAccountName, in: directory.directoryId).fetchOne(db) {
                    return (directory, existing, true)
                }
                if try DSUser.named(input.samAccountName, in: directory.directoryId).fetchOne(db) != nil
                    || DSGroup.named(input.samAccountName, in: directory.directoryId).fetchOne(db) != nil {
                    throw DSDataError.conflict("An object named \(input.samAccountName) already exists in directory \(directory.directoryId).")
                }
                let user = DSUser(
                    directoryId: directory.directoryId, samAccountName: input.samAccountName,
                    sid: try SecurityIdentifiers.next(in: directory.directoryId, db), givenName: input.givenName,
                    surname: input.surname, emailAddress: input.emailAddress, enabled: false,
                    otherAttributes: input.otherAttributes ?? [:], createdAt: call.now, passwordLastSet: nil)
                try user.insert(db)
                return (directory, user, false)
            }
            if !replayed {
                // No password yet: random keys and no tickets until ResetUserPassword sets one.
                do {
                    try await realms.kadmin(directory, [.addPrincipal("\(user.samAccountName)@\(directory.realm)", password: nil, ticketsAllowed: false)])
                } catch {
                    try? await store.write { db in _ = try user.delete(db) }
                    throw DSDataError.internalError("The user could not be created in the directory: \(error)")
                }
            }
            return CreatedObjectResponse(directoryId: directory.directoryId, samAccountName: user.samAccountName, sid: user.sid)
        }

        operations.on("DescribeUser") { (input: ObjectRequest, call) -> DescribeUserResponse in
            try await store.read { db in
                let directory = try DataAccessGate.directory(input.directoryId, call, db)
                let owner = try DataAccessGate.realmDirectory(input.realm, of: directory, db)
                guard let user = try DSUser.named(input.samAccountName, in: owner.directoryId).fetchOne(db) else {
                    throw DSDataError.notFound("User \(input.samAccountName) does not exist in \(owner.name).")
                }
                let shape = Self.shape(of: user, in: owner, attributes: input.otherAttributes)
                return DescribeUserResponse(
                    directoryId: directory.directoryId, distinguishedName: shape.distinguishedName, emailAddress: user.emailAddress,
                    enabled: user.enabled, givenName: user.givenName, otherAttributes: shape.otherAttributes, realm: owner.name,
                    samAccountName: user.samAccountName, sid: user.sid, surname: user.surname, userPrincipalName: shape.userPrincipalName)
            }
        }

        operations.on("ListUsers") { (input: ListRequest, call) -> ListUsersResponse in
            let (directory, owner, users) = try await store.read { db in
                let directory = try DataAccessGate.directory(input.directoryId, call, db)
                let owner = try DataAccessGate.realmDirectory(input.realm, of: directory, db)
                return (directory, owner, try DSUser.listed(in: owner.directoryId).fetchAll(db))
            }
            let page = try DataAccessGate.page(users, token: input.nextToken, maxResults: input.maxResults)
            return ListUsersResponse(directoryId: directory.directoryId, nextToken: page.next, realm: owner.name, users: page.items.map(UserSummaryShape.init))
        }

        operations.on("SearchUsers") { (input: SearchRequest, call) -> SearchUsersResponse in
            let (directory, owner, users) = try await store.read { db in
                let directory = try DataAccessGate.directory(input.directoryId, call, db)
                let owner = try DataAccessGate.realmDirectory(input.realm, of: directory, db)
                return (directory, owner, try DSUser.listed(in: owner.directoryId).fetchAll(db))
            }
            let needle = input.searchString.lowercased()
            let matches = try users.filter { user in
                try input.searchAttributes.contains { attribute in
                    try Self.searchableValue(of: user, attribute)?.lowercased().contains(needle) ?? false
                }
            }
            let page = try DataAccessGate.page(matches, token: input.nextToken, maxResults: input.maxResults)
            return SearchUsersResponse(directoryId: directory.directoryId, nextToken: page.next, realm: owner.name,
                                       users: page.items.map { Self.shape(of: $0, in: owner, attributes: nil) })
        }

        operations.on("UpdateUser") { (input: UpdateUserRequest, call) -> Empty in
            let fingerprint = "\(input.samAccountName)|\(input.updateType ?? "")|\(input.givenName ?? "")|\(input.surname ?? "")|\(input.emailAddress ?? "")"
            try await store.write { db in
                let directory = try DataAccessGate.directory(input.directoryId, call, db)
                if try DataAccessGate.isReplay(input.clientToken, directoryId: directory.directoryId, operation: "UpdateUser", fingerprint: fingerprint, now: call.now, db) { return }
                guard var user = try DSUser.named(input.samAccountName, in: directory.directoryId).fetchOne(db) else {
                    throw DSDataError.notFound("User \(input.samAccountName) does not exist.")
                }
                switch input.updateType ?? "REPLACE" {
                case "REMOVE":
                    if input.givenName != nil { user.givenName = nil }
                    if input.surname != nil { user.surname = nil }
                    if input.emailAddress != nil { user.emailAddress = nil }
                    for name in (input.otherAttributes ?? [:]).keys { user.otherAttributes.removeValue(forKey: name) }
                case "ADD":
                    if (input.givenName != nil && user.givenName != nil) || (input.surname != nil && user.surname != nil)
                        || (input.emailAddress != nil && user.emailAddress != nil)
                        || (input.otherAttributes ?? [:]).keys.contains(where: { user.otherAttributes[$0] != nil }) {
                        throw DSDataError.validation("An attribute to add already has a value; use REPLACE.", reason: "ATTRIBUTE_EXISTS")
                    }
                    fallthrough
                default:
                    user.givenName = input.givenName ?? user.givenName
                    user.surname = input.surname ?? user.surname
                    user.emailAddress = input.emailAddress ?? user.emailAddress
                    user.otherAttributes.merge(input.otherAttributes ?? [:]) { _, new in new }
                }
                try user.update(db)
            }
            return Empty()
        }

        operations.on("DisableUser") { (input: ObjectRequest, call) -> Empty in
            let (directory, user) = try await Self.userForChange(input, operation: "DisableUser", call, store)
            guard let user else { return Empty() }
            try await realms.kadmin(directory, [.setTicketsAllowed("\(user.samAccountName)@\(directory.realm)", false)])
            try await store.write { db in
                guard var current = try DSUser.named(user.samAccountName, in: directory.directoryId).fetchOne(db) else { return }
                current.enabled = false
                try current.update(db)
            }
            return Empty()
        }

        operations.on("DeleteUser") { (input: ObjectRequest, call) -> Empty in
            let (directory, user) = try await Self.userForChange(input, operation: "DeleteUser", call, store)
            guard let user else { return Empty() }
            guard user.samAccountName.lowercased() != directory.adminUserName.lowercased() else {
                throw DSDataError.accessDenied("The directory's \(directory.adminUserName) account is managed by AWS and cannot be deleted.", reason: "DIRECTORY_AUTH")
            }
            do {
                try await realms.kadmin(directory, [.deletePrincipal("\(user.samAccountName)@\(directory.realm)")])
            } catch let error as KerberosError where error.description.contains("does not exist") {
                // The principal is already gone; the user row follows.
            }
            try await store.write { db in
                try DSGroupMember.filter(Column("directoryId") == directory.directoryId && Column("memberName") == user.samAccountName
                                         && Column("memberRealm") == directory.realm).deleteAll(db)
                _ = try user.delete(db)
            }
            return Empty()
        }
    }

    /// The user a DisableUser or DeleteUser names, or nil for a replayed request.
    static func userForChange(_ input: ObjectRequest, operation: String, _ call: CallContext, _ store: Store) async throws -> (DSDirectory, DSUser?) {
        try await store.write { db in
            let directory = try DataAccessGate.directory(input.directoryId, call, db)
            if try DataAccessGate.isReplay(input.clientToken, directoryId: directory.directoryId, operation: operation,
                                           fingerprint: input.samAccountName, now: call.now, db) {
                return (directory, nil)
            }
            guard let user = try DSUser.named(input.samAccountName, in: directory.directoryId).fetchOne(db) else {
                throw DSDataError.notFound("User \(input.samAccountName) does not exist.")
            }
            return (directory, user)
        }
    }

    static func shape(of user: DSUser, in directory: DSDirectory, attributes: [String]?) -> UserShape {
        let builtIn: [String: AttributeValue] = [
            "samaccountname": AttributeValue(s: user.samAccountName),
            "userprincipalname": AttributeValue(s: "\(user.samAccountName)@\(directory.realm)"),
            "distinguishedname": AttributeValue(s: DataAccessGate.distinguishedName(user.samAccountName, in: directory)),
            "objectsid": AttributeValue(s: user.sid),
            "givenname": user.givenName.map { AttributeValue(s: $0) },
            "sn": user.surname.map { AttributeValue(s: $0) },
            "mail": user.emailAddress.map { AttributeValue(s: $0) },
        ].compactMapValues { $0 }
        var other: [String: AttributeValue]?
        if let attributes {
            other = [:]
            for name in attributes {
                if let value = user.otherAttributes.first(where: { $0.key.lowercased() == name.lowercased() })?.value ?? builtIn[name.lowercased()] {
                    other?[name] = value
                }
            }
        }
        return UserShape(
            distinguishedName: DataAccessGate.distinguishedName(user.samAccountName, in: directory), emailAddress: user.emailAddress,
            enabled: user.enabled, givenName: user.givenName, otherAttributes: other, samAccountName: user.samAccountName,
            sid: user.sid, surname: user.surname, userPrincipalName: "\(user.samAccountName)@\(directory.realm)")
    }

    /// The value SearchUsers compares for an attribute name (LDAP or ds-data spelling).
    static func searchableValue(of user: DSUser, _ attribute: String) throws -> String? {
        switch attribute.lowercased() {
        case "samaccountname": return user.samAccountName
        case "givenname": return user.givenName
        case "surname", "sn": return user.surname
        case "emailaddress", "mail": return user.emailAddress
        case "userprincipalname": return user.samAccountName
        default:
            guard let value = user.otherAttributes.first(where: { $0.key.lowercased() == attribute.lowercased() })?.value else {
                throw DSDataError.validation("The attribute \(attribute) cannot be searched.", reason: "INVALID_ATTRIBUTE_FOR_SEARCH")
            }
            return value.s ?? value.ss?.joined(separator: " ") ?? value.n.map(String.init) ?? value.bool.map { $0 ? "true" : "false" }
        }
    }
}
