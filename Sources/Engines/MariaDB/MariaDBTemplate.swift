import Foundation
import Runtime

/// A data directory made once per MariaDB version and copied for every new server: copying takes
/// a fraction of `mariadb-install-db`'s time. It holds Kerbside's administrator `rdsadmin`
/// (reachable only on the server's private socket, as on RDS) and no other account: RDS's
/// master user is made per instance.
public enum MariaDBTemplate {
    public static let administrator = "rdsadmin"
    /// The account replicas stream with (RDS's own name for it); the administrator's password.
    public static let replicationUser = "rdsrepladmin"
    /// In each data directory, so every copy (a snapshot, a backup, a cluster volume) carries
    /// the password of its own administrator. 0600, read only by Kerbside.
    public static let administratorFile = "kerbside-admin.cnf"

    /// The settings the template is made with that every server keeps: a small redo log and
    /// buffer pool (a tenth of the defaults' disk and memory).
    static let storageSettings = """
        innodb_log_file_size = 8M
        innodb_buffer_pool_size = 16M
        """

    /// The template for `installation` in `folders`, made now if there is none yet.
    public static func ensure(in folders: TemplateFolders, installation: MariaDBInstallation, user: EngineUser) async throws -> URL {
        try await folders.ensure("mariadb-\(installation.version)", marker: administratorFile) { building in
            try await make(building, installation: installation, user: user)
        }
    }

    /// `mariadb-install-db` at `building`, and Kerbside's administrator in it (its file last:
    /// the mark of a whole template).
    private static func make(_ building: URL, installation: MariaDBInstallation, user: EngineUser) async throws {
        let settings = building.deletingLastPathComponent().appendingPathComponent("building-\(UUID().uuidString).cnf")
        defer { try? FileManager.default.removeItem(at: settings) }
        try FileManager.default.createDirectory(at: building, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        try user.own(building)
        try CertificateAuthority.writePrivate("[mariadbd]\ndatadir = \(building.path)\n\(storageSettings)\n", to: settings)
        try user.own(settings)
        let environment = ["PATH": "/usr/bin:/usr/sbin:/bin", "LC_ALL": "C.UTF-8"]
        let install = try await Command(installation.tool("mariadb-install-db"),
            ["--defaults-file=\(settings.path)", "--skip-test-db", "--auth-root-authentication-method=socket",
             "--auth-root-socket-user=\(user.name)", "--skip-name-resolve"],
            environment: environment, timeout: .seconds(180), user: user.runAs).run()
        guard install.succeeded else { throw EngineError("mariadb-install-db failed: \(install.standardError)") }

        // Bootstrap mode runs SQL with no server listening; the socket accounts the installer
        // made give way to the administrator, whose password only this data directory knows.
        let password = (0..<32).map { _ in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".randomElement()! }
        let sql = """
            FLUSH PRIVILEGES;
            CREATE USER '\(administrator)'@'localhost' IDENTIFIED BY '\(String(password))';
            GRANT ALL PRIVILEGES ON *.* TO '\(administrator)'@'localhost' WITH GRANT OPTION;
            CREATE USER '\(replicationUser)'@'%' IDENTIFIED BY '\(String(password))';
            GRANT REPLICATION SLAVE, SLAVE MONITOR ON *.* TO '\(replicationUser)'@'%';
            DROP USER IF EXISTS 'root'@'localhost';
            DROP USER IF EXISTS '\(user.name)'@'localhost';

            """
        let bootstrap = try await Command(installation.server,
            ["--defaults-file=\(settings.path)", "--bootstrap", "--log-error=\(building.path)/bootstrap.log"],
            environment: environment, timeout: .seconds(120), user: user.runAs).run(input: sql)
        guard bootstrap.succeeded else {
            let log = (try? String(contentsOf: building.appendingPathComponent("bootstrap.log"), encoding: .utf8)) ?? bootstrap.standardError
            throw EngineError("the template's administrator could not be made: \(log.suffix(600))")
        }
        try? FileManager.default.removeItem(at: building.appendingPathComponent("bootstrap.log"))
        let credentials = building.appendingPathComponent(administratorFile)
        try CertificateAuthority.writePrivate("[client]\nuser = \(administrator)\npassword = \(String(password))\n", to: credentials)
        try user.own(credentials)
    }
}
