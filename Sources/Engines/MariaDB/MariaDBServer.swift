import Foundation
import Runtime
#if canImport(Glibc)
import Glibc
#endif

/// One MariaDB server standing in for one MySQL-family DB instance or cluster member: its folder
/// (data directory, private socket, settings, TLS files, keytab, log), owned by the engine user,
/// and its process. It listens on no TCP port: Kerbside's MySQL front door holds the endpoint
/// (`ServerSettings.address` and `port`) and comes in through the private socket, and replicas
/// reach their primary through its endpoint, as any client does.
public struct MariaDBServer: DatabaseServer {
    public let folder: URL
    public let installation: MariaDBInstallation
    public let user: EngineUser
    /// Where the engine's templates are: every copy of a server starts from one (see MariaDBHistory).
    let templates: TemplateFolders

    let files: ServerFolder

    public init(folder: URL, installation: MariaDBInstallation, user: EngineUser, templates: TemplateFolders) {
        self.folder = folder
        self.installation = installation
        self.user = user
        self.templates = templates
        files = ServerFolder(folder, user: user, data: "data", subfolders: ["run"])
    }

    public var dataDirectory: URL { files.dataDirectory }
    var runDirectory: URL { folder.appendingPathComponent("run") }
    /// The private socket the front door and Kerbside's administration use.
    public var socket: URL { runDirectory.appendingPathComponent("mysqld.sock") }
    public var keytab: URL { files.keytab }
    public var logFile: URL { folder.appendingPathComponent("mariadb.log") }
    public var certificateFile: URL { files.certificateFile }
    public var keyFile: URL { files.keyFile }
    var settingsFile: URL { folder.appendingPathComponent("my.cnf") }
    var characterSets: URL { folder.appendingPathComponent("charsets") }
    /// MariaDB's plugins and Kerbside's, linked into one folder the server loads them from.
    var plugins: URL { folder.appendingPathComponent("plugins") }
    /// What the front door proves a login it decided with (read by `kerbside_auth.so`).
    var secretFile: URL { runDirectory.appendingPathComponent("front-door.secret") }
    static let kerbsidePluginLibrary = "kerbside_auth.so"
    var pidFile: URL { runDirectory.appendingPathComponent("mariadbd.pid") }
    /// What `auth_gssapi` reads: the keytab, or its stand-in while there is none.
    var gssapiKeytab: URL { runDirectory.appendingPathComponent("gssapi.keytab") }
    var administratorFile: URL { dataDirectory.appendingPathComponent(MariaDBTemplate.administratorFile) }
    var environment: [String: String] { ["PATH": "/usr/bin:/usr/sbin:/bin", "LC_ALL": "C.UTF-8"] }

    // MARK: - Files

    public func create(from source: URL, adopting: Bool) async throws {
        try await files.fill(from: source, adopting: adopting)
    }

    public func moveData(to target: URL) throws { try files.moveData(to: target) }

    public func destroy() throws { try files.destroy() }

    // MARK: - Settings

    /// Writes `my.cnf`: its private socket (no TCP: the endpoint is the front door's), its TLS files, the binary log its
    /// replicas and point-in-time restores read, the version it reports, and the parameter
    /// groups' values MariaDB knows. `require_secure_transport` is the front door's to enforce.
    public func configure(_ settings: ServerSettings) throws {
        // A cluster's change may reach a member still being made: its settings come with its files.
        guard FileManager.default.fileExists(atPath: dataDirectory.path) else {
            throw EngineError("the server's files are not made yet")
        }
        let archive = Self.archive(of: settings)
        try files.makePrivateFolder(archive)
        try writeCharacterSets()
        try linkPlugins()
        if !FileManager.default.fileExists(atPath: secretFile.path) {
            try write((0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined(), to: secretFile)
        }
        var lines = [
            "# Written by Kerbside for this server; changed through RDS, not by hand.",
            "# archive = \(archive.path)",
            "[mariadbd]",
            "datadir = \(dataDirectory.path)",
            "socket = \(socket.path)",
            "pid-file = \(pidFile.path)",
            "log-error = \(logFile.path)",
            "skip-networking",
            "skip-name-resolve",
            "character-sets-dir = \(characterSets.path)",
            "plugin_dir = \(plugins.path)",
            // Only the front door, on the socket, may say who the client is.
            "proxy_protocol_networks = localhost",
            "ssl_cert = \(certificateFile.path)",
            "ssl_key = \(keyFile.path)",
            "server_id = \(Self.serverId(settings.resourceId))",
            "log_bin = mysql-bin",
            "binlog_format = ROW",
            "log_slave_updates = ON",
            "performance_schema = OFF",
            MariaDBTemplate.storageSettings,
            "character_set_server = \(settings.parameters["character_set_server"] ?? "utf8mb4")",
            "collation_server = \(settings.parameters["collation_server"] ?? "utf8mb4_general_ci")",
            "max_connections = \(Int(settings.parameters["max_connections"] ?? "") ?? 100)",
            "read_only = \(settings.role == .primary ? "OFF" : "ON")",
        ]
        if let version = settings.reportedVersion { lines.append("version = \(version)") }
        if installation.gssapiPlugin != nil {
            // MariaDB's own `IDENTIFIED VIA gssapi` accounts, on every server (see GSSAPIKeytab).
            let principal = Self.gssapiPrincipal(settings)
            if !FileManager.default.fileExists(atPath: gssapiKeytab.path) {
                try GSSAPIKeytab.refresh(gssapiKeytab, from: keytab, principal: principal, user: user)
            }
            lines += ["plugin_load_add = auth_gssapi", "gssapi_keytab_path = \(gssapiKeytab.path)", "gssapi_principal_name = \(principal)"]
        }
        for name in ["long_query_time", "time_zone"] {
            if let value = settings.parameters[name] { lines.append("\(name == "time_zone" ? "default_time_zone" : name) = '\(value)'") }
        }
        for name in ["general_log", "slow_query_log"] where settings.parameters[name] != nil {
            lines.append("\(name) = \(settings.isOn(name) ? "ON" : "OFF")")
        }
        try write(lines.joined(separator: "\n") + "\n", to: settingsFile)
    }

    /// MariaDB's character sets plus MySQL 8's default collation, `utf8mb4_0900_ai_ci` (id 255),
    /// as a Unicode 5.2 collation of MariaDB's own: MySQL 8 clients (mysql-connector-python,
    /// ORMs' migrations) name it in their handshake, `SET NAMES` and `CREATE TABLE`, and MariaDB
    /// 10.11 knows no such name. Its order is UCA 5.2's, not 9.0's: the same for most text.
    private func writeCharacterSets() throws {
        let index = characterSets.appendingPathComponent("Index.xml")
        guard !FileManager.default.fileExists(atPath: index.path) else { return }
        try? FileManager.default.removeItem(at: characterSets)
        try FileManager.default.copyItem(at: URL(fileURLWithPath: installation.characterSets), to: characterSets)
        var text = try String(contentsOf: index, encoding: .utf8)
        guard let end = text.range(of: "</charsets>", options: .backwards) else {
            throw EngineError("\(installation.characterSets)/Index.xml is not MariaDB's character set index")
        }
        text.replaceSubrange(end, with: """
            <charset name="utf8mb4">
              <family>Unicode</family>
              <collation name="utf8mb4_0900_ai_ci" id="255" version="5.2.0">
                <rules/>
              </collation>
            </charset>
            </charsets>

            """)
        try text.write(to: index, atomically: true, encoding: .utf8)
        for file in [characterSets] + ((try? FileManager.default.contentsOfDirectory(atPath: characterSets.path)) ?? [])
            .map({ characterSets.appendingPathComponent($0) }) {
            try user.own(file)
        }
    }

    /// MariaDB's own plugins and Kerbside's, by symbolic link (nothing is written to the system's folders).
    private func linkPlugins() throws {
        let files = FileManager.default
        try? files.removeItem(at: plugins)
        try files.createDirectory(at: plugins, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        for name in (try? files.contentsOfDirectory(atPath: installation.plugins)) ?? [] {
            try files.createSymbolicLink(atPath: plugins.appendingPathComponent(name).path, withDestinationPath: installation.plugins + "/" + name)
        }
        if let ours = installation.kerbsidePlugins {
            // A copy, not a link: the server's user may not reach the folder Kerbside was built in.
            try files.copyItem(at: ours, to: plugins.appendingPathComponent(Self.kerbsidePluginLibrary))
        }
        try user.own(plugins)
    }

    func frontDoorSecret() throws -> [UInt8] { Array(try Data(contentsOf: secretFile)) }

    /// Loads or unloads what `kerbside_auth.so` holds to match the settings:
    /// `AWSAuthenticationPlugin` while IAM database authentication is on (otherwise the account
    /// statement gets MariaDB's, and AWS's, `Plugin 'AWSAuthenticationPlugin' is not loaded`),
    /// `auth_pam` while the server is joined to a directory, `authentication_kerberos` then and
    /// always on Aurora servers (part of Aurora MySQL 3, joined or not: an account made while
    /// joined, or restored from a snapshot, stays, and the front door refuses its logins while
    /// the cluster has no directory), and `AURORA_VERSION()` on Aurora servers. A replica, and a copy while it replays its
    /// history, loads every plugin: the account statements it applies may name any. None of it
    /// is logged: each server does its own.
    private func loadKerbsideLibrary(_ settings: ServerSettings, everyPlugin: Bool = false) async throws {
        guard installation.kerbsidePlugins != nil else { return }
        let library = MySQLText.literal(Self.kerbsidePluginLibrary)
        let loaded = Set(try await administer("""
            SELECT PLUGIN_NAME FROM information_schema.PLUGINS WHERE PLUGIN_LIBRARY = \(library)
            UNION ALL SELECT CONCAT(name, '()') FROM mysql.func WHERE dl = \(library);
            """, port: 0).split(separator: "\n").map(String.init))
        var wanted: Set<String> = []
        if case .replica = settings.role { wanted = Self.kerbsidePlugins }
        if everyPlugin { wanted = Self.kerbsidePlugins }
        if settings.iamAuthentication { wanted.insert("AWSAuthenticationPlugin") }
        if settings.kerberos { wanted.formUnion(["authentication_kerberos", "auth_pam"]) }
        if settings.auroraVersion != nil { wanted.formUnion([Self.auroraVersionFunction, "authentication_kerberos"]) }
        var sql = ""
        for name in wanted.subtracting(loaded).sorted() {
            sql += name == Self.auroraVersionFunction
                ? "CREATE FUNCTION aurora_version RETURNS STRING SONAME \(library);\n"
                : "INSTALL PLUGIN \(name) SONAME \(library);\n"
        }
        for name in loaded.subtracting(wanted).sorted() {
            sql += name == Self.auroraVersionFunction ? "DROP FUNCTION aurora_version;\n" : "UNINSTALL PLUGIN \(name);\n"
        }
        if !sql.isEmpty { try await administer("SET SESSION sql_log_bin = 0;\n" + sql, port: 0) }
    }

    /// The server plugins `kerbside_auth.so` declares.
    static let kerbsidePlugins: Set<String> = ["AWSAuthenticationPlugin", "authentication_kerberos", "auth_pam"]
    /// Its loadable function, as `loadKerbsideLibrary` lists it beside the plugins.
    static let auroraVersionFunction = "aurora_version()"

    /// The principal `auth_gssapi` accepts tickets for; a name no KDC knows while the server has no directory.
    static func gssapiPrincipal(_ settings: ServerSettings) -> String {
        settings.servicePrincipal ?? "mysql/\(settings.resourceId.lowercased()).kerbside.invalid@KERBSIDE.INVALID"
    }

    /// `auth_gssapi` takes the server's keytab once it is there, and loses it when it goes.
    private func refreshGSSAPIKeytab(_ settings: ServerSettings) throws {
        guard installation.gssapiPlugin != nil else { return }
        try GSSAPIKeytab.refresh(gssapiKeytab, from: keytab, principal: Self.gssapiPrincipal(settings), user: user)
    }

    /// This server's folder in the change archive: a cluster's archive is shared by each member
    /// that is ever its writer, and each writer's binary log numbers its files from 1.
    static func archive(of settings: ServerSettings) -> URL {
        settings.changeArchive.appendingPathComponent("server-\(serverId(settings.resourceId))")
    }

    /// A stable `server_id` per server (the replication topology needs them distinct).
    static func serverId(_ resourceId: String) -> UInt32 {
        var hash: UInt32 = 2166136261
        for byte in resourceId.utf8 { hash = (hash ^ UInt32(byte)) &* 16777619 }
        return hash % 4_000_000_000 + 1
    }

    public var hasTLS: Bool { files.hasTLS }

    public func installTLS(certificatePEM: String, keyPEM: String) throws {
        try files.installTLS(certificatePEM: certificatePEM, keyPEM: keyPEM)
    }

    public func adoptKeytab() throws { try files.adoptKeytab() }

    private func write(_ text: String, to file: URL) throws { try files.write(text, to: file) }

    // MARK: - Process

    /// The server as a supervised child, run as the engine user; SIGTERM is MariaDB's clean shutdown.
    public func spec(name: String, settings: ServerSettings) -> ChildSpec {
        let server = self
        var environment = self.environment
        environment["KERBSIDE_FRONT_DOOR_SECRET"] = secretFile.path
        if let release = settings.auroraVersion { environment["KERBSIDE_AURORA_VERSION"] = release }
        return ChildSpec(
            name: name, executable: installation.server, arguments: ["--defaults-file=\(settingsFile.path)"],
            environment: environment, workingDirectory: folder.path, logFile: logFile.path,
            user: user.runAs, readinessTimeout: .seconds(60),
            stopSignal: SIGTERM, stopGrace: .seconds(30),
            isReady: { await server.answers() })
    }

    /// The server takes a login on its socket.
    func answers() async -> Bool {
        let probe = try? await Command(installation.tool("mariadb-admin"), adminOptions + ["--connect-timeout=2", "ping"],
                                       environment: environment, timeout: .seconds(5)).run()
        return probe?.succeeded ?? false
    }

    public func stopOrphan() async {
        await Orphans.stop(pidFile: pidFile, program: "mariadbd", marker: settingsFile.path, signal: SIGTERM, grace: .seconds(30))
    }

    /// MariaDB reads its settings only at start; what changes while it runs is applied here: the
    /// replication role (a reader that follows a new writer, a replica promoted), the dynamic
    /// parameters and the plugins. `auth_gssapi`'s principal is read at start only, so a server
    /// that joins or leaves a directory needs a restart (RDS too has a brief outage then).
    public func reload(_ settings: ServerSettings) async throws -> ReloadOutcome {
        var sql = ""
        for name in ["long_query_time", "general_log", "slow_query_log"] {
            if let value = settings.parameters[name] { sql += "SET GLOBAL \(name) = \(MySQLText.literal(value));\n" }
        }
        if let value = Int(settings.parameters["max_connections"] ?? "") { sql += "SET GLOBAL max_connections = \(value);\n" }
        if !sql.isEmpty { try await administer(sql, port: settings.port) }
        try refreshGSSAPIKeytab(settings)
        try await loadKerbsideLibrary(settings)
        try await follow(settings.role)
        guard installation.gssapiPlugin != nil else { return .applied }
        let principal = try await administer("SELECT @@gssapi_principal_name;", port: 0).trimmingCharacters(in: .whitespacesAndNewlines)
        let wanted = Self.gssapiPrincipal(settings)
        return principal == wanted ? .applied : .needsRestart(reason: "its Kerberos principal is now \(wanted)")
    }

    /// On a copy's first start, replays the history it carries; then a replica follows its
    /// primary (MariaDB keeps that in SQL, not in its settings file) and has what its primary
    /// had when the copy began before it serves; a primary follows nobody.
    public func started(_ settings: ServerSettings) async throws {
        let replaying = hasPendingHistory
        try refreshGSSAPIKeytab(settings)
        try await loadKerbsideLibrary(settings, everyPlugin: replaying)
        if replaying {
            try await replayHistory(settings.recovery)
            try await loadKerbsideLibrary(settings)
        }
        try await follow(settings.role)
        try await catchUpWithPrimary()
    }

    private func follow(_ role: ServerSettings.Role) async throws {
        switch role {
        case .primary:
            let following = try await administer("SHOW SLAVE STATUS;", port: 0)
            guard !following.isEmpty else { return }
            try await promote(port: 0)
        case .replica(let primary):
            let password = try administratorPassword()
            try await administer("""
                STOP SLAVE;
                CHANGE MASTER TO MASTER_HOST = \(MySQLText.literal(primary.address)), MASTER_PORT = \(primary.port),
                  MASTER_USER = '\(MariaDBTemplate.replicationUser)', MASTER_PASSWORD = \(MySQLText.literal(password)),
                  MASTER_USE_GTID = current_pos, MASTER_SSL = 1, MASTER_CONNECT_RETRY = 1;
                START SLAVE;
                SET GLOBAL read_only = ON;
                """, port: 0)
        }
    }

    // MARK: - Users

    /// RDS's master user: every privilege but SUPER and the file and shutdown ones, from any host.
    public func createMasterUser(_ name: String, passwordVerifier: String, database: String?, port: Int) async throws {
        let master = MySQLText.account(name)
        var sql = """
            CREATE USER \(master) IDENTIFIED BY PASSWORD \(MySQLText.literal(passwordVerifier));
            GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, RELOAD, PROCESS, REFERENCES, INDEX, ALTER, SHOW DATABASES,
              CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, REPLICATION SLAVE, REPLICATION CLIENT, CREATE VIEW, SHOW VIEW,
              CREATE ROUTINE, ALTER ROUTINE, CREATE USER, EVENT, TRIGGER ON *.* TO \(master) WITH GRANT OPTION;

            """
        if let database { sql += "CREATE DATABASE \(MySQLText.identifier(database));\n" }
        try await administer(sql, port: port)
    }

    public func setPassword(of user: String, passwordVerifier: String, port: Int) async throws {
        try await administer("ALTER USER \(MySQLText.account(user)) IDENTIFIED BY PASSWORD \(MySQLText.literal(passwordVerifier));", port: port)
    }

    // MARK: - Backups and replication

    /// Closes the current binary log and copies every closed one into the archive, which
    /// point-in-time restores replay.
    public func archiveNow(port: Int) async throws {
        let archive = try currentArchive()
        for log in try await closeBinaryLog() { try copyOwned(log, into: archive) }
    }

    /// The archive folder the settings name (the instance's or its cluster's), which this
    /// engine fills with closed binary logs.
    private func currentArchive() throws -> URL {
        let settings = (try? String(contentsOf: settingsFile, encoding: .utf8)) ?? ""
        guard let line = settings.split(separator: "\n").first(where: { $0.hasPrefix("# archive = ") }) else {
            throw EngineError("the server's settings name no archive")
        }
        return URL(fileURLWithPath: String(line.dropFirst("# archive = ".count)))
    }

    /// A restored server has replayed its history before it is ready (`started`), and serves writes from then on.
    public func waitUntilPromoted(port: Int) async throws {}

    /// The last transaction the stopped server wrote: its GTID in the newest binary log.
    public func stoppedPosition() async throws -> ReplicationPosition {
        let logs = ((try? FileManager.default.contentsOfDirectory(atPath: dataDirectory.path)) ?? [])
            .filter { $0.hasPrefix("mysql-bin.") && !$0.hasSuffix(".index") }.sorted()
        guard let newest = logs.last else { throw EngineError("the server has no binary log") }
        let decoded = try await Command(installation.tool("mariadb-binlog"), ["--base64-output=never", dataDirectory.appendingPathComponent(newest).path],
                                        environment: environment, timeout: .seconds(60), user: user.runAs).run()
        let gtid = decoded.standardOutput.split(separator: "\n").compactMap { line -> String? in
            guard let range = line.range(of: "GTID ") else { return nil }
            return line[range.upperBound...].split(separator: " ").first.map(String.init)
        }.last
        return ReplicationPosition(gtid ?? "")
    }

    /// A clean shutdown is the last thing its log says.
    public func wasStoppedCleanly() async -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: logFile) else { return false }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > 4096 ? size - 4096 : 0)
        let tail = String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
        guard let shutdown = tail.range(of: "Shutdown complete", options: .backwards) else { return false }
        return tail.range(of: "ready for connections", options: .backwards).map { $0.lowerBound < shutdown.lowerBound } ?? true
    }

    public func waitUntilReplayed(_ position: ReplicationPosition, port: Int, timeout: Duration) async throws {
        guard !position.value.isEmpty else { return }
        let seconds = max(1, Int(timeout.components.seconds))
        let waited = try await administer("SELECT MASTER_GTID_WAIT(\(MySQLText.literal(position.value)), \(seconds));", port: port)
        guard waited.trimmingCharacters(in: .whitespacesAndNewlines) == "0" else {
            throw EngineError("the replica did not replay up to \(position) within \(timeout)")
        }
    }

    public func promote(port: Int) async throws {
        try await administer("STOP SLAVE;\nRESET SLAVE ALL;\nSET GLOBAL read_only = OFF;", port: port)
    }

    // MARK: - Administration

    /// How Kerbside's tools log in: as the administrator, on the private socket.
    var adminOptions: [String] {
        ["--defaults-extra-file=\(administratorFile.path)", "--socket=\(socket.path)"]
    }

    private func administratorPassword() throws -> String {
        let text = try String(contentsOf: administratorFile, encoding: .utf8)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("password = ") }) else {
            throw EngineError("the server's administrator file names no password")
        }
        return String(line.dropFirst("password = ".count))
    }

    /// Runs SQL as `rdsadmin` over the private socket (the port is not needed); SQL goes in on
    /// standard input; answers the rows tab-separated.
    @discardableResult
    public func administer(_ script: String, port: Int) async throws -> String {
        let result = try await Command(installation.tool("mariadb"), adminOptions + ["--batch", "--skip-column-names", "--connect-timeout=10"],
                                       environment: environment, timeout: .seconds(120)).run(input: script)
        guard result.succeeded else { throw EngineError(result.standardError.trimmingCharacters(in: .whitespacesAndNewlines)) }
        return result.standardOutput
    }

    public func loginLog() -> any LoginLog { MariaDBLoginLog(file: logFile) }
}

/// SQL text helpers for MariaDB: identifiers in backquotes, literals in single quotes with
/// backslashes doubled, accounts as `'user'@'%'`.
public enum MySQLText {
    public static func identifier(_ name: String) -> String { "`" + name.replacingOccurrences(of: "`", with: "``") + "`" }
    public static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''") + "'"
    }
    public static func account(_ user: String, host: String = "%") -> String { literal(user) + "@" + literal(host) }
}
