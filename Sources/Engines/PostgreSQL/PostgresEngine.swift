import Foundation

/// PostgreSQL behind the engine seam: the Debian installation, its template data directory and
/// SCRAM password verifiers. Every PostgreSQL engine version RDS offers (RDS for PostgreSQL and
/// Aurora PostgreSQL alike) runs on it.
public struct PostgresEngine: DatabaseEngine {
    public let installation: PostgresInstallation
    public let user: EngineUser
    let templates: TemplateFolders

    /// The installed PostgreSQL, run as the engine user, its templates kept in `templates`;
    /// fails with what to install when absent.
    public init(templates: TemplateFolders) throws {
        self.templates = templates
        guard let installation = PostgresInstallation.installed() else {
            throw EngineError("PostgreSQL is not installed (expected /usr/lib/postgresql/<major>/bin); `make run` installs it")
        }
        self.installation = installation
        user = try EngineUser.forDatabases()
    }

    public var templateName: String { "postgres-\(installation.major)" }
    public var kerberosServiceName: String { "postgres" }

    public func template() async throws -> URL {
        try await PostgresTemplate.ensure(in: templates, installation: installation, user: user)
    }

    public func server(in folder: URL) -> any DatabaseServer {
        PostgresServer(folder: folder, installation: installation, user: user)
    }

    public func passwordVerifier(for password: String) -> String { SCRAM.verifier(for: password) }

    /// PostgreSQL listens on its endpoints itself; its login rules do all the deciding.
    public var frontDoor: (any FrontDoor)? { nil }
}
