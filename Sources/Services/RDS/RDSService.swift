import AWSWire
import State

/// Amazon RDS: DB instances that are real PostgreSQL servers, joined to directories for
/// Kerberos and checking IAM tokens; their subnet and parameter groups, snapshots and tags.
public struct RDSService: AWSService {
    public let signingName = "rds"
    public let validationStyle = ValidationStyle.rds
    public internal(set) var operations = OperationTable()
    let store: Store
    let engines: EngineHost
    let realms: RealmHost

    public init(store: Store, engines: EngineHost, realms: RealmHost) {
        self.store = store
        self.engines = engines
        self.realms = realms
        registerInstances()
        registerInstanceChanges()
        registerTags()
        registerSubnetGroups()
        registerParameterGroups()
        registerCatalog()
        registerSnapshots()
        registerEvents()
    }
}
