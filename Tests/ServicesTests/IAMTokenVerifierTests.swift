import Foundation
import GRDB
@testable import Services
import SigV4
import State
import Testing

/// An account with a user (jane) holding a key, a role with a live session, and an instance
/// db-ABC in us-east-1, as RDS IAM logins see them.
struct IAMLoginFixture {
    static let account = "123456789012"
    static let host = "db1.c9akciq32.us-east-1.rds.localhost"
    static let issued = AmzDate.parse("20261130T120000Z")!
    static let userKey = "AKIAKERBSIDETESTKEY1"
    static let userSecret = "kerbsideTestSecret/0123456789abcdefghijklm"
    static let sessionKey = "ASIAKERBSIDETESTSES1"
    static let sessionSecret = "sessionSecret/abcdefghijklmnopqrstuvwxyz0123"
    static let sessionToken = "FwoGZXIvYXdzEXAMPLEsessionTOKEN+/="
    static let userId = "AIDAJANEJANEJANEJANE1"
    static let roleId = "AROAAPPAPPAPPAPPAPP01"

    /// What `aws rds generate-db-auth-token` (botocore 1.43) printed for these credentials at
    /// `issued`, for jane's key and for the role session (whose --hostname was upper-cased).
    static let botocoreUserToken = "db1.c9akciq32.us-east-1.rds.localhost:5432/?Action=connect&DBUser=jane.doe%40example.com&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAKERBSIDETESTKEY1%2F20261130%2Fus-east-1%2Frds-db%2Faws4_request&X-Amz-Date=20261130T120000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=65e83ea13272c1a4be36e3bcf3cc2b7733f48df00daa3286d249c6359a0613cc"
    static let botocoreSessionToken = "DB1.c9akciq32.us-east-1.rds.localhost:5432/?Action=connect&DBUser=app_user&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIAKERBSIDETESTSES1%2F20261130%2Fus-east-1%2Frds-db%2Faws4_request&X-Amz-Date=20261130T120000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Security-Token=FwoGZXIvYXdzEXAMPLEsessionTOKEN%2B%2F%3D&X-Amz-Signature=6f81b1593c6a8ce9eeb5a732f4c93f554e9a4a398b5c1240c95dc3adcd5074b7"

    let store: Store
    var verifier: IAMTokenVerifier { IAMTokenVerifier(store: store) }

    init() async throws {
        store = try Store()
        try await store.write { db in
            let created = Self.issued.addingTimeInterval(-86_400)
            try IAMUser(userId: Self.userId, accountId: Self.account, userName: "jane", path: "/", createDate: created, permissionsBoundary: nil).insert(db)
            try IAMAccessKey(accessKeyId: Self.userKey, accountId: Self.account, userId: Self.userId, secretAccessKey: Self.userSecret,
                             status: .active, createDate: created).insert(db)
            try IAMRole(roleId: Self.roleId, accountId: Self.account, roleName: "app-role", path: "/", createDate: created,
                        assumeRolePolicyDocument: #"{"Version":"2012-10-17","Statement":[]}"#, description: nil,
                        maxSessionDuration: 3600, permissionsBoundary: nil).insert(db)
            try STSSession(accessKeyId: Self.sessionKey, accountId: Self.account, secretAccessKey: Self.sessionSecret,
                           sessionToken: Self.sessionToken, kind: .assumedRole,
                           principalArn: "arn:aws:sts::\(Self.account):assumed-role/app-role/s1", userId: "\(Self.roleId):s1",
                           roleId: Self.roleId, sourceUserId: nil, sessionName: "s1", sessionPolicy: nil, sessionPolicyArns: [],
                           tags: [], sourceIdentity: nil, isRoleChained: false, createdAt: Self.issued.addingTimeInterval(-60),
                           expiration: Self.issued.addingTimeInterval(3600)).insert(db)
        }
        try await allow(Self.userId, "dbuser:db-ABC/jane.doe@example.com")
        try await allow(Self.roleId, "dbuser:*/app_user")
    }

    func policy(_ principalId: String, _ name: String, effect: String = "Allow", resource: String, action: String = "rds-db:connect") async throws {
        let document = #"{"Version":"2012-10-17","Statement":[{"Effect":"\#(effect)","Action":"\#(action)","Resource":"\#(resource)"}]}"#
        try await store.write { db in try IAMInlinePolicy(principalId: principalId, policyName: name, document: document).save(db) }
    }

    func allow(_ principalId: String, _ resource: String) async throws {
        try await policy(principalId, "connect", resource: "arn:aws:rds-db:us-east-1:\(Self.account):\(resource)")
    }

    func check(_ token: String, user: String = "jane.doe@example.com", host: String = Self.host, port: Int = 5432,
               account: String = Self.account, region: String = "us-east-1") -> IAMTokenCheck {
        IAMTokenCheck(token: token, dbUser: user, hostNames: ["localhost", host], port: port, accountId: account,
                      region: region, resourceId: "db-ABC")
    }

    /// Signs a token as botocore does.
    static func token(user: String = "jane.doe@example.com", host: String = host, port: Int = 5432, region: String = "us-east-1",
                      keyId: String = userKey, secret: String = userSecret, sessionToken: String? = nil,
                      date: Date = issued, expires: Int = 900, action: String = "connect") -> String {
        let amzDate = AmzDate.format(date)
        let scope = CredentialScope(date: String(amzDate.prefix(8)), region: region, service: "rds-db")
        var items: [(String, String)] = [
            ("Action", action), ("DBUser", user), ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
            ("X-Amz-Credential", "\(keyId)/\(scope.text)"), ("X-Amz-Date", amzDate), ("X-Amz-Expires", String(expires)),
            ("X-Amz-SignedHeaders", "host"),
        ]
        if let sessionToken { items.append(("X-Amz-Security-Token", sessionToken)) }
        let request = SignableRequest(method: "GET", path: "/", queryItems: items, headers: [(name: "host", value: "\(host.lowercased()):\(port)")],
                                      payloadHash: SignatureV4.emptyPayloadHash)
        let canonical = SignatureV4.canonicalRequest(request, signedHeaders: ["host"], excludingQuery: nil)
        let stringToSign = SignatureV4.stringToSign(amzDate: amzDate, scope: scope, canonicalRequest: canonical)
        items.append(("X-Amz-Signature", SignatureV4.signature(secret: secret, scope: scope, stringToSign: stringToSign)))
        return "\(host):\(port)/?" + items.map { URIEncoding.encode($0.0) + "=" + URIEncoding.encode($0.1) }.joined(separator: "&")
    }
}

/// Reads a refusal's reason, failing the test if the login was allowed.
private func reason(_ verdict: IAMTokenVerdict, sourceLocation: SourceLocation = #_sourceLocation) -> String {
    guard case .refused(let reason) = verdict else {
        Issue.record("the login was allowed: \(verdict)", sourceLocation: sourceLocation)
        return ""
    }
    return reason
}

@Suite struct IAMTokenVerifierTests {
    let now = IAMLoginFixture.issued.addingTimeInterval(60)

    @Test func aBotocoreTokenOfAUserWithConnectPermissionIsAllowed() async throws {
        let fixture = try await IAMLoginFixture()
        #expect(IAMLoginFixture.token() == IAMLoginFixture.botocoreUserToken)
        let verdict = await fixture.verifier.verify(fixture.check(IAMLoginFixture.botocoreUserToken), now: now)
        #expect(verdict == .allowed(callerArn: "arn:aws:iam::123456789012:user/jane"))
    }

    @Test func anAssumedRoleSessionIsAllowedThroughTheRolesPolicies() async throws {
        let fixture = try await IAMLoginFixture()
        let verdict = await fixture.verifier.verify(fixture.check(IAMLoginFixture.botocoreSessionToken, user: "app_user"), now: now)
        #expect(verdict == .allowed(callerArn: "arn:aws:sts::123456789012:assumed-role/app-role/s1"))
    }

    @Test func theTokenMustBeForThisUserHostPortAndRegion() async throws {
        let fixture = try await IAMLoginFixture()
        let token = IAMLoginFixture.botocoreUserToken
        #expect(reason(await fixture.verifier.verify(fixture.check(token, user: "Jane.doe@example.com"), now: now))
            .contains(#"the token is for database user "jane.doe@example.com", but the login is for "Jane.doe@example.com""#))
        #expect(reason(await fixture.verifier.verify(fixture.check(token, host: "db2.example"), now: now))
            .contains("generated for host db1.c9akciq32.us-east-1.rds.localhost"))
        #expect(reason(await fixture.verifier.verify(fixture.check(token, port: 5433), now: now))
            .contains("port 5432, but the instance listens on 5433"))
        #expect(reason(await fixture.verifier.verify(fixture.check(token, region: "eu-west-1"), now: now))
            .contains("signed for region us-east-1, but the instance is in eu-west-1"))
        let other = IAMLoginFixture.token(action: "DescribeDBInstances")
        #expect(reason(await fixture.verifier.verify(fixture.check(other), now: now)).contains("Action=DescribeDBInstances"))
    }

    @Test func aTokenIsValidFifteenMinutesWithFiveMinutesOfSkew() async throws {
        let fixture = try await IAMLoginFixture()
        let check = fixture.check(IAMLoginFixture.botocoreUserToken)
        let issued = IAMLoginFixture.issued
        guard case .allowed = await fixture.verifier.verify(check, now: issued.addingTimeInterval(900)),
              case .allowed = await fixture.verifier.verify(check, now: issued.addingTimeInterval(-299))
        else {
            Issue.record("a token inside its validity was refused")
            return
        }
        #expect(reason(await fixture.verifier.verify(check, now: issued.addingTimeInterval(901)))
            .hasPrefix("the token expired at 2026-11-30T12:15:00Z"))
        #expect(reason(await fixture.verifier.verify(check, now: issued.addingTimeInterval(-301))).contains("in the future"))
        let long = IAMLoginFixture.token(expires: 3600)
        #expect(reason(await fixture.verifier.verify(fixture.check(long), now: now)).contains("X-Amz-Expires is 3600 seconds"))
    }

    @Test func aForgedSignatureIsRefusedWithoutQuotingIt() async throws {
        let fixture = try await IAMLoginFixture()
        let forged = IAMLoginFixture.token(secret: "not-the-secret")
        let signature = String(forged.suffix(64))
        let refusal = reason(await fixture.verifier.verify(fixture.check(forged), now: now))
        #expect(refusal.contains("signature does not match"))
        #expect(!refusal.contains(signature))
        // A token edited after signing fails the same way.
        let edited = IAMLoginFixture.botocoreUserToken.replacingOccurrences(of: "X-Amz-Expires=900", with: "X-Amz-Expires=899")
        #expect(reason(await fixture.verifier.verify(fixture.check(edited), now: now)).contains("signature does not match"))
    }

    @Test func keysKerbsideDidNotIssueAreRefused() async throws {
        let fixture = try await IAMLoginFixture()
        let unknown = IAMLoginFixture.token(keyId: "AKIAUNKNOWNUNKNOWN00")
        #expect(reason(await fixture.verifier.verify(fixture.check(unknown), now: now))
            .contains("access key AKIAUNKNOWNUNKNOWN00 is not one Kerbside issued"))
        let accountKey = IAMLoginFixture.token(keyId: "123456789012")
        #expect(reason(await fixture.verifier.verify(fixture.check(accountKey), now: now)).contains("not one Kerbside issued"))
    }

    @Test func anInactiveKeyIsRefused() async throws {
        let fixture = try await IAMLoginFixture()
        try await fixture.store.write { db in
            try db.execute(sql: "UPDATE iam_access_key SET status = 'Inactive' WHERE accessKeyId = ?", arguments: [IAMLoginFixture.userKey])
        }
        #expect(reason(await fixture.verifier.verify(fixture.check(IAMLoginFixture.botocoreUserToken), now: now))
            == "access key AKIAKERBSIDETESTKEY1 is Inactive")
    }

    @Test func sessionsNeedTheirTokenAndMustNotHaveExpired() async throws {
        let fixture = try await IAMLoginFixture()
        let session = (keyId: IAMLoginFixture.sessionKey, secret: IAMLoginFixture.sessionSecret)
        let missing = IAMLoginFixture.token(user: "app_user", keyId: session.keyId, secret: session.secret)
        #expect(reason(await fixture.verifier.verify(fixture.check(missing, user: "app_user"), now: now)).contains("has no X-Amz-Security-Token"))
        let wrong = IAMLoginFixture.token(user: "app_user", keyId: session.keyId, secret: session.secret, sessionToken: "other")
        #expect(reason(await fixture.verifier.verify(fixture.check(wrong, user: "app_user"), now: now)).contains("is not the session token"))
        // Signed a minute before the session ended, used after it.
        let late = IAMLoginFixture.issued.addingTimeInterval(3540)
        let stale = IAMLoginFixture.token(user: "app_user", keyId: session.keyId, secret: session.secret,
                                          sessionToken: IAMLoginFixture.sessionToken, date: late)
        #expect(reason(await fixture.verifier.verify(fixture.check(stale, user: "app_user"), now: late.addingTimeInterval(120)))
            .contains("expired at 2026-11-30T13:00:00Z"))
    }

    @Test func withoutAPolicyTheLoginIsRefused() async throws {
        let fixture = try await IAMLoginFixture()
        try await fixture.store.write { db in _ = try IAMInlinePolicy.deleteAll(db) }
        #expect(reason(await fixture.verifier.verify(fixture.check(IAMLoginFixture.botocoreUserToken), now: now))
            == "no identity-based policy of arn:aws:iam::123456789012:user/jane allows rds-db:connect on arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ABC/jane.doe@example.com")
        // A grant for another instance or another user does not help.
        try await fixture.allow(IAMLoginFixture.userId, "dbuser:db-OTHER/jane.doe@example.com")
        try await fixture.policy(IAMLoginFixture.userId, "other-user", resource: "arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ABC/bob")
        #expect(reason(await fixture.verifier.verify(fixture.check(IAMLoginFixture.botocoreUserToken), now: now)).hasPrefix("no identity-based policy"))
    }

    @Test func anExplicitDenyWins() async throws {
        let fixture = try await IAMLoginFixture()
        try await fixture.policy(IAMLoginFixture.userId, "deny", effect: "Deny", resource: "*", action: "rds-db:*")
        #expect(reason(await fixture.verifier.verify(fixture.check(IAMLoginFixture.botocoreUserToken), now: now))
            .hasPrefix("an explicit Deny in the identity-based policies of arn:aws:iam::123456789012:user/jane"))
    }

    @Test func policyVariablesSeeTheCaller() async throws {
        let fixture = try await IAMLoginFixture()
        try await fixture.store.write { db in _ = try IAMInlinePolicy.deleteAll(db) }
        try await fixture.policy(IAMLoginFixture.userId, "own-name", resource: "arn:aws:rds-db:*:*:dbuser:*/${aws:username}")
        guard case .allowed = await fixture.verifier.verify(fixture.check(IAMLoginFixture.token(user: "jane"), user: "jane"), now: now) else {
            Issue.record("${aws:username} did not match jane")
            return
        }
        #expect(reason(await fixture.verifier.verify(fixture.check(IAMLoginFixture.botocoreUserToken), now: now)).hasPrefix("no identity-based policy"))
    }

    @Test func theCallerMustBeInTheInstancesAccount() async throws {
        let fixture = try await IAMLoginFixture()
        #expect(reason(await fixture.verifier.verify(fixture.check(IAMLoginFixture.botocoreUserToken, account: "210987654321"), now: now))
            .contains("belongs to account 123456789012, not to the instance's account 210987654321"))
    }

    @Test func somethingElseThanATokenIsRefusedPlainly() async throws {
        let fixture = try await IAMLoginFixture()
        for password in ["hunter2", "", "host:5432/?Action=connect", "host:port/?a=b", "host:5432/?Action=connect&X-Amz-Signature=%zz"] {
            let refusal = reason(await fixture.verifier.verify(fixture.check(password), now: now))
            #expect(!refusal.isEmpty)
            if !password.isEmpty { #expect(!refusal.contains(password)) }
        }
    }
}
