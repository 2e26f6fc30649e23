import Engines
import Foundation
import State
import Synchronization

/// The installed database engines, and where each DB instance's server keeps its files
/// (`<data>/engines/<DbiResourceId>/`) and each engine its templates (`<data>/templates/`).
/// Shared by the engine host and the login records.
final class DatabaseServers: Sendable {
    let enginesFolder: URL
    let templates: TemplateFolders
    /// Engines are looked up once: finding an installation and its user reads the file system.
    private let installed = Mutex<[RDSCatalog.ServerKind: any DatabaseEngine]>([:])
    /// Who decides the logins the MySQL front door hands over (IAM tokens): the login records,
    /// made after the servers, so they take their seat once they exist.
    let mysqlLogins = DeciderSeat()

    init(enginesFolder: URL, templates: TemplateFolders) {
        self.enginesFolder = enginesFolder
        self.templates = templates
    }

    func engine(named name: String) throws -> any DatabaseEngine {
        guard let kind = RDSCatalog.engine(name)?.server else {
            throw EngineError("Kerbside cannot run the \(name) engine yet")
        }
        return try installed.withLock { engines in
            if let engine = engines[kind] { return engine }
            let engine: any DatabaseEngine
            switch kind {
            case .postgres: engine = try PostgresEngine(templates: templates)
            case .mariadb: engine = try MariaDBEngine(templates: templates, decider: mysqlLogins)
            }
            engines[kind] = engine
            return engine
        }
    }

    func server(of instance: RDSInstance) throws -> any DatabaseServer {
        try engine(named: instance.engine).server(in: enginesFolder.appendingPathComponent(instance.resourceId))
    }
}

/// A decider known after its users are made: until it takes its seat, every login is refused.
final class DeciderSeat: MySQLLoginDecider {
    private let decider = Mutex<(any MySQLLoginDecider)?>(nil)

    func seat(_ decider: any MySQLLoginDecider) { self.decider.withLock { $0 = decider } }

    func decide(_ login: MySQLAccountLogin) async -> MySQLLoginVerdict {
        guard let decider = decider.withLock({ $0 }) else { return .refused(reason: "Kerbside is starting") }
        return await decider.decide(login)
    }
}
