import Foundation
import Services
import State

/// Kerbside's own routes under `/_kerbside/`: readiness, a reset between tests, and what is served.
/// They are plain JSON, not an AWS protocol, and need no signature.
struct ControlRoutes: Sendable {
    static let prefix = "/_kerbside/"

    let store: Store
    let services: ServiceRegistry
    let version: String

    struct Reply: Sendable {
        let status: Int
        let body: [UInt8]
    }

    struct Health: Encodable {
        let status: String
        let version: String
        let services: [String]
    }

    func respond(method: String, path: String) async -> Reply {
        switch (method, path) {
        case ("GET", "/_kerbside/health"):
            return json(200, Health(status: "ready", version: version, services: services.signingNames))
        case ("POST", "/_kerbside/reset"):
            do {
                try await store.reset()
                return json(200, ["status": "reset"])
            } catch {
                return json(500, ["status": "failed", "error": "\(error)"])
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
        return Reply(status: status, body: Array((try? encoder.encode(value)) ?? Data("{}".utf8)) + [0x0A])
    }
}
