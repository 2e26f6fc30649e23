import AWSWire
import Foundation
import Testing

struct JSONCodecTests {
    private func jsonRequest(_ body: String, target: String) -> WireRequest {
        WireRequest(method: "POST", path: "/", query: "",
                    headers: [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", target)], body: Array(body.utf8))
    }

    @Test func inputDecodesByShape() throws {
        let value = try decode("ds", "CreateMicrosoftAD", jsonRequest(
            #"{"Name":"corp.example.com","Password":"p","VpcSettings":{"VpcId":"vpc-1","SubnetIds":["subnet-a","subnet-b"]},"Unknown":1}"#,
            target: "DirectoryService_20150416.CreateMicrosoftAD")).get()
        #expect(value["Name"] == .string("corp.example.com"))
        #expect(value["VpcSettings"] == .structure(["vpcid": .string("vpc-1"), "subnetids": .list([.string("subnet-a"), .string("subnet-b")])]))
    }

    @Test(arguments: [#"{"Name": 5}"#, #"{"Name": "x", "VpcSettings": []}"#, "[1]", "{", #"{"Name":"\ud800"}"#])
    func wrongJSONIsMalformed(_ body: String) {
        let result = decode("ds", "CreateMicrosoftAD", jsonRequest(body, target: "DirectoryService_20150416.CreateMicrosoftAD"))
        guard case .failure(let error) = result else { Issue.record("decoded \(body)"); return }
        #expect(error.malformedDetail != nil)
    }

    @Test func outputUsesEpochTimestampsAndModelNames() throws {
        let codec = model("ds").makeCodec()
        let output = WireValue.structure(["directorydescriptions": .list([.structure([
            "directoryid": .string("d-1234567890"), "launchtime": .timestamp(Date(timeIntervalSince1970: 1_700_000_000.5)),
            "dnsipaddrs": .list([.string("127.0.0.2")]),
        ])])])
        let body = text(try codec.encodeOutput(operation("ds", "DescribeDirectories"), output, requestID: "r"))
        #expect(body == #"{"DirectoryDescriptions":[{"DirectoryId":"d-1234567890","DnsIpAddrs":["127.0.0.2"],"LaunchTime":1700000000.500}]}"#)
    }

    @Test func errorsCarryTypeMessageAndRequestId() throws {
        let response = model("ds").makeCodec().encodeError(AWSError(code: "EntityDoesNotExistException", status: 400, message: "no d-1"), requestID: "r2")
        #expect(response.status == 400)
        let json = try JSONParser.parse(response.body)
        #expect(json["__type"] == .string("EntityDoesNotExistException"))
        #expect(json["Message"] == .string("no d-1"))
        #expect(json["RequestId"] == .string("r2"))
    }
}

struct RestJSONCodecTests {
    @Test func membersComeFromQueryAndBody() throws {
        let request = WireRequest(method: "POST", path: "/Users/CreateUser", query: "DirectoryId=d-1234567890",
                                  headers: [("Content-Type", "application/json")],
                                  body: Array(#"{"SAMAccountName":"alice","GivenName":"Alice","OtherAttributes":{"department":{"S":"db"}}}"#.utf8))
        let value = try decode("ds-data", "CreateUser", request).get()
        #expect(value["DirectoryId"] == .string("d-1234567890"))
        #expect(value["SAMAccountName"] == .string("alice"))
        #expect(value["OtherAttributes"] == .map(["department": .structure(["s": .string("db")])]))
    }

    @Test func errorsNameTheirTypeInAHeader() throws {
        let error = AWSError(code: "AccessDeniedException", status: 403, message: "data access is off", fields: ["Reason": .string("DATA_DISABLED")])
        let response = model("ds-data").makeCodec().encodeError(error, requestID: "r")
        #expect(response.status == 403)
        #expect(response.headers.contains { $0.name == "x-amzn-ErrorType" && $0.value == "AccessDeniedException" })
        let json = try JSONParser.parse(response.body)
        #expect(json["Message"] == .string("data access is off"))
        #expect(json["Reason"] == .string("DATA_DISABLED"))
    }

    @Test func pathTemplatesMatchLabelsAndLiterals() {
        #expect(RequestPathTemplate("/Users/CreateUser").match("/Users/CreateUser") == [:])
        #expect(RequestPathTemplate("/Users/CreateUser").match("/Users/DeleteUser") == nil)
        #expect(RequestPathTemplate("/things/{Id}").match("/things/a%20b") == ["Id": "a b"])
        #expect(RequestPathTemplate("/objects/{Key+}").match("/objects/a/b/c") == ["Key": "a/b/c"])
        #expect(RequestPathTemplate("/things/{Id}").match("/things") == nil)
    }
}
