import Crypto
import Foundation
import Runtime

/// MariaDB behind the engine seam, for the MySQL family (RDS for MySQL, RDS for MariaDB and
/// Aurora MySQL): the Debian installation, its template data directory, `mysql_native_password`
/// verifiers, and the MySQL front door every endpoint of the family listens through.
public struct MariaDBEngine: DatabaseEngine {
    public let installation: MariaDBInstallation
    public let user: EngineUser
    let templates: TemplateFolders
    private let door: MariaDBFrontDoor

    /// The installed MariaDB, run as the engine user, its templates kept in `templates`; fails
    /// with what to install when absent. `decider` judges the logins of accounts with Kerbside's
    /// plugins (IAM tokens).
    public init(templates: TemplateFolders, decider: any MySQLLoginDecider) throws {
        self.templates = templates
        guard let installation = MariaDBInstallation.installed() else {
            throw EngineError("MariaDB is not installed (expected /usr/sbin/mariadbd); `make run` installs it")
        }
        self.installation = installation
        user = try EngineUser.forDatabases(systemUser: "mysql", engine: "MariaDB", package: "mariadb-server")
        door = MariaDBFrontDoor(decider: decider, ownVersion: "\(installation.version)-MariaDB-log")
    }

    public var templateName: String { "mariadb-\(installation.version)" }
    public var kerberosServiceName: String { "mysql" }

    public func template() async throws -> URL {
        try await MariaDBTemplate.ensure(in: templates, installation: installation, user: user)
    }

    public func server(in folder: URL) -> any DatabaseServer {
        MariaDBServer(folder: folder, installation: installation, user: user, templates: templates)
    }

    public func passwordVerifier(for password: String) -> String { Self.nativePasswordVerifier(for: password) }

    /// `mysql_native_password`'s stored form: `*` and the upper-case hex of SHA1(SHA1(password)).
    static func nativePasswordVerifier(for password: String) -> String {
        let twice = Insecure.SHA1.hash(data: Data(Insecure.SHA1.hash(data: Data(password.utf8))))
        return "*" + twice.map { String(format: "%02X", $0) }.joined()
    }

    public var frontDoor: (any FrontDoor)? { door }
}

/// The MySQL front door as the engine seam sees it: it learns each server's socket, certificate
/// and `require_secure_transport` whenever the server's settings are written.
struct MariaDBFrontDoor: FrontDoor {
    let servers = MySQLFrontDoor.Servers()
    let decider: any MySQLLoginDecider

    /// The server's own version, in the greeting replicas read.
    let ownVersion: String

    var session: any RelaySession { MySQLFrontDoor(servers: servers, decider: decider) }

    /// 33061 is MySQL's own port for traffic between servers (group replication's).
    var replicaEntrance: ReplicaEntrance? {
        ReplicaEntrance(session: MySQLFrontDoor(servers: servers, decider: decider, greetingVersion: ownVersion), preferredPort: 33061)
    }

    func admit(_ server: any DatabaseServer, settings: ServerSettings) throws -> ConnectionRelay.Target {
        guard let server = server as? MariaDBServer else { throw EngineError("the MySQL front door serves MariaDB servers only") }
        let door = try MySQLFrontDoor.Server(certificateFile: server.certificateFile.path, keyFile: server.keyFile.path,
                                             requireSecureTransport: settings.isOn("require_secure_transport"),
                                             resourceId: settings.resourceId, secret: try server.frontDoorSecret(),
                                             servicePrincipal: settings.kerberos ? settings.servicePrincipal : nil)
        servers.set(door, socket: server.socket.path)
        return ConnectionRelay.Target(socketPath: server.socket.path)
    }

    func dismiss(_ server: any DatabaseServer) {
        guard let server = server as? MariaDBServer else { return }
        servers.set(nil, socket: server.socket.path)
    }
}
