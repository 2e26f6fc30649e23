import AWSWire
import Foundation
import GRDB
import Policy
import State

/// AWS Security Token Service: who is calling, and temporary credentials.
public struct STSService: AWSService {
    public let signingName = "sts"
    public let validationStyle = ValidationStyle.coral(code: "ValidationError")
    public internal(set) var operations = OperationTable()
    let store: Store

    public init(store: Store) {
        self.store = store
        registerIdentity()
        registerAssumeRole()
        registerSessionToken()
    }
}

enum STSError {
    static func accessDenied(_ message: String) -> AWSError { AWSError(code: "AccessDenied", status: 403, message: message) }
    static func validation(_ message: String) -> AWSError { AWSError(code: "ValidationError", status: 400, message: message) }
    static func malformedPolicyDocument(_ message: String) -> AWSError { AWSError(code: "MalformedPolicyDocument", status: 400, message: message) }
    static func packedPolicyTooLarge(_ message: String) -> AWSError { AWSError(code: "PackedPolicyTooLarge", status: 400, message: message) }
}

struct CredentialsShape: Encodable, Sendable {
    var accessKeyId: String
    var secretAccessKey: String
    var sessionToken: String
    var expiration: Date

    init(_ session: STSSession) {
        accessKeyId = session.accessKeyId
        secretAccessKey = session.secretAccessKey
        sessionToken = session.sessionToken
        expiration = session.expiration
    }
}

struct GetCallerIdentityResponse: Encodable, Sendable {
    var userId: String
    var account: String
    var arn: String
}

struct GetAccessKeyInfoRequest: Decodable, Sendable {
    var accessKeyId: String
}

struct GetAccessKeyInfoResponse: Encodable, Sendable {
    var account: String
}

extension STSService {
    mutating func registerIdentity() {
        let store = self.store
        operations.on("GetCallerIdentity") { (_: Empty, call) -> GetCallerIdentityResponse in
            GetCallerIdentityResponse(userId: call.caller.userId, account: call.accountId, arn: call.caller.arn)
        }

        operations.on("GetAccessKeyInfo") { (input: GetAccessKeyInfoRequest, call) -> GetAccessKeyInfoResponse in
            let key = input.accessKeyId
            let account = try await store.read { db -> String? in
                if let issued = try IAMAccessKey.withId(key).fetchOne(db) { return issued.accountId }
                return try STSSession.withId(key).fetchOne(db)?.accountId
            }
            let fallback = key.count == 12 && key.allSatisfy(\.isNumber) ? key : Authenticator.defaultAccountId
            return GetAccessKeyInfoResponse(account: account ?? fallback)
        }
    }
}
