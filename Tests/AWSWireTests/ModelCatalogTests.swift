import AWSWire
import Testing

struct ModelCatalogTests {
    @Test(arguments: [
        ("sts", WireProtocol.query, "2011-06-15"), ("iam", .query, "2010-05-08"), ("rds", .query, "2014-10-31"),
        ("ds", .json, "2015-04-16"), ("ds-data", .restJSON, "2023-05-31"), ("ec2", .ec2, "2016-11-15"),
    ])
    func everyServedModelLoads(signingName: String, wireProtocol: WireProtocol, version: String) {
        let model = model(signingName)
        #expect(model.metadata.wireProtocol == wireProtocol)
        #expect(model.metadata.apiVersion == version)
        #expect(!model.operations.isEmpty)
    }

    @Test func lookupsFindTheRightService() {
        #expect(catalog.model(targetPrefix: "DirectoryService_20150416")?.metadata.signingName == "ds")
        #expect(catalog.model(queryAPIVersion: "2010-05-08")?.metadata.signingName == "iam")
        #expect(catalog.model(queryAPIVersion: "2023-05-31") == nil)
    }

    @Test func membersKeepModelOrderAndLocationNames() throws {
        let shape = try #require(model("iam").shape(named: "Role")?.structure)
        #expect(shape.members.prefix(4).map(\.name) == ["Path", "RoleName", "RoleId", "Arn"])
        #expect(shape.required.contains("CreateDate"))
        let listShape = try #require(model("rds").shape(named: "VpcSecurityGroupIdList"))
        guard case .list(let list) = listShape.kind else { Issue.record("not a list"); return }
        #expect(list.memberWireName == "VpcSecurityGroupId")
    }

    @Test func modeledErrorsCarryCodeAndStatus() throws {
        let error = try #require(model("iam").errorShape(code: "NoSuchEntity")?.error)
        #expect(error.httpStatusCode == 404)
        #expect(model("rds").errorShape(code: "DBInstanceNotFound")?.error?.httpStatusCode == 404)
        #expect(model("ds").errorShape(code: "EntityDoesNotExistException") != nil)
    }
}
