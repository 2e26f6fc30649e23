import Policy
import Testing

struct ActionCase: Sendable, CustomTestStringConvertible {
    let pattern: String
    let action: String
    let matches: Bool
    var testDescription: String { "\(pattern) \(matches ? "matches" : "does not match") \(action)" }
}

struct ResourceCase: Sendable, CustomTestStringConvertible {
    let pattern: String
    let resource: String
    let matches: Bool
    var testDescription: String { "\(pattern) \(matches ? "matches" : "does not match") \(resource)" }
}

struct EvaluationCase: Sendable, CustomTestStringConvertible {
    let name: String
    let documents: [String]
    let action: String
    let resource: String
    let expected: Decision
    var testDescription: String { name }
}

@Suite("Action and resource matching")
struct MatchingTests {
    static let actionCases: [ActionCase] = [
        .init(pattern: "sts:AssumeRole", action: "sts:AssumeRole", matches: true),
        .init(pattern: "sts:assumerole", action: "STS:AssumeRole", matches: true),
        .init(pattern: "STS:ASSUMEROLE", action: "sts:AssumeRole", matches: true),
        .init(pattern: "sts:*", action: "sts:AssumeRole", matches: true),
        .init(pattern: "sts:Assume*", action: "sts:AssumeRoleWithSAML", matches: true),
        .init(pattern: "sts:Assume?ole", action: "sts:AssumeRole", matches: true),
        .init(pattern: "sts:Assume?ole", action: "sts:AssumeRRole", matches: false),
        .init(pattern: "*", action: "rds-db:connect", matches: true),
        .init(pattern: "*:connect", action: "rds-db:connect", matches: true),
        .init(pattern: "rds-db:*", action: "rds-db:connect", matches: true),
        .init(pattern: "rds:*", action: "rds-db:connect", matches: false),
        .init(pattern: "sts:Get*", action: "sts:AssumeRole", matches: false),
        .init(pattern: "sts:AssumeRole", action: "sts:AssumeRoleWithSAML", matches: false),
        .init(pattern: "sts:*Role", action: "sts:AssumeRoleWithSAML", matches: false),
        .init(pattern: "iam:*User*", action: "iam:ListUserPolicies", matches: true),
        .init(pattern: "iam:*User*", action: "iam:ListRoles", matches: false),
    ]

    @Test(arguments: actionCases)
    func action(_ testCase: ActionCase) throws {
        let policy = try identityPolicy(#"{"Effect":"Allow","Action":"\#(testCase.pattern)","Resource":"*"}"#)
        let decision = PolicyEvaluator.evaluate([policy], AuthorizationRequest(action: testCase.action, resource: "arn:aws:iam::123456789012:role/x"))
        #expect(decision == (testCase.matches ? .allow : .implicitDeny))
    }

    static let resourceCases: [ResourceCase] = [
        .init(pattern: "*", resource: appRoleArn, matches: true),
        .init(pattern: appRoleArn, resource: appRoleArn, matches: true),
        .init(pattern: "arn:aws:iam::123456789012:role/*", resource: appRoleArn, matches: true),
        .init(pattern: "arn:aws:iam::123456789012:role/*", resource: "arn:aws:iam::123456789012:role/path/app", matches: true),
        .init(pattern: "arn:aws:iam::123456789012:role/*", resource: aliceArn, matches: false),
        .init(pattern: "arn:aws:iam::123456789012:role/App", resource: appRoleArn, matches: false),
        .init(pattern: "arn:aws:iam::*:role/app", resource: "arn:aws:iam::111122223333:role/app", matches: true),
        .init(pattern: "arn:aws:iam::12345678901?:role/app", resource: appRoleArn, matches: true),
        .init(pattern: "arn:aws:iam::12345678901?:role/app", resource: "arn:aws:iam::1234567890123:role/app", matches: false),
        .init(pattern: "arn:aws:iam::123456789012:role/ap", resource: appRoleArn, matches: false),
        .init(pattern: "arn:aws:iam::123456789012:role/app", resource: "arn:aws:iam::123456789012:role/app2", matches: false),
        .init(pattern: "arn:aws:rds-db:*:123456789012:dbuser:*/alice", resource: "arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ABCDEFGHIJKL01234/alice", matches: true),
        .init(pattern: "arn:aws:rds-db:*:123456789012:dbuser:*/alice", resource: "arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ABCDEFGHIJKL01234/bob", matches: false),
        .init(pattern: "arn:aws:s3:::bucket/*/*.txt", resource: "arn:aws:s3:::bucket/a/b/c.txt", matches: true),
        .init(pattern: "arn:aws:s3:::bucket/*/*.txt", resource: "arn:aws:s3:::bucket/c.txt", matches: false),
        .init(pattern: "arn:aws:s3:::b?cket/caf?", resource: "arn:aws:s3:::bucket/café", matches: true),
        .init(pattern: "arn:aws:s3:::**", resource: "arn:aws:s3:::", matches: true),
    ]

    @Test(arguments: resourceCases)
    func resource(_ testCase: ResourceCase) throws {
        let policy = try identityPolicy(#"{"Effect":"Allow","Action":"*","Resource":["\#(testCase.pattern)"]}"#)
        let decision = PolicyEvaluator.evaluate([policy], AuthorizationRequest(action: "sts:AssumeRole", resource: testCase.resource))
        #expect(decision == (testCase.matches ? .allow : .implicitDeny))
    }

    static let evaluationCases: [EvaluationCase] = [
        .init(name: "no documents is an implicit deny", documents: [],
              action: "sts:AssumeRole", resource: appRoleArn, expected: .implicitDeny),
        .init(name: "allow on another action is an implicit deny",
              documents: [#"{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}"#],
              action: "sts:AssumeRole", resource: appRoleArn, expected: .implicitDeny),
        .init(name: "allow on another resource is an implicit deny",
              documents: [#"{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::123456789012:role/other"}"#],
              action: "sts:AssumeRole", resource: appRoleArn, expected: .implicitDeny),
        .init(name: "any of several actions",
              documents: [#"{"Effect":"Allow","Action":["iam:GetUser","sts:AssumeRole"],"Resource":"*"}"#],
              action: "sts:AssumeRole", resource: appRoleArn, expected: .allow),
        .init(name: "any of several resources",
              documents: [#"{"Effect":"Allow","Action":"sts:AssumeRole","Resource":["arn:aws:iam::123456789012:role/other","arn:aws:iam::123456789012:role/app"]}"#],
              action: "sts:AssumeRole", resource: appRoleArn, expected: .allow),
        .init(name: "deny beats allow in the same document",
              documents: [#"{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"*"}"#],
              action: "sts:AssumeRole", resource: appRoleArn, expected: .explicitDeny),
        .init(name: "deny beats allow across documents",
              documents: [#"{"Effect":"Allow","Action":"sts:*","Resource":"*"}"#, #"{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"arn:aws:iam::123456789012:role/*"}"#],
              action: "sts:AssumeRole", resource: appRoleArn, expected: .explicitDeny),
        .init(name: "deny listed before allow still wins",
              documents: [#"{"Effect":"Deny","Action":"*","Resource":"*"}"#, #"{"Effect":"Allow","Action":"*","Resource":"*"}"#],
              action: "sts:AssumeRole", resource: appRoleArn, expected: .explicitDeny),
        .init(name: "deny alone is explicit",
              documents: [#"{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"*"}"#],
              action: "sts:AssumeRole", resource: appRoleArn, expected: .explicitDeny),
        .init(name: "deny on another resource does not apply",
              documents: [#"{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"arn:aws:iam::123456789012:role/admin"}"#],
              action: "sts:AssumeRole", resource: appRoleArn, expected: .allow),
        .init(name: "NotAction allows everything else",
              documents: [#"{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}"#],
              action: "sts:AssumeRole", resource: appRoleArn, expected: .allow),
        .init(name: "NotAction excludes the listed actions",
              documents: [#"{"Effect":"Allow","NotAction":["iam:*","sts:Assume*"],"Resource":"*"}"#],
              action: "sts:AssumeRole", resource: appRoleArn, expected: .implicitDeny),
        .init(name: "NotAction is case-insensitive",
              documents: [#"{"Effect":"Allow","NotAction":"STS:ASSUMEROLE","Resource":"*"}"#],
              action: "sts:AssumeRole", resource: appRoleArn, expected: .implicitDeny),
        .init(name: "Deny with NotAction denies other actions",
              documents: [#"{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","NotAction":"iam:*","Resource":"*"}"#],
              action: "sts:AssumeRole", resource: appRoleArn, expected: .explicitDeny),
        .init(name: "Deny with NotAction leaves the listed actions alone",
              documents: [#"{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","NotAction":"sts:*","Resource":"*"}"#],
              action: "sts:AssumeRole", resource: appRoleArn, expected: .allow),
        .init(name: "NotResource allows other resources",
              documents: [#"{"Effect":"Allow","Action":"*","NotResource":"arn:aws:iam::123456789012:role/admin"}"#],
              action: "sts:AssumeRole", resource: appRoleArn, expected: .allow),
        .init(name: "NotResource excludes the listed resources",
              documents: [#"{"Effect":"Allow","Action":"*","NotResource":["arn:aws:iam::123456789012:role/a*"]}"#],
              action: "sts:AssumeRole", resource: appRoleArn, expected: .implicitDeny),
        .init(name: "Deny with NotResource protects only the listed resources",
              documents: [#"{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","NotResource":"arn:aws:iam::123456789012:role/app"}"#],
              action: "sts:AssumeRole", resource: appRoleArn, expected: .allow),
        .init(name: "NotAction with NotResource",
              documents: [#"{"Effect":"Allow","NotAction":"iam:*","NotResource":"arn:aws:s3:::*"}"#],
              action: "sts:AssumeRole", resource: appRoleArn, expected: .allow),
    ]

    @Test(arguments: evaluationCases)
    func evaluation(_ testCase: EvaluationCase) throws {
        let documents = try testCase.documents.map { try PolicyDocument(json: #"{"Version":"2012-10-17","Statement":[\#($0)]}"#, kind: .identity) }
        let decision = PolicyEvaluator.evaluate(documents, AuthorizationRequest(action: testCase.action, resource: testCase.resource))
        #expect(decision == testCase.expected)
    }

    @Test func conditionalDenyOnlyAppliesWhenItsConditionHolds() throws {
        let policy = try identityPolicy(
            #"{"Effect":"Allow","Action":"*","Resource":"*"}"#,
            #"{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}"#)
        let secure = AuthorizationRequest(action: "rds-db:connect", resource: "arn:aws:rds-db:us-east-1:123456789012:dbuser:db-X/alice",
                                          context: ["aws:SecureTransport": .bool(true)])
        var insecure = secure
        insecure.context["aws:SecureTransport"] = .bool(false)
        #expect(PolicyEvaluator.evaluate([policy], secure) == .allow)
        #expect(PolicyEvaluator.evaluate([policy], insecure) == .explicitDeny)
    }
}
