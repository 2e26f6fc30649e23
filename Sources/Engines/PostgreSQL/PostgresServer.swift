import Foundation
import Runtime
#if canImport(Glibc)
import Glibc
#endif

/// One PostgreSQL server standing in for one DB instance or cluster member: its folder (data
/// directory, socket, TLS files, keytab, log), owned by the engine user, and its process.
public struct PostgresServer: DatabaseServer {
    public let folder: URL
    public let installation: PostgresInstallation
    public let user: EngineUser

    private let files: ServerFolder

    public init(folder: URL, installation: PostgresInstallation, user: EngineUser) {
        self.folder = folder
        self.installation = installation
        self.user = user
        files = ServerFolder(folder, user: user, data: "pgdata", subfolders: ["run"])
    }

    public var dataDirectory: URL { files.dataDirectory }
    public var socketDirectory: URL { folder.appendingPathComponent("run") }
    public var keytab: URL { files.keytab }
    public var logFile: URL { folder.appendingPathComponent("postgresql.log") }
    var certificateFile: URL { files.certificateFile }
    var keyFile: URL { files.keyFile }
    var pidFile: URL { dataDirectory.appendingPathComponent("postmaster.pid") }
    private var standbySignal: URL { dataDirectory.appendingPathComponent("standby.signal") }
    private var recoverySignal: URL { dataDirectory.appendingPathComponent("recovery.signal") }
    private var environment: [String: String] { ["PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"] }

    // MARK: - Files

    public func create(from source: URL, adopting: Bool) async throws {
        try await files.fill(from: source, adopting: adopting)
        try? FileManager.default.removeItem(at: pidFile)
    }

    public func createReplica(of primary: ReplicationSource) async throws {
        try files.make()
        // Over the primary's private socket, as the engine user that runs both; no fsync: the
        // replica's first start syncs the whole directory at once (syncfs), which is faster.
        let result = try await Command(installation.tool("pg_basebackup"),
            ["-h", primary.folder.appendingPathComponent("run").path, "-p", String(primary.port), "-U", PostgresTemplate.administrator,
             "-D", dataDirectory.path, "-X", "stream", "-c", "fast", "-N"],
            environment: environment, timeout: .seconds(300), user: user.runAs).run()
        guard result.succeeded else {
            throw EngineError("the replica's copy of its primary failed: \(result.standardError.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }

    public func moveData(to target: URL) throws { try files.moveData(to: target) }

    public func destroy() throws { try files.destroy() }

    // MARK: - Settings

    /// Writes the server's settings (`kerbside.conf`, included by the template's
    /// postgresql.conf) and its client rules (`pg_hba.conf`).
    public func configure(_ settings: ServerSettings) throws {
        try files.makePrivateFolder(settings.changeArchive)
        let archive = settings.changeArchive.path
        var conf = """
            # Written by Kerbside for this server; changed through RDS, not by hand.
            listen_addresses = '\(settings.address)'
            port = \(settings.port)
            unix_socket_directories = '\(socketDirectory.path)'
            ssl = on
            ssl_cert_file = '\(certificateFile.path)'
            ssl_key_file = '\(keyFile.path)'
            krb_server_keyfile = 'FILE:\(keytab.path)'
            krb_caseins_users = \(settings.isOn("krb_caseins_users") ? "on" : "off")
            password_encryption = '\(settings.parameters["password_encryption"] ?? "scram-sha-256")'
            log_connections = \(settings.isOn("log_connections") ? "on" : "off")
            logging_collector = off
            shared_buffers = 16MB
            max_connections = 100
            wal_level = replica
            max_wal_senders = 10
            wal_keep_size = 64MB
            hot_standby = on
            recovery_init_sync_method = syncfs
            archive_mode = on
            archive_command = 'test ! -f \(archive)/%f && cp %p \(archive)/%f'
            archive_timeout = 60

            """
        switch settings.role {
        case .primary:
            if settings.recovery == nil { try? FileManager.default.removeItem(at: standbySignal) }
        case .replica(let primary):
            conf += "primary_conninfo = 'host=\(primary.folder.appendingPathComponent("run").path) port=\(primary.port) user=\(PostgresTemplate.administrator) application_name=\(primary.replicaName)'\n"
            try write("", to: standbySignal)
        }
        if let recovery = settings.recovery {
            conf += "restore_command = 'cp \(recovery.archive.path)/%f %p'\nrecovery_target_action = 'promote'\n"
            if let target = recovery.targetTime {
                conf += "recovery_target_time = '\(Self.timestamp(target))'\nrecovery_target_inclusive = true\n"
            }
            try write("", to: recoverySignal)
        }
        try write(conf, to: dataDirectory.appendingPathComponent("kerbside.conf"))
        try write(hostRules(settings), to: dataDirectory.appendingPathComponent("pg_hba.conf"))
    }

    /// RDS's login rules: `rds_iam` members only with an IAM token over TLS, `rds_ad` members only
    /// with Kerberos, everyone else with a password (over TLS when `rds.force_ssl` is on).
    /// First match wins, so each special role ends in a `reject`: no fall-through to passwords.
    func hostRules(_ settings: ServerSettings) -> String {
        let network = "127.0.0.0/8"
        let forceSSL = settings.isOn("rds.force_ssl")
        var rules = [
            "# Written by Kerbside. First match wins.",
            "local all \(PostgresTemplate.administrator) trust",
            "local replication \(PostgresTemplate.administrator) trust",
            "local all all reject",
        ]
        if settings.iamAuthentication {
            if let service = settings.loginGateway.pamService {
                // The PAM module reads the gateway's port and this server's id from the
                // server's environment (`spec`), and relays the token to the gateway.
                rules.append("hostssl all +rds_iam \(network) pam pamservice=\(service)")
            } else {
                rules.append("hostssl all +rds_iam \(network) ldap ldapserver=127.0.0.1 ldapport=\(settings.loginGateway.port) ldapprefix=\"cn=\" ldapsuffix=\",ou=\(settings.resourceId)\"")
            }
        }
        rules.append("host all +rds_iam \(network) reject")
        if settings.kerberos {
            rules.append("host all +rds_ad \(network) gss include_realm=1")
        }
        rules.append("host all +rds_ad \(network) reject")
        rules.append("host all \(PostgresTemplate.administrator) \(network) reject")
        // `md5` accepts SCRAM-stored passwords with SCRAM and md5-stored ones (password_encryption = md5).
        rules.append("\(forceSSL ? "hostssl" : "host") all all \(network) md5")
        if forceSSL { rules.append("host all all \(network) reject") }
        return rules.joined(separator: "\n") + "\n"
    }

    public var hasTLS: Bool { files.hasTLS }

    public func installTLS(certificatePEM: String, keyPEM: String) throws {
        try files.installTLS(certificatePEM: certificatePEM, keyPEM: keyPEM)
    }

    public func adoptKeytab() throws { try files.adoptKeytab() }

    private func write(_ text: String, to file: URL) throws { try files.write(text, to: file) }

    // MARK: - Process

    /// The server as a supervised child, run as the engine user; fast shutdown (SIGINT) on stop.
    /// The environment tells Kerbside's PAM module where the login gateway is and which server
    /// asks (PostgreSQL's backends inherit it).
    public func spec(name: String, settings: ServerSettings) -> ChildSpec {
        let installation = self.installation, socket = socketDirectory, port = settings.port
        var environment = self.environment
        environment["KERBSIDE_LOGIN_GATEWAY"] = "127.0.0.1:\(settings.loginGateway.port)"
        environment["KERBSIDE_RESOURCE_ID"] = settings.resourceId
        return ChildSpec(
            name: name, executable: installation.tool("postgres"), arguments: ["-D", dataDirectory.path],
            environment: environment, workingDirectory: folder.path, logFile: logFile.path,
            user: user.runAs, readinessTimeout: .seconds(30),
            stopSignal: SIGINT, stopGrace: .seconds(10),
            isReady: {
                let probe = try? await Command(installation.tool("pg_isready"), ["-h", socket.path, "-p", String(port), "-U", PostgresTemplate.administrator, "-d", "postgres", "-q"],
                                               environment: ["PATH": "/usr/bin:/bin"], timeout: .seconds(5)).run()
                return probe?.succeeded ?? false
            })
    }

    public func stopOrphan() async {
        await Orphans.stop(pidFile: pidFile, program: "postgres", marker: dataDirectory.path, signal: SIGINT)
    }

    /// PostgreSQL rereads everything Kerbside writes (login rules, keytab, parameters) on a reload.
    public func reload(_ settings: ServerSettings) async throws -> ReloadOutcome {
        try await administer("SELECT pg_reload_conf();", port: settings.port)
        return .applied
    }

    /// Its settings file says everything, replication included.
    public func started(_ settings: ServerSettings) async throws {}

    // MARK: - Users

    public func createMasterUser(_ name: String, passwordVerifier: String, database: String?, port: Int) async throws {
        let master = SQLText.identifier(name)
        // As on RDS the master user owns the `postgres` database (and so its public schema).
        var sql = "CREATE ROLE \(master) LOGIN CREATEROLE CREATEDB IN ROLE rds_superuser PASSWORD \(SQLText.literal(passwordVerifier));\n"
        sql += "ALTER DATABASE postgres OWNER TO \(master);\n"
        if let database {
            sql += "CREATE DATABASE \(SQLText.identifier(database)) OWNER \(master);\n"
        }
        try await administer(sql, port: port)
    }

    public func setPassword(of user: String, passwordVerifier: String, port: Int) async throws {
        try await administer("ALTER ROLE \(SQLText.identifier(user)) PASSWORD \(SQLText.literal(passwordVerifier));", port: port)
    }

    // MARK: - Backups and replication

    /// `pg_basebackup` over the private socket: no downtime, nothing half-written.
    public func backup(to target: URL, port: Int) async throws {
        try files.makeBackupFolder(for: target)
        let result = try await Command(installation.tool("pg_basebackup"),
            ["-h", socketDirectory.path, "-p", String(port), "-U", PostgresTemplate.administrator, "-D", target.path,
             "-X", "stream", "-c", "fast", "-N"],
            environment: environment, timeout: .seconds(300), user: user.runAs).run()
        guard result.succeeded else {
            try? FileManager.default.removeItem(at: target)
            throw EngineError("pg_basebackup failed: \(result.standardError.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }

    /// Closes the current WAL segment and waits (bounded) until it is archived.
    public func archiveNow(port: Int) async throws {
        let segment = try await administer("SELECT pg_walfile_name(pg_switch_wal());", port: port).trimmingCharacters(in: .whitespacesAndNewlines)
        let archive = try currentArchive()
        let archived = archive.appendingPathComponent(segment)
        let deadline = ContinuousClock.now + .seconds(30)
        while !FileManager.default.fileExists(atPath: archived.path) {
            guard ContinuousClock.now < deadline else { throw EngineError("WAL segment \(segment) was not archived within 30 s") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// The archive folder the server's settings name.
    private func currentArchive() throws -> URL {
        let conf = try String(contentsOf: dataDirectory.appendingPathComponent("kerbside.conf"), encoding: .utf8)
        guard let line = conf.split(separator: "\n").first(where: { $0.hasPrefix("archive_command") }),
              let path = line.split(separator: " ").last?.split(separator: "/%f").first else {
            throw EngineError("the server's settings name no WAL archive")
        }
        return URL(fileURLWithPath: String(path))
    }

    public func waitUntilPromoted(port: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(120)
        while try await administer("SELECT pg_is_in_recovery();", port: port).trimmingCharacters(in: .whitespacesAndNewlines) == "t" {
            guard ContinuousClock.now < deadline else { throw EngineError("recovery did not finish within 120 s") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The last checkpoint of the stopped server (a clean shutdown writes one and streams it to
    /// the replicas before exiting).
    public func stoppedPosition() async throws -> ReplicationPosition {
        let control = try await controlData()
        guard let lsn = control["Latest checkpoint location"] else { throw EngineError("pg_controldata names no checkpoint") }
        return ReplicationPosition(lsn)
    }

    public func wasStoppedCleanly() async -> Bool {
        guard let state = try? await controlData()["Database cluster state"] else { return false }
        return state == "shut down" || state == "shut down in recovery"
    }

    private func controlData() async throws -> [String: String] {
        let result = try await Command(installation.tool("pg_controldata"), ["-D", dataDirectory.path],
                                       environment: environment, timeout: .seconds(10), user: user.runAs).run()
        guard result.succeeded else { throw EngineError("pg_controldata failed: \(result.standardError)") }
        var values: [String: String] = [:]
        for line in result.standardOutput.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            values[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return values
    }

    public func waitUntilReplayed(_ position: ReplicationPosition, port: Int, timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        let query = "SELECT coalesce(pg_last_wal_replay_lsn() >= \(SQLText.literal(position.value))::pg_lsn, false);"
        while try await administer(query, port: port).trimmingCharacters(in: .whitespacesAndNewlines) != "t" {
            guard ContinuousClock.now < deadline else { throw EngineError("the replica did not replay up to \(position) within \(timeout)") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    public func promote(port: Int) async throws {
        let promoted = try await administer("SELECT pg_promote(true, 60);", port: port).trimmingCharacters(in: .whitespacesAndNewlines)
        guard promoted == "t" else { throw EngineError("the replica was not promoted within 60 s") }
    }

    /// `2026-11-30 10:15:30.123456+00`, the form `recovery_target_time` reads.
    static func timestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss.SSSSSS"
        return formatter.string(from: date) + "+00"
    }

    // MARK: - Administration

    /// Runs SQL as `rdsadmin` over the server's private socket. SQL goes in on standard input.
    @discardableResult
    public func administer(_ script: String, port: Int) async throws -> String {
        let result = try await Command(installation.tool("psql"),
            ["-h", socketDirectory.path, "-p", String(port), "-U", PostgresTemplate.administrator, "-d", "postgres",
             "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"],
            environment: ["PATH": "/usr/bin:/bin", "PGCONNECT_TIMEOUT": "10"], timeout: .seconds(60)).run(input: script)
        guard result.succeeded else { throw EngineError(result.standardError.trimmingCharacters(in: .whitespacesAndNewlines)) }
        return result.standardOutput
    }

    public func loginLog() -> any LoginLog { PostgresLoginLog(file: logFile) }
}

/// SQL text helpers: identifiers in double quotes, literals in single quotes.
public enum SQLText {
    public static func identifier(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
    public static func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
}
