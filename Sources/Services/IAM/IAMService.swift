import AWSWire
import State

/// AWS Identity and Access Management: users, groups, roles, policies and access keys.
public struct IAMService: AWSService {
    public let signingName = "iam"
    public let validationStyle = ValidationStyle.coral(code: "ValidationError")
    public internal(set) var operations = OperationTable()
    let store: Store

    public init(store: Store) {
        self.store = store
        registerUsers()
        registerAccessKeys()
        registerGroups()
        registerRoles()
        registerManagedPolicies()
        registerAttachments()
        registerInlinePolicies()
        registerInstanceProfiles()
        registerSimulation()
    }
}
