import Engines
import Foundation
import GRDB
import Kerberos
import Logging
import Runtime
import State

/// Database logins as Kerbside sees them: it decides IAM-token logins (PostgreSQL hands them to
/// its LDAP bind responder, the MySQL front door asks directly) and records refused logins of
/// every method, IAM ones first-hand and the others read back from each server's log, for
/// Kerbside's log and the health view. Never a password or a token.
public actor DatabaseLogins: MySQLLoginDecider {
    private let store: Store
    private let supervisor: Supervisor
    private let servers: DatabaseServers
    /// Kerbside's krb5.conf, listing every realm's KDCs (directory passwords are checked there).
    private let kerberosConfiguration: URL
    private let logger: Logger
    private var tokenResponder: LDAPBindResponder?
    private nonisolated let tokenVerifier: IAMTokenVerifier
    /// Where servers send IAM-token logins: the responder's port (0 until it runs), and the PAM
    /// service that relays to it when Kerbside could install one.
    public private(set) var gateway = LoginGateway(port: 0, pamService: nil)
    private var refusedLogins: [String: [RefusedLogin]] = [:]
    private var serverLogs: [String: any LoginLog] = [:]
    private var logWatcher: Task<Void, Never>?

    public struct RefusedLogin: Sendable, Encodable {
        public let at: Date
        public let user: String
        /// `iam`, `kerberos`, `password`, or `rules` (no login rule admits it).
        public let method: String
        public let reason: String
    }

    init(store: Store, supervisor: Supervisor, servers: DatabaseServers, kerberosConfiguration: URL, logger: Logger) {
        self.store = store
        self.supervisor = supervisor
        self.servers = servers
        self.kerberosConfiguration = kerberosConfiguration
        self.logger = logger
        tokenVerifier = IAMTokenVerifier(store: store)
    }

    /// Starts the LDAP bind responder PostgreSQL checks IAM tokens with (before any server
    /// starts: their login rules name its port), and the watch on the servers' logs.
    public func start() async throws {
        guard tokenResponder == nil else { return }
        let verifier = tokenVerifier
        let responder = LDAPBindResponder { [weak self] bind in
            await self?.verifyLogin(bind, verifier) ?? .refused(diagnostic: "Kerbside is stopping")
        }
        gateway.port = try await responder.start()
        tokenResponder = responder
        switch LoginGatewayPAM.install() {
        case .success(let service):
            gateway.pamService = service
            logger.info("IAM database logins are checked on 127.0.0.1:\(gateway.port), through PAM service \(service)")
        case .failure(let reason):
            logger.notice("IAM database logins are checked on 127.0.0.1:\(gateway.port) through PostgreSQL's ldap method, so refusals read \"LDAP authentication failed\" instead of RDS's \"PAM authentication failed\": \(reason)")
        }
        watchServerLogs()
    }

    public func stop() async {
        logWatcher?.cancel()
        logWatcher = nil
        await tokenResponder?.stop()
        tokenResponder = nil
    }

    public func refusals(of resourceId: String) -> [RefusedLogin] { refusedLogins[resourceId] ?? [] }

    /// For a reset: the instances are gone.
    func forgetAll() {
        refusedLogins = [:]
        serverLogs = [:]
    }

    /// One IAM-token login, as a server forwards it: allowed, or refused with a reason that
    /// reaches the server's log and Kerbside's. A cluster member's tokens name the cluster's
    /// endpoints and are granted on the cluster's resource id.
    /// Off the actor: logins are checked concurrently, on any core.
    private nonisolated func verifyLogin(_ bind: LDAPBind, _ verifier: IAMTokenVerifier) async -> LDAPBindVerdict {
        let context = try? await store.read { db in try ServerContext.load(bind.resource, db) }
        let instance = context?.instance
        let verdict: IAMTokenVerdict
        if let context, context.iamAuthentication {
            verdict = await verifier.verify(IAMTokenCheck(
                token: bind.password, dbUser: bind.user, hostNames: context.tokenHosts, port: context.instance.port,
                accountId: context.instance.accountId, region: context.instance.region, resourceId: context.tokenResourceId), now: Date())
        } else {
            verdict = .refused(reason: "IAM database authentication is not enabled on this \(context?.cluster == nil ? "DB instance" : "DB cluster").")
        }
        switch verdict {
        case .allowed(let caller):
            logger.debug("IAM database login of \(bind.user) to \(instance?.identifier ?? bind.resource) allowed for \(caller)")
            return .success
        case .refused(let reason):
            logger.notice("IAM database login of \(bind.user) to \(instance?.identifier ?? bind.resource) refused: \(reason)")
            await remember(RefusedLogin(at: Date(), user: bind.user, method: "iam", reason: reason), of: bind.resource)
            return .refused(diagnostic: reason)
        }
    }

    /// A login the MySQL front door hands over: an IAM token (over TLS only) checked as
    /// PostgreSQL's are, a Kerberos ticket for an `authentication_kerberos` account, or a
    /// directory password for an `auth_pam` one.
    public nonisolated func decide(_ login: MySQLAccountLogin) async -> MySQLLoginVerdict {
        if login.plugin == "authentication_kerberos" { return await decideKerberos(login) }
        if login.plugin == "auth_pam" { return await decideDirectoryPassword(login) }
        guard login.plugin == "AWSAuthenticationPlugin" else {
            let reason = "\(login.plugin) logins are not served by Kerbside yet."
            await remember(RefusedLogin(at: Date(), user: login.user, method: "kerberos", reason: reason), of: login.resourceId)
            return .refused(reason: reason)
        }
        guard login.overTLS else {
            let reason = "IAM database authentication requires TLS; the client connected without it."
            logger.notice("IAM database login of \(login.user) to \(login.resourceId) refused: \(reason)")
            await remember(RefusedLogin(at: Date(), user: login.user, method: "iam", reason: reason), of: login.resourceId)
            return .refused(reason: reason)
        }
        let bind = LDAPBind(dn: "cn=\(login.user),ou=\(login.resourceId)", user: login.user, resource: login.resourceId,
                            password: String(decoding: login.secret, as: UTF8.self))
        switch await verifyLogin(bind, tokenVerifier) {
        case .success: return .allowed(principal: login.user)
        case .refused(let reason): return .refused(reason: reason)
        }
    }

    /// Aurora MySQL's `IDENTIFIED WITH authentication_kerberos AS 'REALM'` accounts: the client's
    /// ticket, for the server's service principal, accepted with the server's keytab, must name
    /// the account's user in the account's realm (`alice@CORP.EXAMPLE.COM`).
    private nonisolated func decideKerberos(_ login: MySQLAccountLogin) async -> MySQLLoginVerdict {
        let context = try? await store.read { db in try ServerContext.load(login.resourceId, db) }
        let verdict: MySQLLoginVerdict
        if let context, context.kerberos, let realm = context.realm,
           let server = try? servers.server(of: context.instance), let engine = try? servers.engine(named: context.instance.engine) {
            let service = "\(engine.kerberosServiceName)/\(context.instance.endpointHost)@\(realm)"
            verdict = await judgeTicket(login, servicePrincipal: service, keytab: server.keytab.path)
        } else {
            verdict = .refused(reason: "Kerberos authentication is not enabled: the \(context?.cluster == nil ? "DB instance" : "DB cluster") "
                                       + "is not joined to a directory.")
        }
        switch verdict {
        case .allowed(let principal, _):
            logger.debug("Kerberos login of \(login.user) to \(login.resourceId) allowed as \(principal)")
        case .refused(let reason):
            logger.notice("Kerberos login of \(login.user) to \(login.resourceId) refused: \(reason)")
            await remember(RefusedLogin(at: Date(), user: login.user, method: "kerberos", reason: reason), of: login.resourceId)
        }
        return verdict
    }

    /// The client's Kerberos token for `servicePrincipal`: a ticket of the account's own
    /// principal (`user@REALM` of its `BY 'REALM'`) whose directory user is enabled.
    private nonisolated func judgeTicket(_ login: MySQLAccountLogin, servicePrincipal service: String, keytab: String) async -> MySQLLoginVerdict {
        guard !login.secret.isEmpty else {
            return .refused(reason: "The client sent no Kerberos ticket for \(service): it has none (kinit first, or give it the directory password).")
        }
        let expected = "\(login.user)@\(login.accountString)"
        let accepted: KerberosAcceptor.Accepted
        do {
            accepted = try KerberosAcceptor.accept(login.secret, servicePrincipal: service, keytab: keytab)
        } catch {
            return .refused(reason: "\(error)")
        }
        if accepted.principal.lowercased() != expected.lowercased() {
            return .refused(reason: "The Kerberos ticket is \(accepted.principal)'s, not \(expected)'s.")
        }
        if let disabled = try? await disabledUser(accepted.principal) {
            // A ticket from before the user was disabled is still a good ticket; the directory says no.
            return .refused(reason: "The directory user \(disabled) is disabled.")
        }
        return .allowed(principal: accepted.principal, reply: accepted.reply)
    }

    /// `user@REALM` as `user` of its directory's domain when the directory has it disabled; nil otherwise.
    private nonisolated func disabledUser(_ principal: String) async throws -> String? {
        let parts = principal.split(separator: "@", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        return try await store.read { db in
            for directory in try DSDirectory.filter(Column("realm") == parts[1]).fetchAll(db) {
                if let user = try DSUser.named(parts[0], in: directory.directoryId).fetchOne(db), !user.enabled {
                    return "\(user.samAccountName) of \(directory.name)"
                }
            }
            return nil
        }
    }

    /// RDS for MySQL's Active Directory accounts (`IDENTIFIED WITH 'auth_pam'`): the user's
    /// directory password, which the client sends in cleartext (so over TLS only), is checked
    /// against the realm of the instance's directory, as RDS checks it against the directory.
    private nonisolated func decideDirectoryPassword(_ login: MySQLAccountLogin) async -> MySQLLoginVerdict {
        let context = try? await store.read { db in try ServerContext.load(login.resourceId, db) }
        let reason: String
        if !login.overTLS {
            reason = "Active Directory passwords are taken over TLS only; the client connected without it."
        } else if let context, context.kerberos, let realm = context.realm {
            let principal = "\(login.user)@\(realm)"
            guard let failure = await PasswordCheck.failure(of: principal, password: String(decoding: login.secret, as: UTF8.self),
                                                            configuration: kerberosConfiguration) else {
                return .allowed(principal: principal)
            }
            reason = "The directory refused \(principal)'s password: \(failure)"
        } else {
            reason = "Active Directory authentication is not enabled: the DB instance is not joined to a directory."
        }
        logger.notice("Active Directory login of \(login.user) to \(login.resourceId) refused: \(reason)")
        await remember(RefusedLogin(at: Date(), user: login.user, method: "password", reason: reason), of: login.resourceId)
        return .refused(reason: reason)
    }

    private func remember(_ refusal: RefusedLogin, of resourceId: String) {
        refusedLogins[resourceId] = Array(((refusedLogins[resourceId] ?? []) + [refusal]).suffix(20))
    }

    /// Follows the servers' logs for refused password, Kerberos and rule logins (IAM ones are
    /// known first-hand), into Kerbside's log and the health view. Polls twice a second.
    private func watchServerLogs() {
        guard logWatcher == nil else { return }
        logWatcher = Task { [weak self] in
            while !Task.isCancelled {
                await self?.readServerLogs()
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
    }

    private func readServerLogs() async {
        let prefix = EngineHost.childPrefix
        let running = await supervisor.statuses.filter { $0.key.hasPrefix(prefix) && $0.value.state == .running }.keys
        for name in running {
            let resourceId = String(name.dropFirst(prefix.count))
            if serverLogs[resourceId] == nil {
                guard let instance = try? await store.read({ db in try RDSInstance.withId(resourceId).fetchOne(db) }),
                      let server = try? servers.server(of: instance) else { continue }
                serverLogs[resourceId] = server.loginLog()
            }
            guard var log = serverLogs[resourceId] else { continue }
            let refusals = log.newRefusals()
            serverLogs[resourceId] = log
            for refusal in refusals where refusal.method != "iam" {
                logger.notice("database login of \(refusal.user) to \(resourceId) refused: \(refusal.reason)")
                remember(RefusedLogin(at: Date(), user: refusal.user, method: refusal.method, reason: refusal.reason), of: resourceId)
            }
        }
    }
}
