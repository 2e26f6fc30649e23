import Policy
import Testing

struct PrincipalCase: Sendable, CustomTestStringConvertible {
    let name: String
    /// The statement's `Principal` (or `NotPrincipal`) value.
    let principalJSON: String
    let notPrincipal: Bool
    let caller: Principal?
    let expected: ResourcePolicyDecision
    var testDescription: String { name }

    init(_ name: String, _ principalJSON: String, notPrincipal: Bool = false, _ caller: Principal?, _ expected: ResourcePolicyDecision) {
        self.name = name
        self.principalJSON = principalJSON
        self.notPrincipal = notPrincipal
        self.caller = caller
        self.expected = expected
    }
}

struct AssumeRoleCase: Sendable, CustomTestStringConvertible {
    let name: String
    let trust: String
    let identity: [String]
    let caller: Principal
    let expected: Decision
    var testDescription: String { name }
}

private let rdsTrustPolicyJSON = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["rds.amazonaws.com","directoryservice.rds.amazonaws.com"]},"Action":"sts:AssumeRole"}]}"#
private let otherAccountUser = Principal.aws(arn: "arn:aws:iam::111122223333:user/eve", account: otherAccount)
private let appRole = Principal.aws(arn: appRoleArn, account: account)
private let rootCaller = Principal.aws(arn: "arn:aws:iam::123456789012:root", account: account)
private let assumeRoleOnTarget = #"{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::123456789012:role/target"}"#

@Suite("Principals and trust policies")
struct PrincipalTests {
    static let principalCases: [PrincipalCase] = [
        .init("account id matches a user in that account", #"{"AWS":"123456789012"}"#, alice, .allow(.accountOnly)),
        .init("account id matches a role in that account", #"{"AWS":"123456789012"}"#, appRole, .allow(.accountOnly)),
        .init("account id does not match another account", #"{"AWS":"123456789012"}"#, otherAccountUser, .implicitDeny),
        .init("root ARN matches the account", #"{"AWS":"arn:aws:iam::123456789012:root"}"#, alice, .allow(.accountOnly)),
        .init("root ARN does not match another account", #"{"AWS":"arn:aws:iam::123456789012:root"}"#, otherAccountUser, .implicitDeny),
        .init("root ARN matches the root user as the account", #"{"AWS":"arn:aws:iam::123456789012:root"}"#, rootCaller, .allow(.accountOnly)),
        .init("user ARN matches that user", #"{"AWS":"arn:aws:iam::123456789012:user/alice"}"#, alice, .allow(.principalSpecifically)),
        .init("user ARN does not match another user", #"{"AWS":"arn:aws:iam::123456789012:user/alice"}"#, bob, .implicitDeny),
        .init("user ARN is case-sensitive", #"{"AWS":"arn:aws:iam::123456789012:user/Alice"}"#, alice, .implicitDeny),
        .init("role ARN matches that role", #"{"AWS":"arn:aws:iam::123456789012:role/app"}"#, appRole, .allow(.principalSpecifically)),
        .init("role ARN with a path", #"{"AWS":"arn:aws:iam::123456789012:role/team/app"}"#, .aws(arn: "arn:aws:iam::123456789012:role/team/app", account: account), .allow(.principalSpecifically)),
        .init("role ARN does not match a user", #"{"AWS":"arn:aws:iam::123456789012:role/app"}"#, alice, .implicitDeny),
        .init("specific ARN wins over the account", #"{"AWS":["123456789012","arn:aws:iam::123456789012:user/alice"]}"#, alice, .allow(.principalSpecifically)),
        .init("account still matches other users when an ARN is listed", #"{"AWS":["arn:aws:iam::123456789012:user/alice","123456789012"]}"#, bob, .allow(.accountOnly)),
        .init("bare * matches any AWS principal", #""*""#, otherAccountUser, .allow(.wildcard)),
        .init("bare * matches a service", #""*""#, .service("rds.amazonaws.com"), .allow(.wildcard)),
        .init("AWS * matches any AWS principal", #"{"AWS":"*"}"#, otherAccountUser, .allow(.wildcard)),
        .init("AWS * does not match a service", #"{"AWS":"*"}"#, .service("rds.amazonaws.com"), .implicitDeny),
        .init("service matches exactly", #"{"Service":"rds.amazonaws.com"}"#, .service("rds.amazonaws.com"), .allow(.principalSpecifically)),
        .init("service does not match another service", #"{"Service":"rds.amazonaws.com"}"#, .service("ec2.amazonaws.com"), .implicitDeny),
        .init("service principal does not match an AWS principal", #"{"Service":"rds.amazonaws.com"}"#, alice, .implicitDeny),
        .init("service list", #"{"Service":["rds.amazonaws.com","directoryservice.rds.amazonaws.com"]}"#, .service("directoryservice.rds.amazonaws.com"), .allow(.principalSpecifically)),
        .init("federated provider matches exactly", #"{"Federated":"arn:aws:iam::123456789012:saml-provider/corp"}"#, .federated("arn:aws:iam::123456789012:saml-provider/corp"), .allow(.principalSpecifically)),
        .init("federated provider does not match another", #"{"Federated":"cognito-identity.amazonaws.com"}"#, .federated("accounts.google.com"), .implicitDeny),
        .init("mixed principal types", #"{"AWS":"arn:aws:iam::123456789012:user/alice","Service":"rds.amazonaws.com"}"#, .service("rds.amazonaws.com"), .allow(.principalSpecifically)),
        .init("assumed-role session ARN matches exactly", #"{"AWS":"arn:aws:sts::123456789012:assumed-role/app/s1"}"#, .aws(arn: "arn:aws:sts::123456789012:assumed-role/app/s1", account: account), .allow(.principalSpecifically)),
        .init("no caller matches nothing", #""*""#, nil, .implicitDeny),
        .init("NotPrincipal allows everyone not listed", #"{"AWS":"arn:aws:iam::123456789012:user/alice"}"#, notPrincipal: true, bob, .allow(.wildcard)),
        .init("NotPrincipal excludes the listed user", #"{"AWS":"arn:aws:iam::123456789012:user/alice"}"#, notPrincipal: true, alice, .implicitDeny),
        .init("NotPrincipal excludes a whole account", #"{"AWS":"123456789012"}"#, notPrincipal: true, alice, .implicitDeny),
        .init("NotPrincipal account does not exclude other accounts", #"{"AWS":"123456789012"}"#, notPrincipal: true, otherAccountUser, .allow(.wildcard)),
    ]

    @Test(arguments: principalCases)
    func principalForms(_ testCase: PrincipalCase) throws {
        let element = testCase.notPrincipal ? "NotPrincipal" : "Principal"
        let policy = try resourcePolicy(#"{"Effect":"Allow","\#(element)":\#(testCase.principalJSON),"Action":"sts:AssumeRole"}"#)
        let request = AuthorizationRequest(action: "sts:AssumeRole", resource: "arn:aws:iam::123456789012:role/target", principal: testCase.caller)
        #expect(PolicyEvaluator.evaluateResourcePolicy(policy, request) == testCase.expected)
        #expect(PolicyEvaluator.evaluate([policy], request) == testCase.expected.decision)
    }

    @Test(arguments: [
        (Principal.service("rds.amazonaws.com"), ResourcePolicyDecision.allow(.principalSpecifically)),
        (Principal.service("directoryservice.rds.amazonaws.com"), .allow(.principalSpecifically)),
        (Principal.service("ec2.amazonaws.com"), .implicitDeny),
        (alice, .implicitDeny),
    ])
    func rdsTrustPolicy(_ caller: Principal, _ expected: ResourcePolicyDecision) throws {
        let policy = try PolicyDocument.roleTrustPolicy(json: rdsTrustPolicyJSON)
        let request = AuthorizationRequest(action: "sts:AssumeRole", resource: "arn:aws:iam::123456789012:role/rds-directory", principal: caller)
        #expect(PolicyEvaluator.evaluateResourcePolicy(policy, request) == expected)
        var otherAction = request
        otherAction.action = "sts:AssumeRoleWithSAML"
        #expect(PolicyEvaluator.evaluateResourcePolicy(policy, otherAction) == .implicitDeny)
    }

    @Test func denyInTrustPolicyBeatsAllow() throws {
        let policy = try resourcePolicy(
            #"{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole"}"#,
            #"{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::123456789012:user/bob"},"Action":"sts:*"}"#)
        let request = AuthorizationRequest(action: "sts:AssumeRole", resource: "arn:aws:iam::123456789012:role/target", principal: bob)
        #expect(PolicyEvaluator.evaluateResourcePolicy(policy, request) == .explicitDeny)
        var aliceRequest = request
        aliceRequest.principal = alice
        #expect(PolicyEvaluator.evaluateResourcePolicy(policy, aliceRequest) == .allow(.accountOnly))
    }

    @Test(arguments: [("s3cr3t", true), ("wrong", false)])
    func trustConditionOnExternalId(_ externalId: String, _ allowed: Bool) throws {
        let policy = try PolicyDocument.roleTrustPolicy(json: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"s3cr3t"}}}]}"#)
        let request = AuthorizationRequest(action: "sts:AssumeRole", resource: "arn:aws:iam::123456789012:role/target",
                                           principal: otherAccountUser, context: ["sts:ExternalId": .string(externalId)])
        #expect(PolicyEvaluator.evaluateResourcePolicy(policy, request) == (allowed ? .allow(.accountOnly) : .implicitDeny))
    }

    static let assumeRoleCases: [AssumeRoleCase] = [
        .init(name: "same account, trust names the user, no identity policy",
              trust: #"{"AWS":"arn:aws:iam::123456789012:user/alice"}"#, identity: [], caller: alice, expected: .allow),
        .init(name: "same account, trust names the role, no identity policy",
              trust: #"{"AWS":"arn:aws:iam::123456789012:role/app"}"#, identity: [], caller: appRole, expected: .allow),
        .init(name: "same account, trust grants the account only, no identity policy",
              trust: #"{"AWS":"123456789012"}"#, identity: [], caller: alice, expected: .implicitDeny),
        .init(name: "same account, trust grants the root ARN only, no identity policy",
              trust: #"{"AWS":"arn:aws:iam::123456789012:root"}"#, identity: [], caller: alice, expected: .implicitDeny),
        .init(name: "same account, account trust plus identity allow",
              trust: #"{"AWS":"arn:aws:iam::123456789012:root"}"#, identity: [assumeRoleOnTarget], caller: alice, expected: .allow),
        .init(name: "same account, account trust plus identity allow on another role",
              trust: #"{"AWS":"123456789012"}"#, identity: [#"{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::123456789012:role/other"}"#], caller: alice, expected: .implicitDeny),
        .init(name: "wildcard trust needs the identity policy",
              trust: #"{"AWS":"*"}"#, identity: [], caller: alice, expected: .implicitDeny),
        .init(name: "wildcard trust plus identity allow",
              trust: #"{"AWS":"*"}"#, identity: [assumeRoleOnTarget], caller: alice, expected: .allow),
        .init(name: "cross account, trust names the user, no identity policy",
              trust: #"{"AWS":"arn:aws:iam::111122223333:user/eve"}"#, identity: [], caller: otherAccountUser, expected: .implicitDeny),
        .init(name: "cross account, trust names the user, identity allows",
              trust: #"{"AWS":"arn:aws:iam::111122223333:user/eve"}"#, identity: [assumeRoleOnTarget], caller: otherAccountUser, expected: .allow),
        .init(name: "trust does not name the caller, identity allows",
              trust: #"{"AWS":"arn:aws:iam::123456789012:user/bob"}"#, identity: [assumeRoleOnTarget], caller: alice, expected: .implicitDeny),
        .init(name: "identity deny beats a specific trust grant",
              trust: #"{"AWS":"arn:aws:iam::123456789012:user/alice"}"#, identity: [#"{"Effect":"Deny","Action":"sts:*","Resource":"*"}"#], caller: alice, expected: .explicitDeny),
        .init(name: "service principal needs only the trust policy",
              trust: #"{"Service":["rds.amazonaws.com","directoryservice.rds.amazonaws.com"]}"#, identity: [], caller: .service("rds.amazonaws.com"), expected: .allow),
        .init(name: "service not in the trust policy",
              trust: #"{"Service":"rds.amazonaws.com"}"#, identity: [], caller: .service("ec2.amazonaws.com"), expected: .implicitDeny),
    ]

    @Test(arguments: assumeRoleCases)
    func authorizeAssumeRole(_ testCase: AssumeRoleCase) throws {
        let trust = try PolicyDocument.roleTrustPolicy(json: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":\#(testCase.trust),"Action":"sts:AssumeRole"}]}"#)
        let identity = try testCase.identity.map { try identityPolicy($0) }
        let request = AuthorizationRequest(action: "sts:AssumeRole", resource: "arn:aws:iam::123456789012:role/target", principal: testCase.caller)
        #expect(PolicyEvaluator.authorizeAssumeRole(trustPolicy: trust, identity: PolicyEvaluator.evaluate(identity, request), request) == testCase.expected)
    }

    @Test func trustDenyBeatsIdentityAllow() throws {
        let trust = try PolicyDocument.roleTrustPolicy(json: #"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole"},{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"sts:AssumeRole"}]}"#)
        let identity = try identityPolicy(assumeRoleOnTarget)
        let request = AuthorizationRequest(action: "sts:AssumeRole", resource: "arn:aws:iam::123456789012:role/target", principal: alice)
        #expect(PolicyEvaluator.authorizeAssumeRole(trustPolicy: trust, identity: PolicyEvaluator.evaluate([identity], request), request) == .explicitDeny)
    }

    @Test func resourcePolicyDecisionExposesPlainDecision() {
        #expect(ResourcePolicyDecision.allow(.accountOnly).decision == .allow)
        #expect(ResourcePolicyDecision.explicitDeny.decision == .explicitDeny)
        #expect(ResourcePolicyDecision.implicitDeny.decision == .implicitDeny)
        #expect(ResourcePolicyMatch.principalSpecifically < .accountOnly)
        #expect(ResourcePolicyMatch.accountOnly < .wildcard)
    }
}
