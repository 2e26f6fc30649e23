import AWSWire
import Testing

struct LocatorTests {
    let locator = OperationLocator(catalog: catalog)

    private func located(_ request: WireRequest, _ signingName: String? = nil) -> LocatedOperation? {
        if case .success(let found) = locator.locate(request, signingName: signingName) { return found }
        return nil
    }

    private func failure(_ request: WireRequest, _ signingName: String? = nil) -> AWSError? {
        if case .failure(let failure) = locator.locate(request, signingName: signingName) { return failure.error }
        return nil
    }

    @Test func queryRequestsAreFoundByScopeOrVersion() {
        #expect(located(formRequest("Action=GetCallerIdentity&Version=2011-06-15"))?.operation.name == "GetCallerIdentity")
        #expect(located(formRequest("Action=ListRoles&Version=2010-05-08"), "iam")?.model.metadata.signingName == "iam")
        #expect(located(formRequest("Action=DescribeDBInstances"), "rds")?.operation.name == "DescribeDBInstances")
    }

    @Test func presignedGetsCarryTheirParametersInTheQuery() {
        let request = WireRequest(method: "GET", path: "/", query: "Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Signature=x", headers: [], body: [])
        #expect(located(request)?.operation.name == "GetCallerIdentity")
    }

    @Test func jsonRequestsAreFoundByTarget() {
        let request = WireRequest(method: "POST", path: "/", query: "", headers: [("X-Amz-Target", "DirectoryService_20150416.DescribeDirectories")], body: [])
        #expect(located(request)?.operation.name == "DescribeDirectories")
    }

    @Test func restRequestsAreFoundByMethodAndPath() {
        let request = WireRequest(method: "POST", path: "/GroupMemberships/AddGroupMember", query: "DirectoryId=d-1", headers: [], body: [])
        #expect(located(request, "ds-data")?.operation.name == "AddGroupMember")
        #expect(located(request)?.operation.name == "AddGroupMember")
    }

    @Test func unknownOperationsGetEachProtocolsError() {
        let query = failure(formRequest("Action=Frobnicate&Version=2010-05-08"))
        #expect(query?.code == "InvalidAction")
        #expect(query?.message == "Could not find operation Frobnicate for version 2010-05-08")
        #expect(failure(formRequest("Version=2010-05-08"))?.code == "MissingAction")
        let json = failure(WireRequest(method: "POST", path: "/", query: "", headers: [("X-Amz-Target", "DirectoryService_20150416.Frobnicate")], body: []))
        #expect(json?.code == "UnknownOperationException")
        let rest = failure(WireRequest(method: "POST", path: "/Users/Frobnicate", query: "", headers: [], body: []), "ds-data")
        #expect(rest?.code == "UnknownOperationException")
        #expect(rest?.status == 404)
        #expect(failure(formRequest("Action=X&Version=1999-01-01"))?.code == "InvalidAction")
    }
}
