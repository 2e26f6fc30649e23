import Foundation
import Runtime

/// Checks that users of one realm can reach services of another, the way a client would: a probe
/// principal of `clientRealm` gets a ticket for a probe service of `serviceRealm`. That only works
/// when both KDCs hold the same cross-realm key, i.e. when both sides of a trust agree.
public enum TrustProbe {
    public static let clientName = "kerbside-trust-probe"
    public static let serviceName = "kerbside/trust-probe"

    /// nil when the ticket was issued; otherwise what the client library said.
    public static func failure(from clientRealm: Realm, to serviceRealm: Realm) async throws -> String? {
        let service = "\(serviceName)@\(serviceRealm.name)"
        try await serviceRealm.ensurePrincipal(service)
        let password = Data((0..<24).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let client = "\(clientName)@\(clientRealm.name)"
        try await clientRealm.ensurePrincipal(client)
        try await clientRealm.kadmin([.setPassword(client, password)])

        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("kerbside-probe-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: cache) }
        let environment = ["KRB5_CONFIG": clientRealm.sharedConfiguration.path, "KRB5CCNAME": "FILE:\(cache.path)", "PATH": "/usr/bin:/bin"]
        let login = try await Command(Tools.kinit, [client], environment: environment, timeout: .seconds(10)).run(input: password + "\n")
        guard login.succeeded else { return login.standardError.trimmingCharacters(in: .whitespacesAndNewlines) }
        let ticket = try await Command(Tools.kvno, [service], environment: environment, timeout: .seconds(10)).run()
        return ticket.succeeded ? nil : ticket.standardError.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

extension Realm {
    /// Adds a principal with random keys unless it exists.
    func ensurePrincipal(_ name: String) async throws {
        do {
            try await kadmin([.addPrincipal(name, password: nil, ticketsAllowed: true)])
        } catch let error as KerberosError where error.description.contains("already exists") {
            return
        }
    }
}
