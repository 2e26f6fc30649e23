import Foundation
import Policy
import Testing

struct ConditionCase: Sendable, CustomTestStringConvertible {
    let name: String
    /// The value of the statement's `Condition` element.
    let condition: String
    let context: [String: ContextValue]
    let holds: Bool
    var testDescription: String { name }

    init(_ name: String, _ condition: String, _ context: [String: ContextValue], _ holds: Bool) {
        self.name = name
        self.condition = condition
        self.context = context
        self.holds = holds
    }
}

private let jan1 = date("2024-01-01T00:00:00Z")
private let dec31 = date("2023-12-31T23:59:59Z")
private let jun1 = date("2024-06-01T00:00:00Z")

/// Evaluates an Allow-everything statement guarded by `condition`.
private func conditionHolds(_ condition: String, _ context: [String: ContextValue]) throws -> Bool {
    let policy = try identityPolicy(#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":\#(condition)}"#)
    let request = AuthorizationRequest(action: "sts:AssumeRole", resource: appRoleArn, context: context)
    return PolicyEvaluator.evaluate([policy], request) == .allow
}

@Suite("Condition operators")
struct ConditionTests {
    static let stringCases: [ConditionCase] = [
        .init("StringEquals matches", #"{"StringEquals":{"aws:username":"alice"}}"#, ["aws:username": .string("alice")], true),
        .init("StringEquals is case-sensitive", #"{"StringEquals":{"aws:username":"Alice"}}"#, ["aws:username": .string("alice")], false),
        .init("StringEquals values are ORed", #"{"StringEquals":{"aws:username":["bob","alice"]}}"#, ["aws:username": .string("alice")], true),
        .init("StringEquals none of the values", #"{"StringEquals":{"aws:username":["bob","carol"]}}"#, ["aws:username": .string("alice")], false),
        .init("StringEquals missing key", #"{"StringEquals":{"aws:username":"alice"}}"#, [:], false),
        .init("StringEquals key lookup ignores case", #"{"StringEquals":{"AWS:UserName":"alice"}}"#, ["aws:username": .string("alice")], true),
        .init("StringEquals context key spelled differently", #"{"StringEquals":{"aws:username":"alice"}}"#, ["AWS:USERNAME": .string("alice")], true),
        .init("StringEquals has no wildcards", #"{"StringEquals":{"aws:username":"al*"}}"#, ["aws:username": .string("alice")], false),
        .init("StringEquals literal asterisk", #"{"StringEquals":{"aws:username":"al*"}}"#, ["aws:username": .string("al*")], true),
        .init("StringEquals keys are ANDed (one fails)", #"{"StringEquals":{"aws:username":"alice","aws:RequestedRegion":"us-east-1"}}"#, ["aws:username": .string("alice"), "aws:RequestedRegion": .string("eu-west-1")], false),
        .init("StringEquals keys are ANDed (both hold)", #"{"StringEquals":{"aws:username":"alice","aws:RequestedRegion":"us-east-1"}}"#, ["aws:username": .string("alice"), "aws:RequestedRegion": .string("us-east-1")], true),
        .init("operators are ANDed (one fails)", #"{"StringEquals":{"aws:username":"alice"},"Bool":{"aws:SecureTransport":"true"}}"#, ["aws:username": .string("alice"), "aws:SecureTransport": .bool(false)], false),
        .init("operators are ANDed (both hold)", #"{"StringEquals":{"aws:username":"alice"},"Bool":{"aws:SecureTransport":"true"}}"#, ["aws:username": .string("alice"), "aws:SecureTransport": .bool(true)], true),
        .init("StringEquals against a number context value", #"{"StringEquals":{"aws:MultiFactorAuthAge":"300"}}"#, ["aws:MultiFactorAuthAge": .number(300)], true),
        .init("StringEquals against a bool context value", #"{"StringEquals":{"aws:SecureTransport":"true"}}"#, ["aws:SecureTransport": .bool(true)], true),
        .init("StringEquals with a JSON number value", #"{"StringEquals":{"aws:PrincipalAccount":123456789012}}"#, ["aws:PrincipalAccount": .string("123456789012")], true),
        .init("StringEquals sts:ExternalId", #"{"StringEquals":{"sts:ExternalId":"s3cr3t"}}"#, ["sts:ExternalId": .string("s3cr3t")], true),
        .init("StringEquals wrong sts:ExternalId", #"{"StringEquals":{"sts:ExternalId":"s3cr3t"}}"#, ["sts:ExternalId": .string("guess")], false),

        .init("StringNotEquals different value", #"{"StringNotEquals":{"aws:username":"bob"}}"#, ["aws:username": .string("alice")], true),
        .init("StringNotEquals same value", #"{"StringNotEquals":{"aws:username":"alice"}}"#, ["aws:username": .string("alice")], false),
        .init("StringNotEquals missing key is true", #"{"StringNotEquals":{"aws:username":"alice"}}"#, [:], true),
        .init("StringNotEquals values are NORed (one equal)", #"{"StringNotEquals":{"aws:username":["bob","alice"]}}"#, ["aws:username": .string("alice")], false),
        .init("StringNotEquals values are NORed (none equal)", #"{"StringNotEquals":{"aws:username":["bob","carol"]}}"#, ["aws:username": .string("alice")], true),
        .init("StringNotEquals is case-sensitive", #"{"StringNotEquals":{"aws:username":"ALICE"}}"#, ["aws:username": .string("alice")], true),

        .init("StringEqualsIgnoreCase matches", #"{"StringEqualsIgnoreCase":{"aws:username":"ALICE"}}"#, ["aws:username": .string("alice")], true),
        .init("StringEqualsIgnoreCase different", #"{"StringEqualsIgnoreCase":{"aws:username":"bob"}}"#, ["aws:username": .string("alice")], false),
        .init("StringEqualsIgnoreCase has no wildcards", #"{"StringEqualsIgnoreCase":{"aws:username":"A*"}}"#, ["aws:username": .string("alice")], false),
        .init("StringEqualsIgnoreCase missing key", #"{"StringEqualsIgnoreCase":{"aws:username":"alice"}}"#, [:], false),
        .init("StringNotEqualsIgnoreCase equal ignoring case", #"{"StringNotEqualsIgnoreCase":{"aws:username":"ALICE"}}"#, ["aws:username": .string("alice")], false),
        .init("StringNotEqualsIgnoreCase different", #"{"StringNotEqualsIgnoreCase":{"aws:username":"bob"}}"#, ["aws:username": .string("alice")], true),
        .init("StringNotEqualsIgnoreCase missing key is true", #"{"StringNotEqualsIgnoreCase":{"aws:username":"bob"}}"#, [:], true),

        .init("StringLike star", #"{"StringLike":{"aws:username":"al*"}}"#, ["aws:username": .string("alice")], true),
        .init("StringLike question mark", #"{"StringLike":{"aws:username":"a?ice"}}"#, ["aws:username": .string("alice")], true),
        .init("StringLike question mark needs one character", #"{"StringLike":{"aws:username":"alice?"}}"#, ["aws:username": .string("alice")], false),
        .init("StringLike no match", #"{"StringLike":{"aws:username":"b*"}}"#, ["aws:username": .string("alice")], false),
        .init("StringLike is case-sensitive", #"{"StringLike":{"aws:username":"A*"}}"#, ["aws:username": .string("alice")], false),
        .init("StringLike star matches empty", #"{"StringLike":{"aws:username":"alice*"}}"#, ["aws:username": .string("alice")], true),
        .init("StringLike missing key", #"{"StringLike":{"aws:username":"*"}}"#, [:], false),
        .init("StringNotLike matching value", #"{"StringNotLike":{"aws:username":"al*"}}"#, ["aws:username": .string("alice")], false),
        .init("StringNotLike non-matching value", #"{"StringNotLike":{"aws:username":["b*","c*"]}}"#, ["aws:username": .string("alice")], true),
        .init("StringNotLike missing key is true", #"{"StringNotLike":{"aws:username":"al*"}}"#, [:], true),

        .init("StringEqualsIfExists missing key is true", #"{"StringEqualsIfExists":{"aws:username":"alice"}}"#, [:], true),
        .init("StringEqualsIfExists present and equal", #"{"StringEqualsIfExists":{"aws:username":"alice"}}"#, ["aws:username": .string("alice")], true),
        .init("StringEqualsIfExists present and different", #"{"StringEqualsIfExists":{"aws:username":"alice"}}"#, ["aws:username": .string("bob")], false),
        .init("StringNotEqualsIfExists present and equal", #"{"StringNotEqualsIfExists":{"aws:username":"alice"}}"#, ["aws:username": .string("alice")], false),
        .init("StringLikeIfExists present and different", #"{"StringLikeIfExists":{"aws:username":"b*"}}"#, ["aws:username": .string("alice")], false),
        .init("operator name case is not significant", #"{"stringequals":{"aws:username":"alice"}}"#, ["aws:username": .string("alice")], true),
    ]

    static let numericCases: [ConditionCase] = [
        .init("NumericEquals number", #"{"NumericEquals":{"s3:max-keys":"10"}}"#, ["s3:max-keys": .number(10)], true),
        .init("NumericEquals numeric string", #"{"NumericEquals":{"s3:max-keys":"10"}}"#, ["s3:max-keys": .string("10.0")], true),
        .init("NumericEquals different", #"{"NumericEquals":{"s3:max-keys":"10"}}"#, ["s3:max-keys": .number(11)], false),
        .init("NumericEquals non-numeric context", #"{"NumericEquals":{"s3:max-keys":"10"}}"#, ["s3:max-keys": .string("ten")], false),
        .init("NumericEquals missing key", #"{"NumericEquals":{"s3:max-keys":"10"}}"#, [:], false),
        .init("NumericEquals JSON number value", #"{"NumericEquals":{"s3:max-keys":10}}"#, ["s3:max-keys": .number(10)], true),
        .init("NumericNotEquals different", #"{"NumericNotEquals":{"s3:max-keys":"10"}}"#, ["s3:max-keys": .number(11)], true),
        .init("NumericNotEquals equal", #"{"NumericNotEquals":{"s3:max-keys":["5","10"]}}"#, ["s3:max-keys": .number(10)], false),
        .init("NumericNotEquals missing key is true", #"{"NumericNotEquals":{"s3:max-keys":"10"}}"#, [:], true),
        .init("NumericLessThan less", #"{"NumericLessThan":{"s3:max-keys":"10"}}"#, ["s3:max-keys": .number(9)], true),
        .init("NumericLessThan equal", #"{"NumericLessThan":{"s3:max-keys":"10"}}"#, ["s3:max-keys": .number(10)], false),
        .init("NumericLessThan fractional", #"{"NumericLessThan":{"s3:max-keys":"1.5"}}"#, ["s3:max-keys": .number(1.25)], true),
        .init("NumericLessThanEquals equal", #"{"NumericLessThanEquals":{"s3:max-keys":"10"}}"#, ["s3:max-keys": .number(10)], true),
        .init("NumericLessThanEquals greater", #"{"NumericLessThanEquals":{"s3:max-keys":"10"}}"#, ["s3:max-keys": .number(11)], false),
        .init("NumericGreaterThan greater", #"{"NumericGreaterThan":{"s3:max-keys":"10"}}"#, ["s3:max-keys": .number(11)], true),
        .init("NumericGreaterThan equal", #"{"NumericGreaterThan":{"s3:max-keys":"10"}}"#, ["s3:max-keys": .number(10)], false),
        .init("NumericGreaterThanEquals equal", #"{"NumericGreaterThanEquals":{"s3:max-keys":"10"}}"#, ["s3:max-keys": .number(10)], true),
        .init("NumericGreaterThanEquals less", #"{"NumericGreaterThanEquals":{"s3:max-keys":"10"}}"#, ["s3:max-keys": .number(9)], false),
        .init("NumericGreaterThan negative", #"{"NumericGreaterThan":{"s3:max-keys":"-5"}}"#, ["s3:max-keys": .number(-4)], true),
        .init("NumericLessThanIfExists missing key", #"{"NumericLessThanIfExists":{"aws:MultiFactorAuthAge":"3600"}}"#, [:], true),
        .init("NumericLessThanIfExists too old", #"{"NumericLessThanIfExists":{"aws:MultiFactorAuthAge":"3600"}}"#, ["aws:MultiFactorAuthAge": .number(7200)], false),
        .init("NumericEquals invalid policy value never matches", #"{"NumericEquals":{"s3:max-keys":"ten"}}"#, ["s3:max-keys": .number(10)], false),
    ]

    static let dateCases: [ConditionCase] = [
        .init("DateEquals same instant", #"{"DateEquals":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}}"#, ["aws:CurrentTime": .date(jan1)], true),
        .init("DateEquals epoch policy value", #"{"DateEquals":{"aws:CurrentTime":"1704067200"}}"#, ["aws:CurrentTime": .date(jan1)], true),
        .init("DateEquals date-only policy value", #"{"DateEquals":{"aws:CurrentTime":"2024-01-01"}}"#, ["aws:CurrentTime": .date(jan1)], true),
        .init("DateEquals offset policy value", #"{"DateEquals":{"aws:CurrentTime":"2024-01-01T01:00:00+01:00"}}"#, ["aws:CurrentTime": .date(jan1)], true),
        .init("DateEquals fractional seconds", #"{"DateEquals":{"aws:CurrentTime":"2024-01-01T00:00:00.000Z"}}"#, ["aws:CurrentTime": .date(jan1)], true),
        .init("DateEquals different instant", #"{"DateEquals":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}}"#, ["aws:CurrentTime": .date(jun1)], false),
        .init("DateEquals missing key", #"{"DateEquals":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}}"#, [:], false),
        .init("DateNotEquals different", #"{"DateNotEquals":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}}"#, ["aws:CurrentTime": .date(jun1)], true),
        .init("DateNotEquals same", #"{"DateNotEquals":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}}"#, ["aws:CurrentTime": .date(jan1)], false),
        .init("DateNotEquals missing key is true", #"{"DateNotEquals":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}}"#, [:], true),
        .init("DateLessThan earlier", #"{"DateLessThan":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}}"#, ["aws:CurrentTime": .date(dec31)], true),
        .init("DateLessThan equal", #"{"DateLessThan":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}}"#, ["aws:CurrentTime": .date(jan1)], false),
        .init("DateLessThanEquals equal", #"{"DateLessThanEquals":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}}"#, ["aws:CurrentTime": .date(jan1)], true),
        .init("DateLessThanEquals later", #"{"DateLessThanEquals":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}}"#, ["aws:CurrentTime": .date(jun1)], false),
        .init("DateGreaterThan later", #"{"DateGreaterThan":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}}"#, ["aws:CurrentTime": .date(jun1)], true),
        .init("DateGreaterThan equal", #"{"DateGreaterThan":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}}"#, ["aws:CurrentTime": .date(jan1)], false),
        .init("DateGreaterThanEquals equal", #"{"DateGreaterThanEquals":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}}"#, ["aws:CurrentTime": .date(jan1)], true),
        .init("DateGreaterThanEquals earlier", #"{"DateGreaterThanEquals":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}}"#, ["aws:CurrentTime": .date(dec31)], false),
        .init("Date context as ISO string", #"{"DateGreaterThan":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}}"#, ["aws:CurrentTime": .string("2024-06-01T00:00:00Z")], true),
        .init("Date context as epoch number", #"{"DateLessThan":{"aws:EpochTime":"2024-01-01T00:00:00Z"}}"#, ["aws:EpochTime": .number(1_704_067_199)], true),
        .init("Date context as epoch string", #"{"DateLessThan":{"aws:EpochTime":"1704067200"}}"#, ["aws:EpochTime": .string("1704067201")], false),
        .init("Date context unparseable", #"{"DateLessThan":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}}"#, ["aws:CurrentTime": .string("yesterday")], false),
        .init("DateLessThan either of two values", #"{"DateLessThan":{"aws:CurrentTime":["2023-01-01T00:00:00Z","2025-01-01T00:00:00Z"]}}"#, ["aws:CurrentTime": .date(jun1)], true),
        .init("DateLessThanIfExists missing key", #"{"DateLessThanIfExists":{"aws:TokenIssueTime":"2024-01-01T00:00:00Z"}}"#, [:], true),
    ]

    static let boolBinaryIPCases: [ConditionCase] = [
        .init("Bool true matches true", #"{"Bool":{"aws:SecureTransport":"true"}}"#, ["aws:SecureTransport": .bool(true)], true),
        .init("Bool true does not match false", #"{"Bool":{"aws:SecureTransport":"true"}}"#, ["aws:SecureTransport": .bool(false)], false),
        .init("Bool false matches false", #"{"Bool":{"aws:SecureTransport":"false"}}"#, ["aws:SecureTransport": .bool(false)], true),
        .init("Bool value ignores case", #"{"Bool":{"aws:SecureTransport":"TRUE"}}"#, ["aws:SecureTransport": .bool(true)], true),
        .init("Bool JSON boolean value", #"{"Bool":{"aws:SecureTransport":false}}"#, ["aws:SecureTransport": .bool(false)], true),
        .init("Bool string context value", #"{"Bool":{"aws:SecureTransport":"true"}}"#, ["aws:SecureTransport": .string("true")], true),
        .init("Bool missing key", #"{"Bool":{"aws:MultiFactorAuthPresent":"false"}}"#, [:], false),
        .init("BoolIfExists missing key", #"{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}"#, [:], true),
        .init("BoolIfExists present and different", #"{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}"#, ["aws:MultiFactorAuthPresent": .bool(true)], false),
        .init("Bool non-boolean context", #"{"Bool":{"aws:SecureTransport":"true"}}"#, ["aws:SecureTransport": .string("yes")], false),

        .init("BinaryEquals equal", #"{"BinaryEquals":{"aws:Blob":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}"#, ["aws:Blob": .string("QmluYXJ5VmFsdWVJbkJhc2U2NA==")], true),
        .init("BinaryEquals different", #"{"BinaryEquals":{"aws:Blob":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}"#, ["aws:Blob": .string("b3RoZXI=")], false),
        .init("BinaryEquals non-base64 context", #"{"BinaryEquals":{"aws:Blob":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}"#, ["aws:Blob": .string("not base64!")], false),
        .init("BinaryEquals missing key", #"{"BinaryEquals":{"aws:Blob":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}"#, [:], false),
        .init("BinaryEqualsIfExists missing key", #"{"BinaryEqualsIfExists":{"aws:Blob":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}"#, [:], true),

        .init("IpAddress in IPv4 range", #"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#, ["aws:SourceIp": .string("203.0.113.77")], true),
        .init("IpAddress outside IPv4 range", #"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#, ["aws:SourceIp": .string("203.0.114.1")], false),
        .init("IpAddress exact address", #"{"IpAddress":{"aws:SourceIp":"203.0.113.7"}}"#, ["aws:SourceIp": .string("203.0.113.7")], true),
        .init("IpAddress exact address differs", #"{"IpAddress":{"aws:SourceIp":"203.0.113.7"}}"#, ["aws:SourceIp": .string("203.0.113.8")], false),
        .init("IpAddress /0 covers all IPv4", #"{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}"#, ["aws:SourceIp": .string("198.51.100.1")], true),
        .init("IpAddress odd prefix", #"{"IpAddress":{"aws:SourceIp":"10.0.0.0/9"}}"#, ["aws:SourceIp": .string("10.127.255.255")], true),
        .init("IpAddress odd prefix boundary", #"{"IpAddress":{"aws:SourceIp":"10.0.0.0/9"}}"#, ["aws:SourceIp": .string("10.128.0.0")], false),
        .init("IpAddress any of several ranges", #"{"IpAddress":{"aws:SourceIp":["192.0.2.0/24","203.0.113.0/24"]}}"#, ["aws:SourceIp": .string("203.0.113.9")], true),
        .init("IpAddress IPv6 range", #"{"IpAddress":{"aws:SourceIp":"2001:DB8:1234:5678::/64"}}"#, ["aws:SourceIp": .string("2001:db8:1234:5678:abcd::1")], true),
        .init("IpAddress outside IPv6 range", #"{"IpAddress":{"aws:SourceIp":"2001:DB8:1234:5678::/64"}}"#, ["aws:SourceIp": .string("2001:db8:1234:5679::1")], false),
        .init("IpAddress IPv6 loopback", #"{"IpAddress":{"aws:SourceIp":"::1"}}"#, ["aws:SourceIp": .string("0:0:0:0:0:0:0:1")], true),
        .init("IpAddress IPv4 address vs IPv6 range", #"{"IpAddress":{"aws:SourceIp":"::/0"}}"#, ["aws:SourceIp": .string("203.0.113.1")], false),
        .init("IpAddress IPv4-mapped IPv6 address", #"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#, ["aws:SourceIp": .string("::ffff:203.0.113.5")], true),
        .init("IpAddress garbage context", #"{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}"#, ["aws:SourceIp": .string("localhost")], false),
        .init("IpAddress missing key", #"{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}"#, [:], false),
        .init("NotIpAddress inside range", #"{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#, ["aws:SourceIp": .string("203.0.113.77")], false),
        .init("NotIpAddress outside range", #"{"NotIpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:db8::/32"]}}"#, ["aws:SourceIp": .string("198.51.100.1")], true),
        .init("NotIpAddress missing key is true", #"{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#, [:], true),
        .init("IpAddressIfExists missing key", #"{"IpAddressIfExists":{"aws:SourceIp":"203.0.113.0/24"}}"#, [:], true),
    ]

    static let arnNullCases: [ConditionCase] = [
        .init("ArnEquals with wildcard", #"{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/*"}}"#, ["aws:PrincipalArn": .string(appRoleArn)], true),
        .init("ArnEquals exact", #"{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/app"}}"#, ["aws:PrincipalArn": .string(appRoleArn)], true),
        .init("ArnEquals different resource", #"{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/*"}}"#, ["aws:PrincipalArn": .string(aliceArn)], false),
        .init("ArnLike account wildcard", #"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/app"}}"#, ["aws:PrincipalArn": .string("arn:aws:iam::111122223333:role/app")], true),
        .init("ArnLike wildcard matches an empty region", #"{"ArnLike":{"aws:SourceArn":"arn:aws:iam:*:123456789012:role/app"}}"#, ["aws:SourceArn": .string(appRoleArn)], true),
        .init("ArnLike single-character wildcard", #"{"ArnLike":{"aws:SourceArn":"arn:aws:iam::12345678901?:role/app"}}"#, ["aws:SourceArn": .string(appRoleArn)], true),
        .init("ArnLike wildcard stays inside its component", #"{"ArnLike":{"aws:SourceArn":"arn:aws:rds:*:123456789012:db:prod"}}"#, ["aws:SourceArn": .string("arn:aws:rds:us-east-1:999999999999:x:123456789012:db:prod")], false),
        .init("ArnLike resource part keeps its colons", #"{"ArnLike":{"aws:SourceArn":"arn:aws:rds:us-east-1:123456789012:db:*"}}"#, ["aws:SourceArn": .string("arn:aws:rds:us-east-1:123456789012:db:prod")], true),
        .init("ArnLike different partition", #"{"ArnLike":{"aws:SourceArn":"arn:aws-cn:iam::123456789012:role/app"}}"#, ["aws:SourceArn": .string(appRoleArn)], false),
        .init("ArnLike is case-sensitive", #"{"ArnLike":{"aws:SourceArn":"arn:aws:iam::123456789012:role/APP"}}"#, ["aws:SourceArn": .string(appRoleArn)], false),
        .init("ArnLike context not an ARN", #"{"ArnLike":{"aws:SourceArn":"arn:aws:iam::123456789012:role/*"}}"#, ["aws:SourceArn": .string("role/app")], false),
        .init("ArnLike short pattern is a whole-string glob", #"{"ArnLike":{"aws:SourceArn":"arn:aws:iam::*"}}"#, ["aws:SourceArn": .string(appRoleArn)], true),
        .init("ArnLike missing key", #"{"ArnLike":{"aws:SourceArn":"*"}}"#, [:], false),
        .init("ArnNotEquals matching", #"{"ArnNotEquals":{"aws:SourceArn":"arn:aws:iam::123456789012:role/*"}}"#, ["aws:SourceArn": .string(appRoleArn)], false),
        .init("ArnNotEquals not matching", #"{"ArnNotEquals":{"aws:SourceArn":"arn:aws:iam::123456789012:user/*"}}"#, ["aws:SourceArn": .string(appRoleArn)], true),
        .init("ArnNotEquals missing key is true", #"{"ArnNotEquals":{"aws:SourceArn":"arn:aws:iam::123456789012:user/*"}}"#, [:], true),
        .init("ArnNotLike matching", #"{"ArnNotLike":{"aws:SourceArn":["arn:aws:iam::*:user/*","arn:aws:iam::*:role/*"]}}"#, ["aws:SourceArn": .string(appRoleArn)], false),
        .init("ArnNotLike not matching", #"{"ArnNotLike":{"aws:SourceArn":"arn:aws:iam::*:user/*"}}"#, ["aws:SourceArn": .string(appRoleArn)], true),
        .init("ArnNotLike missing key is true", #"{"ArnNotLike":{"aws:SourceArn":"arn:aws:iam::*:user/*"}}"#, [:], true),
        .init("ArnLikeIfExists missing key", #"{"ArnLikeIfExists":{"aws:SourceArn":"arn:aws:iam::*:user/*"}}"#, [:], true),
        .init("ArnLikeIfExists present and different", #"{"ArnLikeIfExists":{"aws:SourceArn":"arn:aws:iam::*:user/*"}}"#, ["aws:SourceArn": .string(appRoleArn)], false),

        .init("Null true with key absent", #"{"Null":{"aws:TokenIssueTime":"true"}}"#, [:], true),
        .init("Null true with key present", #"{"Null":{"aws:TokenIssueTime":"true"}}"#, ["aws:TokenIssueTime": .date(jan1)], false),
        .init("Null false with key present", #"{"Null":{"aws:TokenIssueTime":"false"}}"#, ["aws:TokenIssueTime": .date(jan1)], true),
        .init("Null false with key absent", #"{"Null":{"aws:TokenIssueTime":"false"}}"#, [:], false),
        .init("Null JSON boolean value", #"{"Null":{"aws:TokenIssueTime":true}}"#, [:], true),
        .init("Null key lookup ignores case", #"{"Null":{"AWS:TOKENISSUETIME":"false"}}"#, ["aws:TokenIssueTime": .date(jan1)], true),
        .init("Null treats an empty list as absent", #"{"Null":{"aws:TagKeys":"true"}}"#, ["aws:TagKeys": .strings([])], true),
    ]

    static let setCases: [ConditionCase] = [
        .init("ForAnyValue one value matches", #"{"ForAnyValue:StringEquals":{"aws:TagKeys":["team"]}}"#, ["aws:TagKeys": .strings(["env", "team"])], true),
        .init("ForAnyValue no value matches", #"{"ForAnyValue:StringEquals":{"aws:TagKeys":["cost"]}}"#, ["aws:TagKeys": .strings(["env", "team"])], false),
        .init("ForAnyValue missing key", #"{"ForAnyValue:StringEquals":{"aws:TagKeys":["team"]}}"#, [:], false),
        .init("ForAnyValue empty list", #"{"ForAnyValue:StringEquals":{"aws:TagKeys":["team"]}}"#, ["aws:TagKeys": .strings([])], false),
        .init("ForAnyValue with IfExists and missing key", #"{"ForAnyValue:StringEqualsIfExists":{"aws:TagKeys":["team"]}}"#, [:], true),
        .init("ForAnyValue on a single-valued key", #"{"ForAnyValue:StringEquals":{"aws:username":["alice","bob"]}}"#, ["aws:username": .string("alice")], true),
        .init("ForAnyValue StringLike", #"{"ForAnyValue:StringLike":{"aws:TagKeys":"te*"}}"#, ["aws:TagKeys": .strings(["env", "team"])], true),
        .init("ForAnyValue StringNotEquals some value differs", #"{"ForAnyValue:StringNotEquals":{"aws:TagKeys":"env"}}"#, ["aws:TagKeys": .strings(["env", "team"])], true),
        .init("ForAnyValue StringNotEquals every value listed", #"{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["env","team"]}}"#, ["aws:TagKeys": .strings(["env", "team"])], false),
        .init("ForAllValues subset of allowed values", #"{"ForAllValues:StringEquals":{"aws:TagKeys":["env","team","owner"]}}"#, ["aws:TagKeys": .strings(["env", "team"])], true),
        .init("ForAllValues value outside the allowed set", #"{"ForAllValues:StringEquals":{"aws:TagKeys":["env"]}}"#, ["aws:TagKeys": .strings(["env", "team"])], false),
        .init("ForAllValues missing key is true", #"{"ForAllValues:StringEquals":{"aws:TagKeys":["env"]}}"#, [:], true),
        .init("ForAllValues empty list is true", #"{"ForAllValues:StringEquals":{"aws:TagKeys":["env"]}}"#, ["aws:TagKeys": .strings([])], true),
        .init("ForAllValues StringLike", #"{"ForAllValues:StringLike":{"aws:TagKeys":["env*","team"]}}"#, ["aws:TagKeys": .strings(["env", "environment", "team"])], true),
        .init("ForAllValues StringLike one misses", #"{"ForAllValues:StringLike":{"aws:TagKeys":["env*"]}}"#, ["aws:TagKeys": .strings(["env", "team"])], false),
        .init("ForAllValues StringNotEquals none forbidden", #"{"ForAllValues:StringNotEquals":{"aws:TagKeys":["secret"]}}"#, ["aws:TagKeys": .strings(["env", "team"])], true),
        .init("ForAllValues StringNotEquals one forbidden", #"{"ForAllValues:StringNotEquals":{"aws:TagKeys":["secret"]}}"#, ["aws:TagKeys": .strings(["env", "secret"])], false),
        .init("ForAllValues StringEqualsIgnoreCase", #"{"ForAllValues:StringEqualsIgnoreCase":{"aws:TagKeys":["ENV","TEAM"]}}"#, ["aws:TagKeys": .strings(["env", "Team"])], true),
        .init("ForAllValues ArnLike", #"{"ForAllValues:ArnLike":{"aws:PrincipalServiceNamesList":"arn:aws:iam::*:role/*"}}"#, ["aws:PrincipalServiceNamesList": .strings([appRoleArn])], true),
        .init("plain operator on a multivalued key does not match", #"{"StringEquals":{"aws:TagKeys":["env","team"]}}"#, ["aws:TagKeys": .strings(["env"])], false),
        .init("plain negated operator on a multivalued key does not match", #"{"StringNotEquals":{"aws:TagKeys":"other"}}"#, ["aws:TagKeys": .strings(["env"])], false),
    ]

    @Test(arguments: stringCases)
    func string(_ testCase: ConditionCase) throws {
        #expect(try conditionHolds(testCase.condition, testCase.context) == testCase.holds)
    }

    @Test(arguments: numericCases)
    func numeric(_ testCase: ConditionCase) throws {
        #expect(try conditionHolds(testCase.condition, testCase.context) == testCase.holds)
    }

    @Test(arguments: dateCases)
    func date(_ testCase: ConditionCase) throws {
        #expect(try conditionHolds(testCase.condition, testCase.context) == testCase.holds)
    }

    @Test(arguments: boolBinaryIPCases)
    func boolBinaryIP(_ testCase: ConditionCase) throws {
        #expect(try conditionHolds(testCase.condition, testCase.context) == testCase.holds)
    }

    @Test(arguments: arnNullCases)
    func arnAndNull(_ testCase: ConditionCase) throws {
        #expect(try conditionHolds(testCase.condition, testCase.context) == testCase.holds)
    }

    @Test(arguments: setCases)
    func setQualifiers(_ testCase: ConditionCase) throws {
        #expect(try conditionHolds(testCase.condition, testCase.context) == testCase.holds)
    }

    /// Negated operators on a missing key make a Deny apply; IfExists on a Deny skips it.
    @Test func negatedOperatorWithMissingKeyTriggersDeny() throws {
        let policy = try identityPolicy(
            #"{"Effect":"Allow","Action":"*","Resource":"*"}"#,
            #"{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":"us-east-1"}}}"#)
        let noRegion = AuthorizationRequest(action: "rds-db:connect", resource: "arn:aws:rds-db:us-east-1:123456789012:dbuser:db-X/alice")
        var inRegion = noRegion
        inRegion.context["aws:RequestedRegion"] = .string("us-east-1")
        #expect(PolicyEvaluator.evaluate([policy], noRegion) == .explicitDeny)
        #expect(PolicyEvaluator.evaluate([policy], inRegion) == .allow)
    }
}
