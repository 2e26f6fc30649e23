import AWSWire
import Foundation
import Testing

struct QueryCodecTests {
    @Test func nestedListsAndStructuresDecode() throws {
        let value = try decode("iam", "CreateRole", formRequest(
            "Action=CreateRole&RoleName=r1&AssumeRolePolicyDocument=%7B%7D&MaxSessionDuration=7200"
                + "&Tags.member.1.Key=team&Tags.member.1.Value=db&Tags.member.2.Key=env&Tags.member.2.Value=a+b")).get()
        #expect(value["RoleName"] == .string("r1"))
        #expect(value["MaxSessionDuration"] == .integer(7200))
        #expect(value["AssumeRolePolicyDocument"] == .string("{}"))
        #expect(value["Tags"] == .list([
            .structure(["key": .string("team"), "value": .string("db")]),
            .structure(["key": .string("env"), "value": .string("a b")]),
        ]))
    }

    @Test func listMembersUseTheirLocationName() throws {
        let value = try decode("rds", "CreateDBInstance", formRequest(
            "DBInstanceIdentifier=db1&DBInstanceClass=db.t3.micro&Engine=postgres"
                + "&VpcSecurityGroupIds.VpcSecurityGroupId.2=sg-2&VpcSecurityGroupIds.VpcSecurityGroupId.1=sg-1"
                + "&Tags.Tag.1.Key=k&Tags.Tag.1.Value=v")).get()
        #expect(value["VpcSecurityGroupIds"] == .list([.string("sg-1"), .string("sg-2")]))
        #expect(value["Tags"] == .list([.structure(["key": .string("k"), "value": .string("v")])]))
    }

    @Test func filtersWithNestedValueListsDecode() throws {
        let value = try decode("rds", "DescribeDBInstances", formRequest(
            "Filters.Filter.1.Name=dbi-resource-id&Filters.Filter.1.Values.Value.1=db-ABC&Filters.Filter.1.Values.Value.2=db-DEF")).get()
        #expect(value["Filters"] == .list([.structure([
            "name": .string("dbi-resource-id"), "values": .list([.string("db-ABC"), .string("db-DEF")]),
        ])]))
    }

    @Test func ec2DialectFlattensLists() throws {
        let value = try decode("ec2", "DescribeVpcs", formRequest(
            "Action=DescribeVpcs&VpcId.1=vpc-1&Filter.1.Name=cidr&Filter.1.Value.1=10.0.0.0/16")).get()
        #expect(value["VpcIds"] == .list([.string("vpc-1")]))
        #expect(value["Filters"] == .list([.structure(["name": .string("cidr"), "values": .list([.string("10.0.0.0/16")])])]))
    }

    @Test func anEmptyValueIsAnEmptyList() throws {
        let value = try decode("iam", "UntagRole", formRequest("RoleName=r&TagKeys=")).get()
        #expect(value["TagKeys"] == .list([]))
    }

    @Test func wrongScalarsBecomeViolations() {
        let result = decode("iam", "ListRoles", formRequest("MaxItems=ten"))
        guard case .failure(let error) = result else { Issue.record("decoded"); return }
        #expect(error.violations == [Violation(path: ["MaxItems"], kind: .wrongType(expected: "integer"), value: "ten")])
    }

    @Test func brokenPercentEncodingIsMalformed() {
        guard case .failure(let error) = decode("iam", "ListRoles", formRequest("MaxItems=%G1")) else { Issue.record("decoded"); return }
        #expect(error.malformedDetail != nil)
    }

    @Test func outputIsWrappedAndNamedByTheModel() throws {
        let codec = model("iam").makeCodec()
        let date = Date(timeIntervalSince1970: 1_700_000_000)
        let output = WireValue.structure([
            "roles": .list([.structure([
                "path": .string("/"), "rolename": .string("r<1>"), "roleid": .string("AROA1"), "arn": .string("arn"),
                "createdate": .timestamp(date), "maxsessionduration": .integer(3600),
            ])]),
            "istruncated": .boolean(false),
        ])
        let response = try codec.encodeOutput(operation("iam", "ListRoles"), output, requestID: "req-1")
        let xml = text(response)
        #expect(response.status == 200)
        #expect(xml.contains(#"<ListRolesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListRolesResult><Roles><member><Path>/</Path><RoleName>r&lt;1&gt;</RoleName>"#))
        #expect(xml.contains("<CreateDate>2023-11-14T22:13:20Z</CreateDate>"))
        #expect(xml.contains("<IsTruncated>false</IsTruncated></ListRolesResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></ListRolesResponse>"))
        #expect(response.headers.contains { $0.name == "x-amzn-RequestId" && $0.value == "req-1" })
    }

    @Test func ec2OutputUsesItemsAndRequestId() throws {
        let codec = model("ec2").makeCodec()
        let output = WireValue.structure(["vpcs": .list([.structure(["vpcid": .string("vpc-1"), "isdefault": .boolean(true)])])])
        let xml = text(try codec.encodeOutput(operation("ec2", "DescribeVpcs"), output, requestID: "r"))
        #expect(xml.contains("<DescribeVpcsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15\"><requestId>r</requestId><vpcSet><item>"))
        #expect(xml.contains("<vpcId>vpc-1</vpcId>"))
        #expect(xml.contains("<isDefault>true</isDefault>"))
    }

    @Test func anOutputMemberTheModelLacksIsRefused() {
        let codec = model("sts").makeCodec()
        let output = WireValue.structure(["account": .string("1"), "acount": .string("typo")])
        #expect(throws: AWSError.self) { try codec.encodeOutput(operation("sts", "GetCallerIdentity"), output, requestID: "r") }
        do {
            _ = try codec.encodeOutput(operation("sts", "GetCallerIdentity"), output, requestID: "r")
        } catch {
            #expect(error.code == "InternalFailure")
            #expect(error.message.contains("acount"))
        }
    }

    @Test func errorsUseTheQueryEnvelope() {
        let xml = text(model("iam").makeCodec().encodeError(AWSError(code: "NoSuchEntity", status: 404, message: "gone & lost"), requestID: "r9"))
        #expect(xml.contains("<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>gone &amp; lost</Message></Error><RequestId>r9</RequestId></ErrorResponse>"))
        let ec2 = text(model("ec2").makeCodec().encodeError(AWSError(code: "InvalidVpcID.NotFound", status: 400, message: "m"), requestID: "r"))
        #expect(ec2.contains("<Response><Errors><Error><Code>InvalidVpcID.NotFound</Code><Message>m</Message></Error></Errors><RequestID>r</RequestID></Response>"))
    }
}
