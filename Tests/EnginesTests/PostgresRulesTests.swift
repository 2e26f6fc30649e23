@testable import Engines
import Foundation
import Testing

/// The pg_hba.conf Kerbside writes: first match wins, so each special role must be decided
/// before the password rule, and end in a `reject` instead of falling through.
@Suite struct PostgresRulesTests {
    let server = PostgresServer(folder: URL(fileURLWithPath: "/tmp/x"), installation: PostgresInstallation(major: 15, bin: URL(fileURLWithPath: "/bin")),
                                user: EngineUser(name: "postgres", uid: 1, gid: 1))

    func rules(iam: Bool, kerberos: Bool, forceSSL: Bool = false, pam: String? = nil) -> [String] {
        let settings = ServerSettings(address: "127.1.2.3", port: 5432, resourceId: "db-ABC", iamAuthentication: iam,
                                      loginGateway: LoginGateway(port: 7389, pamService: pam), kerberos: kerberos,
                                      parameters: forceSSL ? ["rds.force_ssl": "1"] : [:], changeArchive: URL(fileURLWithPath: "/tmp/x/wal"))
        return server.hostRules(settings).split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
    }

    func index(_ rules: [String], _ prefix: String) -> Int? { rules.firstIndex { $0.hasPrefix(prefix) } }

    @Test func specialRolesAreDecidedBeforePasswords() throws {
        let all = rules(iam: true, kerberos: true)
        let password = try #require(index(all, "host all all"))
        let iam = try #require(index(all, "hostssl all +rds_iam"))
        let iamReject = try #require(index(all, "host all +rds_iam 127.0.0.0/8 reject"))
        let gss = try #require(index(all, "host all +rds_ad 127.0.0.0/8 gss include_realm=1"))
        let gssReject = try #require(index(all, "host all +rds_ad 127.0.0.0/8 reject"))
        #expect(iam < iamReject && iamReject < password && gss < gssReject && gssReject < password)
        #expect(all[iam].contains("ldapport=7389") && all[iam].contains("ldapsuffix=\",ou=db-ABC\""))
        #expect(!all.contains { $0.contains("krb_realm") })
    }

    @Test func tokensGoThroughPAMWhenKerbsideHasItsService() throws {
        let all = rules(iam: true, kerberos: false, pam: "kerbside-rds-iam")
        let iam = try #require(index(all, "hostssl all +rds_iam"))
        #expect(all[iam] == "hostssl all +rds_iam 127.0.0.0/8 pam pamservice=kerbside-rds-iam")
        #expect(iam < all.firstIndex(of: "host all +rds_iam 127.0.0.0/8 reject")!)
    }

    @Test func turnedOffMethodsLeaveOnlyTheRejects() {
        let none = rules(iam: false, kerberos: false)
        #expect(!none.contains { $0.contains(" ldap ") || $0.contains(" gss ") })
        #expect(none.contains("host all +rds_iam 127.0.0.0/8 reject") && none.contains("host all +rds_ad 127.0.0.0/8 reject"))
    }

    @Test func forceSSLRequiresTLSForPasswords() {
        let forced = rules(iam: false, kerberos: false, forceSSL: true)
        #expect(forced.contains("hostssl all all 127.0.0.0/8 md5") && forced.last == "host all all 127.0.0.0/8 reject")
    }

    @Test func administratorIsLocalOnly() {
        let all = rules(iam: true, kerberos: true)
        #expect(all.contains("host all rdsadmin 127.0.0.0/8 reject"))
        #expect(all.contains("local all rdsadmin trust"))
    }

    @Test func scramVerifierHasPostgresFormat() {
        let verifier = SCRAM.verifier(for: "pencil", salt: Array(repeating: 1, count: 16))
        let parts = verifier.split(separator: "$")
        #expect(parts.count == 3 && parts[0] == "SCRAM-SHA-256" && parts[1].hasPrefix("4096:"))
        #expect(SCRAM.verifier(for: "pencil", salt: Array(repeating: 1, count: 16)) == verifier)
        #expect(SCRAM.verifier(for: "pencil") != SCRAM.verifier(for: "pencil"))
    }
}

/// Refused logins as PostgreSQL 15 logs them (default `log_line_prefix`).
@Suite struct PostgresLoginLogTests {
    @Test func readsRefusalsWithTheirDetailAcrossReads() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pglog-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("""
            2026-11-30 10:08:45.505 UTC [1231] LOG:  connection received: host=127.1.2.3 port=5555
            2026-11-30 10:08:45.506 UTC [1231] FATAL:  password authentication failed for user "master"
            2026-11-30 10:08:45.506 UTC [1231] DETAIL:  Connection matched pg_hba.conf line 9: "host all all 127.0.0.0/8 md5"
            2026-11-30 10:08:46.001 UTC [1232] FATAL:  GSSAPI authentication failed for user "alice@CORP.EXAMPLE.COM"
            2026-11-30 10:08:46.101 UTC [1233] FATAL:  pg_hba.conf rejects connection for host "127.1.2.3", user "iamuser", database "postgres", no encryption
            2026-11-30 10:08:46.201 UTC [1234] FATAL:  LDAP authentication failed for user "iamuser"
            2026-11-30 10:08:46.251 UTC [1236] FATAL:  PAM authentication failed for user "app"
            2026-11-30 10:08:46.301 UTC [1235] FATAL:  password authentication failed for user "la
            """.utf8).write(to: file)
        var log = PostgresLoginLog(file: file)
        let first = log.newRefusals()
        #expect(first.map(\.method) == ["password", "kerberos", "rules", "iam", "iam"])
        #expect(first[0].user == "master" && first[0].reason.contains("pg_hba.conf line 9"))
        #expect(first[2].user == "iamuser")
        let handle = try FileHandle(forWritingTo: file)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("te\"\n".utf8))
        try handle.close()
        #expect(log.newRefusals().map(\.user) == ["late"])
        #expect(log.newRefusals().isEmpty)
    }
}
