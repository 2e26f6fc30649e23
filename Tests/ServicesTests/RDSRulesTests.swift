import AWSWire
@testable import Services
import Testing

/// RDS's rules for names and secrets, table-driven: what AWS accepts and refuses.
@Suite struct RDSRulesTests {
    @Test(arguments: ["a", "kerbdb", "App-DB-1", String(repeating: "a", count: 63)])
    func acceptsIdentifiers(_ name: String) throws {
        #expect(try InstanceRules.identifier(name, member: "DBInstanceIdentifier") == name.lowercased())
    }

    @Test(arguments: ["", "1db", "-db", "db-", "d--b", "under_score", "dötted", String(repeating: "a", count: 64)])
    func refusesIdentifiers(_ name: String) {
        #expect(throws: AWSError.self) { try InstanceRules.identifier(name, member: "DBInstanceIdentifier") }
    }

    @Test(arguments: ["Master-Pass-1", "12345678", String(repeating: "x", count: 128)])
    func acceptsPasswords(_ password: String) throws {
        try InstanceRules.masterPassword(password)
    }

    @Test(arguments: ["short", "has space 123", "has/slash1", "has\"quote1", "has@at-123", String(repeating: "x", count: 129), "ümlaut-123"])
    func refusesPasswords(_ password: String) {
        #expect(throws: AWSError.self) { try InstanceRules.masterPassword(password) }
    }

    @Test(arguments: ["postgres", "master", "app_admin"])
    func acceptsMasterUsers(_ name: String) throws {
        #expect(try InstanceRules.masterUsername(name) == name)
    }

    @Test(arguments: ["rdsadmin", "RDS_IAM", "pg_monitor", "1user", "has-dash", ""])
    func refusesMasterUsers(_ name: String) {
        #expect(throws: AWSError.self) { try InstanceRules.masterUsername(name) }
    }

    @Test func endpointsAreAWSShapedAndStablePerAccountAndRegion() {
        let host = InstanceRules.endpointHost("kerbdb", "123456789012", "us-east-1")
        let parts = host.split(separator: ".")
        #expect(parts.count == 6 && parts[0] == "kerbdb" && parts[2] == "us-east-1" && host.hasSuffix(".rds.amazonaws.com"))
        #expect(parts[1].count == 12 && parts[1].allSatisfy { $0.isLowercase || $0.isNumber })
        #expect(InstanceRules.endpointHost("other", "123456789012", "us-east-1").hasSuffix(parts.dropFirst().joined(separator: ".")))
        #expect(InstanceRules.endpointHost("kerbdb", "111122223333", "us-east-1") != host)
    }

    @Test(arguments: [(nil as Int?, true), (1150, true), (65535, true), (80, false), (65536, false)])
    func portsAreInRDSRange(_ port: Int?, _ valid: Bool) {
        if valid {
            #expect((try? InstanceRules.port(port)) != nil || port == nil)
        } else {
            #expect(throws: AWSError.self) { try InstanceRules.port(port) }
        }
    }
}
