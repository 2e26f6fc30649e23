import AWSWire
import Foundation
import GRDB
import Policy
import SigV4
import State

/// One login to check: the token presented as the password, and what it must be for.
public struct IAMTokenCheck: Sendable {
    public var token: String
    /// The database user logging in; the token's `DBUser` must equal it exactly.
    public var dbUser: String
    /// The endpoint addresses the token may name (compared ignoring case).
    public var hostNames: [String]
    public var port: Int
    /// The instance's account and region.
    public var accountId: String
    public var region: String
    /// The instance's `DbiResourceId` (`db-…`).
    public var resourceId: String

    public init(token: String, dbUser: String, hostNames: [String], port: Int, accountId: String, region: String, resourceId: String) {
        self.token = token
        self.dbUser = dbUser
        self.hostNames = hostNames
        self.port = port
        self.accountId = accountId
        self.region = region
        self.resourceId = resourceId
    }

    /// `arn:aws:rds-db:<region>:<account>:dbuser:<resource id>/<db user>`, what `rds-db:connect`
    /// is granted on.
    public var resourceArn: String {
        "arn:aws:rds-db:\(region):\(accountId):dbuser:\(resourceId)/\(dbUser)"
    }
}

public enum IAMTokenVerdict: Sendable, Equatable {
    /// `callerArn` is who signed (a user, or an assumed-role session).
    case allowed(callerArn: String)
    /// The reason names what to fix; it never contains the token or its signature.
    case refused(reason: String)
}

/// Decides IAM database logins as RDS does: the token is well formed, for this user, endpoint
/// and region, unexpired, signed by a key Kerbside issued, by an identity of the instance's
/// account whose identity-based policies allow `rds-db:connect` on the user's ARN.
///
/// Unlike API calls, unknown access keys are refused: a login proves nothing unless its
/// signature is verified.
public struct IAMTokenVerifier: Sendable {
    public static let action = "rds-db:connect"
    /// `X-Amz-Expires` of every token botocore generates; longer ones are refused.
    public static let maximumLifetime = 900

    private let store: Store

    public init(store: Store) {
        self.store = store
    }

    public func verify(_ check: IAMTokenCheck, now: Date) async -> IAMTokenVerdict {
        do {
            return .allowed(callerArn: try await authorize(check, now: now))
        } catch let refusal as IAMTokenRefusal {
            return .refused(reason: refusal.reason)
        } catch {
            return .refused(reason: "Kerbside could not read its state to check the token")
        }
    }

    private func authorize(_ check: IAMTokenCheck, now: Date) async throws -> String {
        let token = try IAMToken(parsing: check.token)
        try Self.checkTarget(token, check)
        try Self.checkTime(token.claim, now: now)

        let keyId = token.claim.accessKeyID
        let issued = keyId.count == 20 && (keyId.hasPrefix("AKIA") || keyId.hasPrefix("ASIA"))
        guard issued, let credential = try await store.read({ db in try IssuedCredential.find(keyId, in: db) }) else {
            throw IAMTokenRefusal("access key \(keyId) is not one Kerbside issued; IAM database authentication verifies every "
                + "signature, so sign with a key from iam create-access-key or from STS (API calls accept any key, logins do not)")
        }
        guard SignatureV4.isValid(token.claim, for: token.signableRequest, secret: credential.secret) else {
            throw IAMTokenRefusal("the token's signature does not match: it was not signed with the secret of access key \(keyId) "
                + "for this host, port, user and region")
        }
        let caller = try Self.caller(of: credential, token.claim, now: now)
        guard caller.accountId == check.accountId else {
            throw IAMTokenRefusal("\(caller.arn) belongs to account \(caller.accountId), not to the instance's account "
                + "\(check.accountId); connect through a role of account \(check.accountId)")
        }

        let resource = check.resourceArn
        let region = check.region
        let decision = try await store.read { db in
            let request = AuthorizationRequest(
                action: Self.action, resource: resource,
                principal: .aws(arn: caller.principalArn, account: caller.accountId),
                context: try Self.requestContext(caller, credential: credential, region: region, now: now, db))
            return try IdentityPolicies.of(caller, db).decision(request)
        }
        switch decision {
        case .allow:
            return caller.arn
        case .explicitDeny:
            throw IAMTokenRefusal("an explicit Deny in the identity-based policies of \(caller.arn) refuses \(Self.action) on \(resource)")
        case .implicitDeny:
            throw IAMTokenRefusal("no identity-based policy of \(caller.arn) allows \(Self.action) on \(resource)")
        }
    }

    /// Action, user, endpoint and credential scope.
    private static func checkTarget(_ token: IAMToken, _ check: IAMTokenCheck) throws(IAMTokenRefusal) {
        guard let action = token.parameter("Action") else { throw IAMTokenRefusal("the token has no Action=connect") }
        guard action == "connect" else { throw IAMTokenRefusal("the token is for Action=\(action), not connect") }
        guard let user = token.parameter("DBUser") else { throw IAMTokenRefusal("the token has no DBUser") }
        guard user == check.dbUser else {
            throw IAMTokenRefusal("the token is for database user \"\(user)\", but the login is for \"\(check.dbUser)\" (user names are case-sensitive)")
        }
        guard check.hostNames.contains(where: { $0.lowercased() == token.host.lowercased() }) else {
            let expected = check.hostNames.joined(separator: " or ")
            throw IAMTokenRefusal("the token was generated for host \(token.host), not for this instance's endpoint \(expected)")
        }
        guard token.port == check.port else {
            throw IAMTokenRefusal("the token was generated for port \(token.port), but the instance listens on \(check.port)")
        }
        let scope = token.claim.scope
        guard scope.service == "rds-db" else {
            throw IAMTokenRefusal("the token is signed for service \(scope.service); IAM authentication tokens are signed for rds-db")
        }
        guard scope.region == check.region else {
            throw IAMTokenRefusal("the token is signed for region \(scope.region), but the instance is in \(check.region)")
        }
        guard token.claim.amzDate.hasPrefix(scope.date) else {
            throw IAMTokenRefusal("the credential scope date \(scope.date) is not the date of X-Amz-Date \(token.claim.amzDate)")
        }
        guard token.claim.signedHeaders == ["host"] else {
            throw IAMTokenRefusal("the token must sign exactly the host header (X-Amz-SignedHeaders=host)")
        }
    }

    /// Valid from five minutes before `X-Amz-Date` (clock skew) until `X-Amz-Expires` after it.
    private static func checkTime(_ claim: SignatureClaim, now: Date) throws(IAMTokenRefusal) {
        guard let lifetime = claim.expiresIn else { throw IAMTokenRefusal("the token has no X-Amz-Expires") }
        guard (1...maximumLifetime).contains(lifetime) else {
            throw IAMTokenRefusal("X-Amz-Expires is \(lifetime) seconds; tokens are valid for 1 to \(maximumLifetime) seconds")
        }
        let expiry = claim.requestDate.addingTimeInterval(TimeInterval(lifetime))
        guard now <= expiry else {
            throw IAMTokenRefusal("the token expired at \(Timestamps.iso8601(expiry)) (it is now \(Timestamps.iso8601(now))); generate a new one")
        }
        guard claim.requestDate <= now.addingTimeInterval(Authenticator.allowedSkew) else {
            throw IAMTokenRefusal("the token's X-Amz-Date \(Timestamps.iso8601(claim.requestDate)) is more than 5 minutes in the future")
        }
    }

    /// Who signed; refuses inactive keys and stale or mismatched sessions.
    private static func caller(of credential: IssuedCredential, _ claim: SignatureClaim, now: Date) throws(IAMTokenRefusal) -> Caller {
        do {
            return try credential.caller(presentedToken: claim.securityToken, now: now)
        } catch {
            let keyId = claim.accessKeyID
            switch (credential, error) {
            case (.session(let session, _), .expiredToken):
                throw IAMTokenRefusal("the temporary credentials of access key \(keyId) expired at \(Timestamps.iso8601(session.expiration))")
            case (.session, _) where claim.securityToken == nil:
                throw IAMTokenRefusal("access key \(keyId) is temporary, but the token has no X-Amz-Security-Token")
            case (.session, _):
                throw IAMTokenRefusal("the token's X-Amz-Security-Token is not the session token of access key \(keyId)")
            case (.userKey, _):
                throw IAMTokenRefusal("access key \(keyId) is Inactive")
            }
        }
    }

    /// The condition keys a login carries. RDS documents that `aws:SourceIp`, `aws:SourceVpc`,
    /// `aws:UserAgent` and the like are not supported, so they are absent.
    static func requestContext(_ caller: Caller, credential: IssuedCredential, region: String, now: Date,
                               _ db: Database) throws -> [String: ContextValue] {
        // pg_hba only sends IAM logins through hostssl lines.
        var context = try RequestContext.of(caller, now: now, region: region, secureTransport: true, db)
        if case .session(let session, _) = credential {
            context["aws:TokenIssueTime"] = .date(session.createdAt)
        }
        return context
    }
}
