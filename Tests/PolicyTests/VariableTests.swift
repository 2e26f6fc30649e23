import Policy
import Testing

struct VariableCase: Sendable, CustomTestStringConvertible {
    let name: String
    let version: String?
    /// The statement's Resource value (a JSON string, without quotes).
    let resourcePattern: String
    let resource: String
    let context: [String: ContextValue]
    let allowed: Bool
    var testDescription: String { name }
}

struct VariableConditionCase: Sendable, CustomTestStringConvertible {
    let name: String
    let condition: String
    let context: [String: ContextValue]
    let holds: Bool
    var testDescription: String { name }
}

private let userPrefix = "arn:aws:iam::123456789012:user/"

@Suite("Policy variables")
struct VariableTests {
    static let resourceCases: [VariableCase] = [
        .init(name: "username substituted", version: "2012-10-17", resourcePattern: userPrefix + "${aws:username}",
              resource: userPrefix + "alice", context: ["aws:username": .string("alice")], allowed: true),
        .init(name: "username substituted, other user's resource", version: "2012-10-17", resourcePattern: userPrefix + "${aws:username}",
              resource: userPrefix + "bob", context: ["aws:username": .string("alice")], allowed: false),
        .init(name: "missing key never matches", version: "2012-10-17", resourcePattern: userPrefix + "${aws:username}",
              resource: userPrefix + "alice", context: [:], allowed: false),
        .init(name: "missing key does not match the literal text either", version: "2012-10-17", resourcePattern: userPrefix + "${aws:username}",
              resource: userPrefix + "${aws:username}", context: [:], allowed: false),
        .init(name: "variable key is case-insensitive", version: "2012-10-17", resourcePattern: userPrefix + "${AWS:UserName}",
              resource: userPrefix + "alice", context: ["aws:username": .string("alice")], allowed: true),
        .init(name: "variable followed by a wildcard", version: "2012-10-17", resourcePattern: "arn:aws:s3:::home/${aws:username}/*",
              resource: "arn:aws:s3:::home/alice/notes.txt", context: ["aws:username": .string("alice")], allowed: true),
        .init(name: "substituted text is literal, not a wildcard", version: "2012-10-17", resourcePattern: userPrefix + "${aws:username}",
              resource: userPrefix + "abc", context: ["aws:username": .string("a*")], allowed: false),
        .init(name: "principal tag variable", version: "2012-10-17", resourcePattern: "arn:aws:rds-db:*:123456789012:dbuser:*/${aws:PrincipalTag/dbuser}",
              resource: "arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ABC/app_rw", context: ["aws:PrincipalTag/dbuser": .string("app_rw")], allowed: true),
        .init(name: "two variables", version: "2012-10-17", resourcePattern: "arn:aws:iam::${aws:PrincipalAccount}:user/${aws:username}",
              resource: userPrefix + "alice", context: ["aws:username": .string("alice"), "aws:PrincipalAccount": .string(account)], allowed: true),
        .init(name: "default value used when key missing", version: "2012-10-17", resourcePattern: userPrefix + "${aws:username, 'nobody'}",
              resource: userPrefix + "nobody", context: [:], allowed: true),
        .init(name: "default value ignored when key present", version: "2012-10-17", resourcePattern: userPrefix + "${aws:username, 'nobody'}",
              resource: userPrefix + "nobody", context: ["aws:username": .string("alice")], allowed: false),
        .init(name: "default value with doubled quote", version: "2012-10-17", resourcePattern: "arn:aws:s3:::b/${aws:username, 'o''brien'}",
              resource: "arn:aws:s3:::b/o'brien", context: [:], allowed: true),
        .init(name: "multivalued key is not substituted", version: "2012-10-17", resourcePattern: "arn:aws:s3:::b/${aws:TagKeys}",
              resource: "arn:aws:s3:::b/env", context: ["aws:TagKeys": .strings(["env"])], allowed: false),
        .init(name: "number context value is substituted", version: "2012-10-17", resourcePattern: "arn:aws:s3:::b/${aws:EpochTime}",
              resource: "arn:aws:s3:::b/1704067200", context: ["aws:EpochTime": .number(1_704_067_200)], allowed: true),
        .init(name: "escaped star is literal", version: "2012-10-17", resourcePattern: "arn:aws:s3:::b/${*}",
              resource: "arn:aws:s3:::b/*", context: [:], allowed: true),
        .init(name: "escaped star does not match other text", version: "2012-10-17", resourcePattern: "arn:aws:s3:::b/${*}",
              resource: "arn:aws:s3:::b/x", context: [:], allowed: false),
        .init(name: "escaped question mark is literal", version: "2012-10-17", resourcePattern: "arn:aws:s3:::b/why${?}",
              resource: "arn:aws:s3:::b/whyx", context: [:], allowed: false),
        .init(name: "escaped question mark matches itself", version: "2012-10-17", resourcePattern: "arn:aws:s3:::b/why${?}",
              resource: "arn:aws:s3:::b/why?", context: [:], allowed: true),
        .init(name: "escaped dollar", version: "2012-10-17", resourcePattern: "arn:aws:s3:::b/${$}{aws:username}",
              resource: "arn:aws:s3:::b/${aws:username}", context: ["aws:username": .string("alice")], allowed: true),
        .init(name: "2008 version keeps variables literal", version: "2008-10-17", resourcePattern: userPrefix + "${aws:username}",
              resource: userPrefix + "alice", context: ["aws:username": .string("alice")], allowed: false),
        .init(name: "2008 version matches the literal text", version: "2008-10-17", resourcePattern: userPrefix + "${aws:username}",
              resource: userPrefix + "${aws:username}", context: ["aws:username": .string("alice")], allowed: true),
        .init(name: "no version keeps variables literal", version: nil, resourcePattern: userPrefix + "${aws:username}",
              resource: userPrefix + "alice", context: ["aws:username": .string("alice")], allowed: false),
    ]

    @Test(arguments: resourceCases)
    func resource(_ testCase: VariableCase) throws {
        let policy = try identityPolicy(#"{"Effect":"Allow","Action":"*","Resource":"\#(testCase.resourcePattern)"}"#, version: testCase.version)
        let request = AuthorizationRequest(action: "iam:GetUser", resource: testCase.resource, context: testCase.context)
        #expect(PolicyEvaluator.evaluate([policy], request) == (testCase.allowed ? .allow : .implicitDeny))
    }

    static let conditionCases: [VariableConditionCase] = [
        .init(name: "StringEquals with a variable",
              condition: #"{"StringEquals":{"aws:ResourceTag/owner":"${aws:username}"}}"#,
              context: ["aws:ResourceTag/owner": .string("alice"), "aws:username": .string("alice")], holds: true),
        .init(name: "StringEquals with a variable, different owner",
              condition: #"{"StringEquals":{"aws:ResourceTag/owner":"${aws:username}"}}"#,
              context: ["aws:ResourceTag/owner": .string("bob"), "aws:username": .string("alice")], holds: false),
        .init(name: "tag compared with tag",
              condition: #"{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}"#,
              context: ["aws:ResourceTag/team": .string("data"), "aws:PrincipalTag/team": .string("data")], holds: true),
        .init(name: "StringLike with variable and wildcard",
              condition: #"{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}"#,
              context: ["s3:prefix": .string("home/alice/docs"), "aws:username": .string("alice")], holds: true),
        .init(name: "StringEquals with unresolved variable",
              condition: #"{"StringEquals":{"aws:ResourceTag/owner":"${aws:username}"}}"#,
              context: ["aws:ResourceTag/owner": .string("${aws:username}")], holds: false),
        .init(name: "StringNotEquals with unresolved variable does not hold",
              condition: #"{"StringNotEquals":{"aws:ResourceTag/owner":"${aws:username}"}}"#,
              context: ["aws:ResourceTag/owner": .string("bob")], holds: false),
        .init(name: "unresolved value does not spoil a resolved one",
              condition: #"{"StringEquals":{"aws:ResourceTag/owner":["${aws:username}","shared"]}}"#,
              context: ["aws:ResourceTag/owner": .string("shared")], holds: true),
        .init(name: "ArnEquals with a variable",
              condition: #"{"ArnEquals":{"aws:SourceArn":"arn:aws:iam::${aws:PrincipalAccount}:role/*"}}"#,
              context: ["aws:SourceArn": .string(appRoleArn), "aws:PrincipalAccount": .string(account)], holds: true),
        .init(name: "ArnEquals with a variable, other account",
              condition: #"{"ArnEquals":{"aws:SourceArn":"arn:aws:iam::${aws:PrincipalAccount}:role/*"}}"#,
              context: ["aws:SourceArn": .string(appRoleArn), "aws:PrincipalAccount": .string(otherAccount)], holds: false),
        .init(name: "ArnLike escaped star is literal",
              condition: #"{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::b/${*}"}}"#,
              context: ["aws:SourceArn": .string("arn:aws:s3:::b/x")], holds: false),
        .init(name: "ArnLike escaped star matches itself",
              condition: #"{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::b/${*}"}}"#,
              context: ["aws:SourceArn": .string("arn:aws:s3:::b/*")], holds: true),
        .init(name: "StringLike escaped star is literal",
              condition: #"{"StringLike":{"s3:prefix":"${*}"}}"#,
              context: ["s3:prefix": .string("anything")], holds: false),
        .init(name: "Bool with a variable",
              condition: #"{"Bool":{"aws:SecureTransport":"${aws:PrincipalTag/requireTls}"}}"#,
              context: ["aws:SecureTransport": .bool(true), "aws:PrincipalTag/requireTls": .string("true")], holds: true),
        .init(name: "variable with default in a condition",
              condition: #"{"StringEquals":{"aws:RequestedRegion":"${aws:PrincipalTag/region, 'us-east-1'}"}}"#,
              context: ["aws:RequestedRegion": .string("us-east-1")], holds: true),
    ]

    @Test(arguments: conditionCases)
    func condition(_ testCase: VariableConditionCase) throws {
        let policy = try identityPolicy(#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":\#(testCase.condition)}"#)
        let request = AuthorizationRequest(action: "s3:ListBucket", resource: "arn:aws:s3:::bucket", context: testCase.context)
        #expect(PolicyEvaluator.evaluate([policy], request) == (testCase.holds ? .allow : .implicitDeny))
    }

    @Test func unresolvedVariableInNotResourceKeepsTheStatementOut() throws {
        let policy = try identityPolicy(
            #"{"Effect":"Allow","Action":"*","Resource":"*"}"#,
            #"{"Effect":"Deny","Action":"*","NotResource":"arn:aws:s3:::home/${aws:username}/*"}"#)
        let withUser = AuthorizationRequest(action: "s3:GetObject", resource: "arn:aws:s3:::home/bob/x",
                                            context: ["aws:username": .string("alice")])
        var withoutUser = withUser
        withoutUser.context = [:]
        #expect(PolicyEvaluator.evaluate([policy], withUser) == .explicitDeny)
        #expect(PolicyEvaluator.evaluate([policy], withoutUser) == .allow)
    }
}
