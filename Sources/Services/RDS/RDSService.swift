import AWSWire
import State

/// Amazon RDS: DB instances and Aurora cluster members that are real database servers (a
/// cluster's readers streaming replicas of its writer), joined to directories for Kerberos and
/// checking IAM tokens; their endpoints, subnet and parameter groups, snapshots and tags.
public struct RDSService: AWSService {
    public let signingName = "rds"
    public let validationStyle = ValidationStyle.rds
    public internal(set) var operations = OperationTable()
    let store: Store
    let engines: EngineHost
    let realms: RealmHost
    let relays: ClusterEndpointRelays

    public init(store: Store, engines: EngineHost, realms: RealmHost, relays: ClusterEndpointRelays) {
        self.store = store
        self.engines = engines
        self.realms = realms
        self.relays = relays
        registerInstances()
        registerClusters()
        registerClusterEndpoints()
        registerClusterSnapshots()
        registerReadReplicas()
        registerAssociatedRoles()
        registerInstanceChanges()
        registerTags()
        registerSubnetGroups()
        registerParameterGroups()
        registerCatalog()
        registerSnapshots()
        registerEvents()
    }
}
