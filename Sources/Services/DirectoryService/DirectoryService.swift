import AWSWire
import State

/// AWS Directory Service: directories that are real Kerberos realms, their trusts and sharing.
public struct DirectoryService: AWSService {
    public let signingName = "ds"
    public let validationStyle = ValidationStyle.coral(code: "InvalidParameterException")
    public internal(set) var operations = OperationTable()
    let store: Store
    let realms: RealmHost

    public init(store: Store, realms: RealmHost) {
        self.store = store
        self.realms = realms
        registerDirectories()
        registerDataAccess()
        registerPasswords()
        registerTrusts()
        registerSharing()
    }
}
