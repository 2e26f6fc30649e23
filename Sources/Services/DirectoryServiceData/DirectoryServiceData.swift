import AWSWire
import Foundation
import GRDB
import State

/// AWS Directory Service Data: users and groups of a directory whose data access is enabled.
/// Every user is a principal `sam@REALM`; it gets tickets once ResetUserPassword gives it a
/// password, and not while disabled.
public struct DirectoryServiceData: AWSService {
    public let signingName = "ds-data"
    public let validationStyle = ValidationStyle.coral(code: "ValidationException")
    public internal(set) var operations = OperationTable()
    let store: Store
    let realms: RealmHost

    public init(store: Store, realms: RealmHost) {
        self.store = store
        self.realms = realms
        registerUsers()
        registerGroups()
        registerMemberships()
    }
}

enum DSDataError {
    static func accessDenied(_ message: String, reason: String) -> AWSError {
        AWSError(code: "AccessDeniedException", status: 403, message: message, fields: ["Reason": .string(reason)])
    }
    static func conflict(_ message: String) -> AWSError { AWSError(code: "ConflictException", status: 409, message: message) }
    static func notFound(_ message: String) -> AWSError { AWSError(code: "ResourceNotFoundException", status: 404, message: message) }
    static func validation(_ message: String, reason: String) -> AWSError {
        AWSError(code: "ValidationException", status: 400, message: message, fields: ["Reason": .string(reason)])
    }
    static func unavailable(_ message: String) -> AWSError {
        AWSError(code: "DirectoryUnavailableException", status: 400, message: message, fields: ["Reason": .string("INVALID_DIRECTORY_STATE")])
    }
    static func internalError(_ message: String) -> AWSError { AWSError(code: "InternalServerException", status: 500, message: message) }
}

/// The checks every ds-data call passes first, as AWS makes them.
enum DataAccessGate {
    static func directory(_ id: String, _ call: CallContext, _ db: Database) throws -> DSDirectory {
        guard let directory = try? DirectoryLookup.directory(id, call, db), directory.hostsRealm else {
            throw DSDataError.accessDenied("You do not have access to directory \(id).", reason: "DIRECTORY_AUTH")
        }
        guard directory.dataAccessStatus == "Enabled" else {
            throw DSDataError.accessDenied("Directory data access is not enabled for \(id). Call ds:EnableDirectoryDataAccess first.", reason: "DATA_DISABLED")
        }
        guard directory.stage == "Active" else {
            throw DSDataError.unavailable("Directory \(id) is \(directory.stage).")
        }
        return directory
    }

    /// The directory whose objects a read names through `Realm`: the directory itself, or a
    /// directory it trusts (reads reach trusted realms; writes never do).
    static func realmDirectory(_ realm: String?, of directory: DSDirectory, _ db: Database) throws -> DSDirectory {
        guard let realm, realm.lowercased() != directory.name.lowercased() else { return directory }
        let trusted = try DSTrust.of(directory.directoryId).fetchAll(db).contains { $0.remoteDomainName.lowercased() == realm.lowercased() }
        guard trusted, let remote = try DSDirectory.fetchAll(db).first(where: { $0.hostsRealm && $0.name.lowercased() == realm.lowercased() }) else {
            throw DSDataError.validation("Realm \(realm) is neither this directory's domain nor one it trusts.", reason: "INVALID_REALM")
        }
        return remote
    }

    /// `CN=alice,OU=Users,OU=CORP,DC=corp,DC=example,DC=com`: where AWS puts customer objects.
    static func distinguishedName(_ name: String, in directory: DSDirectory) -> String {
        let domain = directory.name.split(separator: ".").map { "DC=\($0)" }.joined(separator: ",")
        return "CN=\(name),OU=Users,OU=\(directory.shortName),\(domain)"
    }

    /// ds-data pages with an opaque token and `MaxResults`.
    static func page<Element: Sendable>(_ items: [Element], token: String?, maxResults: Int?) throws -> (items: [Element], next: String?) {
        var start = 0
        if let token {
            guard let data = Data(base64Encoded: token), let offset = Int(String(decoding: data, as: UTF8.self)), offset >= 0 else {
                throw DSDataError.validation("The NextToken is not valid.", reason: "INVALID_NEXT_TOKEN")
            }
            start = min(offset, items.count)
        }
        let end = min(items.count, start + (maxResults ?? 250))
        return (Array(items[start..<end]), end < items.count ? Data(String(end).utf8).base64EncodedString() : nil)
    }

    /// Replays of a write with the same `ClientToken` within 8 hours are answered without doing
    /// it again; the same token on a different request is a conflict.
    static func isReplay(_ token: String?, directoryId: String, operation: String, fingerprint: String, now: Date, _ db: Database) throws -> Bool {
        guard let token else { return false }
        try DSClientToken.filter(Column("usedAt") < now.addingTimeInterval(-8 * 3600)).deleteAll(db)
        if let previous = try DSClientToken.fetchOne(db, key: ["directoryId": directoryId, "clientToken": token]) {
            guard previous.operation == operation, previous.fingerprint == fingerprint else {
                throw DSDataError.conflict("The ClientToken \(token) was already used for a different request.")
            }
            return true
        }
        try DSClientToken(directoryId: directoryId, clientToken: token, operation: operation, fingerprint: fingerprint, usedAt: now).insert(db)
        return false
    }
}
