import AWSWire
import State

/// Every service Kerbside emulates, by SigV4 signing name.
public struct ServiceRegistry: Sendable {
    private let services: [String: any AWSService]

    public init(store: Store, realms: RealmHost, engines: EngineHost, relays: ClusterEndpointRelays) {
        let all: [any AWSService] = [
            IAMService(store: store),
            STSService(store: store),
            EC2Service(store: store),
            DirectoryService(store: store, realms: realms),
            DirectoryServiceData(store: store, realms: realms),
            RDSService(store: store, engines: engines, realms: realms, relays: relays),
        ]
        services = Dictionary(uniqueKeysWithValues: all.map { ($0.signingName, $0) })
    }

    public func service(signingName: String) -> (any AWSService)? { services[signingName] }

    /// Signing names of the services with at least one implemented operation.
    public var signingNames: [String] { services.filter { !$0.value.operations.operationNames.isEmpty }.keys.sorted() }

    /// Implemented operations per service, for the control routes and the coverage test.
    public var implementedOperations: [String: [String]] { services.mapValues(\.operations.operationNames) }
}
