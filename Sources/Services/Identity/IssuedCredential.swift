import Foundation
import GRDB
import State

/// An access key Kerbside issued: a user's long-term key or an STS session, with what it needs
/// to become a `Caller`.
enum IssuedCredential {
    case userKey(IAMAccessKey, IAMUser)
    case session(STSSession, role: IAMRole?)

    static func find(_ accessKeyId: String, in db: Database) throws -> IssuedCredential? {
        if accessKeyId.hasPrefix("AKIA") {
            guard let key = try IAMAccessKey.withId(accessKeyId).fetchOne(db),
                  let user = try IAMUser.withId(key.userId).fetchOne(db)
            else { return nil }
            return .userKey(key, user)
        }
        guard let session = try STSSession.withId(accessKeyId).fetchOne(db) else { return nil }
        let role = try session.roleId.flatMap { try IAMRole.withId($0).fetchOne(db) }
        return .session(session, role: role)
    }

    var secret: String {
        switch self {
        case .userKey(let key, _): return key.secretAccessKey
        case .session(let session, _): return session.secretAccessKey
        }
    }

    func caller(presentedToken: String?, now: Date) throws(AuthFailure) -> Caller {
        switch self {
        case .userKey(let key, let user):
            guard key.status == .active else { throw .invalidClientTokenId }
            return Caller(kind: .user(userId: user.userId, userName: user.userName), accountId: user.accountId,
                          arn: user.arn, userId: user.userId, accessKeyId: key.accessKeyId)
        case .session(let session, let role):
            guard presentedToken == session.sessionToken else { throw .invalidClientTokenId }
            guard now < session.expiration else { throw .expiredToken }
            switch session.kind {
            case .assumedRole:
                let roleName = role?.roleName ?? session.principalArn.split(separator: "/").dropFirst().first.map(String.init) ?? ""
                return Caller(
                    kind: .assumedRole(roleId: session.roleId ?? "", roleName: roleName, sessionName: session.sessionName ?? ""),
                    accountId: session.accountId, arn: session.principalArn, userId: session.userId,
                    accessKeyId: session.accessKeyId, sessionAccessKeyId: session.accessKeyId,
                    principalArn: role?.arn ?? "arn:aws:iam::\(session.accountId):role/\(roleName)"
                )
            case .sessionToken:
                if let userId = session.sourceUserId {
                    let userName = session.principalArn.split(separator: "/").last.map(String.init) ?? ""
                    return Caller(kind: .user(userId: userId, userName: userName), accountId: session.accountId,
                                  arn: session.principalArn, userId: session.userId, accessKeyId: session.accessKeyId,
                                  sessionAccessKeyId: session.accessKeyId)
                }
                return Caller(kind: .root, accountId: session.accountId, arn: session.principalArn, userId: session.userId,
                              accessKeyId: session.accessKeyId, sessionAccessKeyId: session.accessKeyId)
            }
        }
    }
}
