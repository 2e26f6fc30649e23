import Foundation
import Runtime

/// How one DB instance's server is set up; rewritten (and reloaded) whenever the instance changes.
public struct PostgresSettings: Sendable, Equatable {
    public var address: String
    public var port: Int
    /// Members of `rds_iam` log in with an IAM token, checked by Kerbside's LDAP bind responder.
    public var iamAuthentication: Bool
    public var ldapPort: Int
    /// The immutable id the responder knows the instance by (`DbiResourceId`).
    public var resourceId: String
    /// Members of `rds_ad` log in with Kerberos when the instance has joined a directory.
    public var kerberos: Bool
    public var forceSSL: Bool
    public var caseInsensitiveKerberosUsers: Bool
    public var passwordEncryption: String
    public var logConnections: Bool
    /// Set for the first start of a restored instance: replay archived WAL, then promote.
    public var recovery: Recovery?

    public struct Recovery: Sendable, Equatable {
        /// The source instance's WAL archive.
        public var walArchive: URL
        /// Stop replay here (a point-in-time restore); nil replays everything archived.
        public var targetTime: Date?

        public init(walArchive: URL, targetTime: Date?) {
            self.walArchive = walArchive
            self.targetTime = targetTime
        }
    }

    public init(address: String, port: Int, iamAuthentication: Bool, ldapPort: Int, resourceId: String, kerberos: Bool,
                forceSSL: Bool = false, caseInsensitiveKerberosUsers: Bool = false, passwordEncryption: String = "scram-sha-256",
                logConnections: Bool = false) {
        self.address = address
        self.port = port
        self.iamAuthentication = iamAuthentication
        self.ldapPort = ldapPort
        self.resourceId = resourceId
        self.kerberos = kerberos
        self.forceSSL = forceSSL
        self.caseInsensitiveKerberosUsers = caseInsensitiveKerberosUsers
        self.passwordEncryption = passwordEncryption
        self.logConnections = logConnections
        self.recovery = nil
    }
}

/// One PostgreSQL server standing in for one DB instance: its folder (data directory, socket,
/// TLS files, keytab, WAL archive, log), owned by the engine user, and its process.
public struct PostgresInstance: Sendable {
    public let folder: URL
    public let installation: PostgresInstallation
    public let user: EngineUser

    public init(folder: URL, installation: PostgresInstallation, user: EngineUser) {
        self.folder = folder
        self.installation = installation
        self.user = user
    }

    public var dataDirectory: URL { folder.appendingPathComponent("pgdata") }
    public var socketDirectory: URL { folder.appendingPathComponent("run") }
    public var keytab: URL { folder.appendingPathComponent("krb5.keytab") }
    public var walArchive: URL { folder.appendingPathComponent("wal") }
    public var logFile: URL { folder.appendingPathComponent("postgresql.log") }
    var certificateFile: URL { folder.appendingPathComponent("tls/server.crt") }
    var keyFile: URL { folder.appendingPathComponent("tls/server.key") }
    public var pidFile: URL { dataDirectory.appendingPathComponent("postmaster.pid") }

    /// Makes the folder and copies `source` (the template, or a snapshot's data) into it.
    /// With `adopting`, `source` is a copy made for this instance beforehand and is moved in.
    public func create(from source: URL, adopting: Bool = false) async throws {
        let files = FileManager.default
        // The engine user passes through the parent (0711) but lists nothing in it.
        try files.createDirectory(at: folder.deletingLastPathComponent(), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o711])
        try files.createDirectory(at: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        try user.own(folder)
        if adopting {
            try files.moveItem(at: source, to: dataDirectory)
        } else {
            try await Self.copy(source, to: dataDirectory)
        }
        try? files.removeItem(at: dataDirectory.appendingPathComponent("postmaster.pid"))
        for directory in [socketDirectory, walArchive, folder.appendingPathComponent("tls")] {
            try files.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try user.own(directory)
        }
        try user.own(dataDirectory)
    }

    /// `cp -a`: keeps the engine user's ownership and modes.
    public static func copy(_ source: URL, to target: URL) async throws {
        let copy = try await Command("/bin/cp", ["-a", source.path, target.path], environment: ["PATH": "/usr/bin:/bin"], timeout: .seconds(120)).run()
        guard copy.succeeded else { throw EngineError("could not copy \(source.path): \(copy.standardError)") }
    }

    /// Writes the instance's settings (`kerbside.conf`) and its client rules (`pg_hba.conf`).
    public func configure(_ settings: PostgresSettings) throws {
        let conf = """
            # Written by Kerbside for this DB instance; changed through RDS, not by hand.
            listen_addresses = '\(settings.address)'
            port = \(settings.port)
            unix_socket_directories = '\(socketDirectory.path)'
            ssl = on
            ssl_cert_file = '\(certificateFile.path)'
            ssl_key_file = '\(keyFile.path)'
            krb_server_keyfile = 'FILE:\(keytab.path)'
            krb_caseins_users = \(settings.caseInsensitiveKerberosUsers ? "on" : "off")
            password_encryption = '\(settings.passwordEncryption)'
            log_connections = \(settings.logConnections ? "on" : "off")
            logging_collector = off
            shared_buffers = 16MB
            max_connections = 100
            wal_level = replica
            archive_mode = on
            archive_command = 'test ! -f \(walArchive.path)/%f && cp %p \(walArchive.path)/%f'
            archive_timeout = 60

            """
        var recoveryLines = ""
        let signal = dataDirectory.appendingPathComponent("recovery.signal")
        if let recovery = settings.recovery {
            recoveryLines = "restore_command = 'cp \(recovery.walArchive.path)/%f %p'\nrecovery_target_action = 'promote'\n"
            if let target = recovery.targetTime {
                recoveryLines += "recovery_target_time = '\(Self.timestamp(target))'\nrecovery_target_inclusive = true\n"
            }
            try write("", to: signal)
        }
        try write(conf + recoveryLines, to: dataDirectory.appendingPathComponent("kerbside.conf"))
        try write(hostRules(settings), to: dataDirectory.appendingPathComponent("pg_hba.conf"))
    }

    /// RDS's login rules: `rds_iam` members only with an IAM token over TLS, `rds_ad` members only
    /// with Kerberos, everyone else with a password (over TLS when `rds.force_ssl` is on).
    /// First match wins, so each special role ends in a `reject`: no fall-through to passwords.
    func hostRules(_ settings: PostgresSettings) -> String {
        let network = "127.0.0.0/8"
        var rules = [
            "# Written by Kerbside. First match wins.",
            "local all \(PostgresTemplate.administrator) trust",
            "local replication \(PostgresTemplate.administrator) trust",
            "local all all reject",
        ]
        if settings.iamAuthentication {
            rules.append("hostssl all +rds_iam \(network) ldap ldapserver=127.0.0.1 ldapport=\(settings.ldapPort) ldapprefix=\"cn=\" ldapsuffix=\",ou=\(settings.resourceId)\"")
        }
        rules.append("host all +rds_iam \(network) reject")
        if settings.kerberos {
            rules.append("host all +rds_ad \(network) gss include_realm=1")
        }
        rules.append("host all +rds_ad \(network) reject")
        rules.append("host all \(PostgresTemplate.administrator) \(network) reject")
        // `md5` accepts SCRAM-stored passwords with SCRAM and md5-stored ones (password_encryption = md5).
        rules.append("\(settings.forceSSL ? "hostssl" : "host") all all \(network) md5")
        if settings.forceSSL { rules.append("host all all \(network) reject") }
        return rules.joined(separator: "\n") + "\n"
    }

    public var hasTLS: Bool {
        FileManager.default.fileExists(atPath: certificateFile.path) && FileManager.default.fileExists(atPath: keyFile.path)
    }

    public func installTLS(certificatePEM: String, keyPEM: String) throws {
        try write(certificatePEM, to: certificateFile)
        try write(keyPEM, to: keyFile)
    }

    /// The keytab the server accepts Kerberos tickets with (written by kadmin as root).
    public func adoptKeytab() throws {
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keytab.path)
        try user.own(keytab)
    }

    private func write(_ text: String, to file: URL) throws {
        try CertificateAuthority.writePrivate(text, to: file)
        try user.own(file)
    }

    /// The server as a supervised child, run as the engine user; fast shutdown (SIGINT) on stop.
    public func spec(name: String, port: Int) -> ChildSpec {
        let installation = self.installation, socket = socketDirectory
        return ChildSpec(
            name: name, executable: installation.tool("postgres"), arguments: ["-D", dataDirectory.path],
            environment: ["PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"], workingDirectory: folder.path, logFile: logFile.path,
            user: user.runAs, readinessTimeout: .seconds(30),
            stopSignal: SIGINT, stopGrace: .seconds(10),
            isReady: {
                let probe = try? await Command(installation.tool("pg_isready"), ["-h", socket.path, "-p", String(port), "-U", PostgresTemplate.administrator, "-d", "postgres", "-q"],
                                               environment: ["PATH": "/usr/bin:/bin"], timeout: .seconds(5)).run()
                return probe?.succeeded ?? false
            })
    }

    /// `2026-11-30 10:15:30.123456+00`, the form `recovery_target_time` reads.
    static func timestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss.SSSSSS"
        return formatter.string(from: date) + "+00"
    }

    /// A consistent copy of the running server's data in `target` (which must not exist), taken
    /// with `pg_basebackup` over the private socket: no downtime, nothing half-written.
    public func backup(to target: URL, port: Int) async throws {
        let parent = target.deletingLastPathComponent()
        // Not the folders above it: an instance (or snapshot store) removed meanwhile stays removed.
        if !FileManager.default.fileExists(atPath: parent.path) {
            try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        }
        try user.own(parent)
        let result = try await Command(installation.tool("pg_basebackup"),
            ["-h", socketDirectory.path, "-p", String(port), "-U", PostgresTemplate.administrator, "-D", target.path,
             "-X", "stream", "-c", "fast", "-N"],
            environment: ["PATH": "/usr/bin:/bin"], timeout: .seconds(300), user: user.runAs).run()
        guard result.succeeded else {
            try? FileManager.default.removeItem(at: target)
            throw EngineError("pg_basebackup failed: \(result.standardError.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }

    /// Closes the current WAL segment and waits (bounded) until it is archived, so the archive
    /// holds every change made until now.
    public func archiveCurrentWAL(port: Int) async throws {
        let segment = try await sql("SELECT pg_walfile_name(pg_switch_wal());", port: port).trimmingCharacters(in: .whitespacesAndNewlines)
        let archived = walArchive.appendingPathComponent(segment)
        let deadline = ContinuousClock.now + .seconds(30)
        while !FileManager.default.fileExists(atPath: archived.path) {
            guard ContinuousClock.now < deadline else { throw EngineError("WAL segment \(segment) was not archived within 30 s") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Waits (bounded) until a server started in recovery has replayed and been promoted.
    public func waitUntilPromoted(port: Int, timeout: Duration = .seconds(120)) async throws {
        let deadline = ContinuousClock.now + timeout
        while try await sql("SELECT pg_is_in_recovery();", port: port).trimmingCharacters(in: .whitespacesAndNewlines) == "t" {
            guard ContinuousClock.now < deadline else { throw EngineError("recovery did not finish within \(timeout)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Runs SQL as `rdsadmin` over the instance's private socket. SQL goes in on standard input.
    @discardableResult
    public func sql(_ script: String, port: Int) async throws -> String {
        let result = try await Command(installation.tool("psql"),
            ["-h", socketDirectory.path, "-p", String(port), "-U", PostgresTemplate.administrator, "-d", "postgres",
             "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"],
            environment: ["PATH": "/usr/bin:/bin", "PGCONNECT_TIMEOUT": "10"], timeout: .seconds(60)).run(input: script)
        guard result.succeeded else { throw EngineError(result.standardError.trimmingCharacters(in: .whitespacesAndNewlines)) }
        return result.standardOutput
    }

    public func destroy() throws {
        if FileManager.default.fileExists(atPath: folder.path) { try FileManager.default.removeItem(at: folder) }
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// SQL text helpers: identifiers in double quotes, literals in single quotes.
public enum SQLText {
    public static func identifier(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
    public static func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
}
