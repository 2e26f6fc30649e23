import AWSWire
import Foundation
import GRDB
import State

struct GetSessionTokenRequest: Decodable, Sendable {
    var durationSeconds: Int?
}

struct GetSessionTokenResponse: Encodable, Sendable {
    var credentials: CredentialsShape
}

extension STSService {
    static let defaultSessionTokenDuration = 43_200
    static let rootSessionTokenLimit = 3600

    mutating func registerSessionToken() {
        let store = self.store
        operations.on("GetSessionToken") { (input: GetSessionTokenRequest, call) -> GetSessionTokenResponse in
            let caller = call.caller
            if caller.sessionAccessKeyId != nil {
                throw STSError.accessDenied("Cannot call GetSessionToken with session credentials")
            }
            let sourceUserId: String?
            switch caller.kind {
            case .user(let userId, _): sourceUserId = userId
            case .root: sourceUserId = nil
            case .assumedRole, .anonymous: throw STSError.accessDenied("Cannot call GetSessionToken with session credentials")
            }
            var duration = input.durationSeconds ?? Self.defaultSessionTokenDuration
            if case .root = caller.kind { duration = min(duration, Self.rootSessionTokenLimit) }
            let session = STSSession(
                accessKeyId: Identifiers.accessKeyID(temporary: true), accountId: caller.accountId,
                secretAccessKey: Identifiers.secretAccessKey(), sessionToken: Identifiers.sessionToken(), kind: .sessionToken,
                principalArn: caller.arn, userId: caller.userId, roleId: nil, sourceUserId: sourceUserId, sessionName: nil,
                sessionPolicy: nil, sessionPolicyArns: [], tags: [], sourceIdentity: nil, isRoleChained: false,
                createdAt: call.now, expiration: call.now.addingTimeInterval(TimeInterval(duration)))
            try await store.write { db in try session.insert(db) }
            return GetSessionTokenResponse(credentials: CredentialsShape(session))
        }
    }
}
