import Foundation
import GRDB
import Runtime
import Services
import State

/// Kerbside's own routes under `/_kerbside/`: readiness, a reset between tests, the client kit,
/// and what is served. They are plain HTTP, not an AWS protocol, and need no signature.
struct ControlRoutes: Sendable {
    static let prefix = "/_kerbside/"

    let store: Store
    let services: ServiceRegistry
    let realms: RealmHost
    let supervisor: Supervisor
    let version: String

    struct Reply: Sendable {
        let status: Int
        let contentType: String
        let body: [UInt8]
    }

    struct RealmHealth: Encodable {
        let directoryId: String
        let accountId: String
        let realm: String
        let stage: String
        let kdcAddresses: [String]
        let kdcPort: Int
        let kdc: ChildStatus?
    }

    struct Health: Encodable {
        let status: String
        let version: String
        let services: [String]
        let krb5Config: String
        let realms: [RealmHealth]
    }

    func respond(method: String, path: String) async -> Reply {
        switch (method, path) {
        case ("GET", "/_kerbside/health"):
            let directories = (try? await store.read { db in try DSDirectory.order(Column("launchTime")).fetchAll(db).filter(\.hostsRealm) }) ?? []
            let children = await supervisor.statuses
            let realmHealth = directories.map { directory in
                RealmHealth(directoryId: directory.directoryId, accountId: directory.accountId, realm: directory.realm,
                            stage: directory.stage, kdcAddresses: directory.dnsIpAddrs, kdcPort: directory.kdcPort,
                            kdc: children["kdc \(directory.realm)"])
            }
            return json(200, Health(status: "ready", version: version, services: services.signingNames,
                                    krb5Config: realms.clientConfigurationFile.path, realms: realmHealth))
        case ("POST", "/_kerbside/reset"):
            do {
                await realms.removeAll()
                try await store.reset()
                try await realms.writeClientConfiguration()
                return json(200, ["status": "reset"])
            } catch {
                return json(500, ["status": "failed", "error": "\(error)"])
            }
        case ("GET", "/_kerbside/krb5.conf"):
            do {
                try await realms.writeClientConfiguration()
                let text = try Data(contentsOf: realms.clientConfigurationFile)
                return Reply(status: 200, contentType: "text/plain; charset=utf-8", body: Array(text))
            } catch {
                return json(500, ["error": "krb5.conf is not available: \(error)"])
            }
        case ("GET", "/_kerbside/operations"):
            return json(200, services.implementedOperations)
        default:
            return json(404, ["error": "no control route \(method) \(path)"])
        }
    }

    private func json(_ status: Int, _ value: some Encodable) -> Reply {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        encoder.dateEncodingStrategy = .iso8601
        return Reply(status: status, contentType: "application/json",
                     body: Array((try? encoder.encode(value)) ?? Data("{}".utf8)) + [0x0A])
    }
}
