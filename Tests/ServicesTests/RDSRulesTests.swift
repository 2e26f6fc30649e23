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

/// The catalog's engines: versions a request may name, families, and what runs.
@Suite struct RDSCatalogTests {
    @Test func majorsResolveToTheirNewestVersionOrTheEngineDefault() {
        #expect(RDSCatalog.resolveVersion(engine: "aurora-postgresql", requested: nil) == "16.8")
        #expect(RDSCatalog.resolveVersion(engine: "aurora-postgresql", requested: "16") == "16.8")
        #expect(RDSCatalog.resolveVersion(engine: "aurora-postgresql", requested: "15") == "15.13")
        #expect(RDSCatalog.resolveVersion(engine: "aurora-postgresql", requested: "15.10") == "15.10")
        #expect(RDSCatalog.resolveVersion(engine: "aurora-mysql", requested: "8.0") == "8.0.mysql_aurora.3.08.2")
        #expect(RDSCatalog.resolveVersion(engine: "postgres", requested: "16") == "16.9")
        #expect(RDSCatalog.resolveVersion(engine: "aurora-postgresql", requested: "9.6") == nil)
        #expect(RDSCatalog.resolveVersion(engine: "oracle-ee", requested: nil) == nil)
    }

    @Test func familiesNameTheirEngineAndMajor() {
        #expect(RDSCatalog.family(engine: "aurora-postgresql", version: "16.8") == "aurora-postgresql16")
        #expect(RDSCatalog.family(engine: "aurora-mysql", version: "8.0.mysql_aurora.3.08.2") == "aurora-mysql8.0")
        #expect(RDSParameters.Family("aurora-postgresql15").map { ($0.major, $0.isPostgres, $0.isAurora) } ?? (0, false, false) == (15, true, true))
        #expect(RDSParameters.Family("aurora-mysql8.0")?.isPostgres == false)
        #expect(ParameterGroupRules.families(.cluster).allSatisfy { $0.hasPrefix("aurora-") })
        #expect(ParameterGroupRules.families(.instance).contains("postgres16"))
    }

    @Test func auroraPostgresLeavesForceSSLOffAndRDSForPostgresTurnsItOn() {
        let value = { (family: String) in RDSParameters.shapes(family: family, set: []).first { $0.parameterName == "rds.force_ssl" }?.parameterValue }
        #expect(value("aurora-postgresql16") == "0")
        #expect(value("postgres16") == "1")
        #expect(value("postgres14") == "0")
        #expect(RDSParameters.shapes(family: "aurora-mysql8.0", set: []).contains { $0.parameterName == "require_secure_transport" })
    }

    @Test func clusterEndpointsShareTheInstancesTwelveCharacters() {
        let uid = InstanceRules.endpointUID("123456789012", "us-east-1")
        #expect(ClusterNames.host("orders", kind: "cluster-ro", "123456789012", "us-east-1") == "orders.cluster-ro-\(uid).us-east-1.rds.amazonaws.com")
        #expect(InstanceRules.endpointHost("orders-1", "123456789012", "us-east-1") == "orders-1.\(uid).us-east-1.rds.amazonaws.com")
    }
}
