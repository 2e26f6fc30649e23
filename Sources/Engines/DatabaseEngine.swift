import Foundation
import Runtime

/// A kind of database server Kerbside runs (PostgreSQL, and MariaDB for the MySQL family). The RDS service code
/// only ever talks to this seam and to `DatabaseServer`; nothing above it knows a server's
/// files, commands or SQL dialect.
public protocol DatabaseEngine: Sendable {
    /// Names the engine's template and spare folders (`postgres-15`).
    var templateName: String { get }
    /// The service part of the server's Kerberos principals (`postgres/<endpoint>@REALM`).
    var kerberosServiceName: String { get }
    /// The data every new server starts from, made once in the engine's templates folder
    /// (given when the engine is made) and kept there as a cache.
    func template() async throws -> URL
    /// The server whose files live in `folder` (which may not exist yet).
    func server(in folder: URL) -> any DatabaseServer
    /// What the engine stores for a password, so the password itself is never kept or sent.
    func passwordVerifier(for password: String) -> String
    /// Kerbside's own door in front of the engine's endpoints, or nil when clients reach the
    /// servers themselves (PostgreSQL listens on its endpoint).
    var frontDoor: (any FrontDoor)? { get }
}

/// A protocol-speaking relay Kerbside puts in front of an engine's servers: every endpoint of
/// the engine listens in Kerbside (at `ServerSettings.address` and `port`) and reaches its
/// server through the door's session; the server itself listens only on a private socket.
public protocol FrontDoor: Sendable {
    /// How the endpoints' relays serve each connection.
    var session: any RelaySession { get }
    /// Where the door reaches `server`, which now runs with `settings`; the door takes the
    /// server's TLS identity and login rules from them. Called whenever settings are written.
    func admit(_ server: any DatabaseServer, settings: ServerSettings) throws -> ConnectionRelay.Target
    /// The server is gone: the door refuses connections meant for it.
    func dismiss(_ server: any DatabaseServer)
    /// Where the engine's replicas reach their primary when its endpoint will not do, or nil
    /// when they use the endpoint as clients do.
    var replicaEntrance: ReplicaEntrance? { get }
}

/// A second listener of a front door on each endpoint's address, for the engine's own
/// replicas: MariaDB replicas stream by GTID only from a server whose greeting says MariaDB 10
/// or later, and the endpoint's greeting says the MySQL version clients must see.
public struct ReplicaEntrance: Sendable {
    public let session: any RelaySession
    /// Its port, unless that is the endpoint's own.
    let preferredPort: Int

    public init(session: any RelaySession, preferredPort: Int) {
        self.session = session
        self.preferredPort = preferredPort
    }

    /// The entrance's port on the address of an endpoint listening on `endpointPort`.
    public func port(besides endpointPort: Int) -> Int { endpointPort == preferredPort ? preferredPort + 1 : preferredPort }
}

/// What a running server made of new settings.
public enum ReloadOutcome: Sendable, Equatable {
    case applied
    /// A setting the server reads only at start changed (MariaDB's Kerberos principal): it takes
    /// the rest now and that one at its next start.
    case needsRestart(reason: String)
}

/// One database server standing in for one DB instance or cluster member: its folder (data,
/// TLS files, keytab, log) owned by the engine user, and the process the supervisor runs.
public protocol DatabaseServer: Sendable {
    var folder: URL { get }
    var user: EngineUser { get }
    /// The keytab Kerberos logins are accepted with.
    var keytab: URL { get }
    var logFile: URL { get }
    var hasTLS: Bool { get }

    /// Makes the folder and puts `source` (the template, a snapshot's data, a volume) in it:
    /// copied, or moved when `adopting` (a copy made for this server beforehand).
    func create(from source: URL, adopting: Bool) async throws
    /// Makes the folder and fills it so that, once started, the server replicates from the running
    /// `primary` and has every change the primary had now (PostgreSQL: a base backup; MariaDB:
    /// the template, which then streams the primary's whole binary log).
    func createReplica(of primary: ReplicationSource) async throws
    /// Writes the server's settings and login rules; `reload` makes a running server take them.
    func configure(_ settings: ServerSettings) throws
    func installTLS(certificatePEM: String, keyPEM: String) throws
    /// Hands a keytab written by Kerbside to the engine user (0600).
    func adoptKeytab() throws
    /// The server as a supervised child.
    func spec(name: String, settings: ServerSettings) -> ChildSpec
    /// Stops a server of this folder left running by a Kerbside that was killed.
    func stopOrphan() async
    /// Makes the running server take the settings `configure` wrote, as far as it can without a
    /// restart; answers `.needsRestart` when one it read at start changed.
    func reload(_ settings: ServerSettings) async throws -> ReloadOutcome
    /// What the server does once it first serves with `settings`, before it is available
    /// (MariaDB: a copy replays its history; a replica starts following its primary, which
    /// MariaDB keeps in SQL rather than in its settings file).
    func started(_ settings: ServerSettings) async throws

    /// Creates the master user (with a verifier from `DatabaseEngine.passwordVerifier`) and
    /// its database, as RDS does on a new instance.
    func createMasterUser(_ name: String, passwordVerifier: String, database: String?, port: Int) async throws
    func setPassword(of user: String, passwordVerifier: String, port: Int) async throws

    /// What a new server made from `target` (which must not exist) starts with: the running
    /// server's data as of now (PostgreSQL: a base backup; MariaDB: the template and the binary
    /// log, replayed on the copy's first start).
    func backup(to target: URL, port: Int) async throws
    /// Makes sure every change until now is in the server's change archive.
    func archiveNow(port: Int) async throws
    /// Waits (bounded) until a server started in recovery has replayed its archive and serves writes.
    func waitUntilPromoted(port: Int) async throws

    /// Where a stopped primary's history ends: a replica that has replayed this far has every
    /// change the primary acknowledged.
    func stoppedPosition() async throws -> ReplicationPosition
    /// Whether the server's data was shut down cleanly (a primary killed or crashed was not).
    func wasStoppedCleanly() async -> Bool
    /// Waits (bounded) until this running replica has replayed up to `position`.
    func waitUntilReplayed(_ position: ReplicationPosition, port: Int, timeout: Duration) async throws
    /// Turns this running replica into a primary that accepts writes.
    func promote(port: Int) async throws

    /// Runs the engine's own language as Kerbside's administrator (snapshots, tests of state).
    func administer(_ script: String, port: Int) async throws -> String
    /// Reads refused logins out of the server's log.
    func loginLog() -> any LoginLog
    /// Moves the (stopped) server's data out to `target`, which must not exist: what `create`
    /// adopts later (a cluster's volume while it has no member).
    func moveData(to target: URL) throws
    /// Removes the folder and everything in it.
    func destroy() throws
}

/// How one server is set up; rewritten (and reloaded) whenever its instance or cluster changes.
public struct ServerSettings: Sendable, Equatable {
    public var address: String
    public var port: Int
    /// The id Kerbside's login gateway knows the server by (its `DbiResourceId`).
    public var resourceId: String
    /// Members of the engine's IAM role log in with tokens that Kerbside's gateway checks.
    public var iamAuthentication: Bool
    public var loginGateway: LoginGateway
    /// Members of the engine's Kerberos role log in with Kerberos (the server joined a directory).
    public var kerberos: Bool
    /// The principal clients get Kerberos tickets for (`mysql/<endpoint>@REALM`) once the
    /// server has a directory, from before the join completes (MariaDB reads it only at start).
    public var servicePrincipal: String?
    /// The parameter groups' values, under the engine's own names (`rds.force_ssl`,
    /// `krb_caseins_users`, …); the engine picks the ones it knows.
    public var parameters: [String: String]
    /// Where the server archives its changes (a DB instance's own, or its cluster's, shared by
    /// every member that is ever the writer).
    public var changeArchive: URL
    public var role: Role
    /// Set for the first start of a restored server: replay archived changes, then serve writes.
    public var recovery: Recovery?
    /// The version the server reports to clients (`8.0.39` for RDS for MySQL and Aurora MySQL,
    /// whose clients pick their SQL dialect from it), when it differs from the engine's own.
    public var reportedVersion: String?
    /// The Aurora release an Aurora server reports (`AURORA_VERSION()`), nil elsewhere.
    public var auroraVersion: String?

    public enum Role: Sendable, Equatable {
        case primary
        /// A read-only copy streaming every change from the primary.
        case replica(of: ReplicationSource)
    }

    public struct Recovery: Sendable, Equatable {
        /// The source's change archive.
        public var archive: URL
        /// Stop replay here (a point-in-time restore); nil replays everything archived.
        public var targetTime: Date?

        public init(archive: URL, targetTime: Date?) {
            self.archive = archive
            self.targetTime = targetTime
        }
    }

    public init(address: String, port: Int, resourceId: String, iamAuthentication: Bool, loginGateway: LoginGateway,
                kerberos: Bool, servicePrincipal: String? = nil, parameters: [String: String], changeArchive: URL, role: Role = .primary, recovery: Recovery? = nil,
                reportedVersion: String? = nil, auroraVersion: String? = nil) {
        self.address = address
        self.port = port
        self.resourceId = resourceId
        self.iamAuthentication = iamAuthentication
        self.loginGateway = loginGateway
        self.kerberos = kerberos
        self.servicePrincipal = servicePrincipal
        self.parameters = parameters
        self.changeArchive = changeArchive
        self.role = role
        self.recovery = recovery
        self.reportedVersion = reportedVersion
        self.auroraVersion = auroraVersion
    }

    /// A parameter that is on (`1`, `on`, `true`).
    public func isOn(_ name: String) -> Bool { ["1", "on", "true"].contains(parameters[name]?.lowercased() ?? "") }
}

/// Where IAM-token logins are checked: Kerbside's bind responder on loopback, reached through
/// the system's PAM (so refusals read as RDS's do) when Kerbside could install its PAM module,
/// or straight from the server otherwise.
public struct LoginGateway: Sendable, Equatable {
    public var port: Int
    /// The PAM service that relays to the responder; nil when PAM cannot be used.
    public var pamService: String?

    public init(port: Int, pamService: String?) {
        self.port = port
        self.pamService = pamService
    }
}

/// The primary a replica streams from: its folder (for a private socket) and where it listens.
public struct ReplicationSource: Sendable, Equatable {
    public var folder: URL
    public var address: String
    public var port: Int
    /// The replica's name in the primary's view of its replicas.
    public var replicaName: String

    public init(folder: URL, address: String, port: Int, replicaName: String) {
        self.folder = folder
        self.address = address
        self.port = port
        self.replicaName = replicaName
    }
}

/// A point in a primary's history of changes, in the engine's own notation (a PostgreSQL LSN).
public struct ReplicationPosition: Sendable, Equatable, CustomStringConvertible {
    public let value: String

    public init(_ value: String) {
        self.value = value
    }

    public var description: String { value }
}

/// Refused logins read back from a server's log, since the last read.
public protocol LoginLog: Sendable {
    mutating func newRefusals() -> [LoginRefusal]
}

public struct LoginRefusal: Sendable, Equatable {
    public let user: String
    /// `password`, `kerberos`, `iam` or `rules` (no login rule admits the login).
    public let method: String
    public let reason: String

    public init(user: String, method: String, reason: String) {
        self.user = user
        self.method = method
        self.reason = reason
    }
}
