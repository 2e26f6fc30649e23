import AWSWire
import Foundation
import GRDB
import State

// Nested: the names are RDS's shapes, and other services could have the same.
extension RDSService {
    struct CreateDBParameterGroupRequest: Decodable, Sendable {
        var dbParameterGroupName: String
        var dbParameterGroupFamily: String
        var description: String
        var tags: [Tag]?
    }

    struct DBParameterGroupShape: Encodable, Sendable {
        var dbParameterGroupName: String
        var dbParameterGroupFamily: String
        var description: String
        var dbParameterGroupArn: String

        init(_ group: RDSParameterGroup) {
            dbParameterGroupName = group.name
            dbParameterGroupFamily = group.family
            description = group.description
            dbParameterGroupArn = group.arn
        }
    }

    struct CreateDBParameterGroupResult: Encodable, Sendable {
        var dbParameterGroup: DBParameterGroupShape
    }

    struct DescribeDBParameterGroupsRequest: Decodable, Sendable {
        var dbParameterGroupName: String?
        var filters: [RDSListFilter]?
        var maxRecords: Int?
        var marker: String?
    }

    struct DBParameterGroupsMessage: Encodable, Sendable {
        var marker: String?
        var dbParameterGroups: [DBParameterGroupShape]
    }

    /// A `Parameter` as requests carry it (ModifyDBParameterGroup, ResetDBParameterGroup).
    struct ParameterInput: Decodable, Sendable {
        var parameterName: String?
        var parameterValue: String?
        var applyMethod: String?
    }

    struct ModifyDBParameterGroupRequest: Decodable, Sendable {
        var dbParameterGroupName: String
        var parameters: [ParameterInput]
    }

    struct ResetDBParameterGroupRequest: Decodable, Sendable {
        var dbParameterGroupName: String
        var resetAllParameters: Bool?
        var parameters: [ParameterInput]?
    }

    struct DBParameterGroupNameMessage: Encodable, Sendable {
        var dbParameterGroupName: String
    }

    struct DeleteDBParameterGroupRequest: Decodable, Sendable {
        var dbParameterGroupName: String
    }

    struct DescribeDBParametersRequest: Decodable, Sendable {
        var dbParameterGroupName: String
        var source: String?
        var filters: [RDSListFilter]?
        var maxRecords: Int?
        var marker: String?
    }

    /// A `Parameter` as responses describe it.
    struct ParameterShape: Encodable, Sendable {
        var parameterName: String
        var parameterValue: String?
        var description: String
        var source: String
        var applyType: String
        var dataType: String
        var allowedValues: String?
        var isModifiable: Bool
        var applyMethod: String
        var supportedEngineModes = ["provisioned"]
    }

    struct DBParameterGroupDetails: Encodable, Sendable {
        var parameters: [ParameterShape]
        var marker: String?
    }

    struct DescribeEngineDefaultParametersRequest: Decodable, Sendable {
        var dbParameterGroupFamily: String
        var filters: [RDSListFilter]?
        var maxRecords: Int?
        var marker: String?
    }

    struct EngineDefaults: Encodable, Sendable {
        var dbParameterGroupFamily: String
        var marker: String?
        var parameters: [ParameterShape]
    }

    struct DescribeEngineDefaultParametersResult: Encodable, Sendable {
        var engineDefaults: EngineDefaults
    }

    // DB cluster parameter groups: the same rules under their own names and shapes.
    struct CreateDBClusterParameterGroupRequest: Decodable, Sendable {
        var dbClusterParameterGroupName: String
        var dbParameterGroupFamily: String
        var description: String
        var tags: [Tag]?
    }

    struct DBClusterParameterGroupShape: Encodable, Sendable {
        var dbClusterParameterGroupName: String
        var dbParameterGroupFamily: String
        var description: String
        var dbClusterParameterGroupArn: String

        init(_ group: RDSParameterGroup) {
            dbClusterParameterGroupName = group.name
            dbParameterGroupFamily = group.family
            description = group.description
            dbClusterParameterGroupArn = group.arn
        }
    }

    struct CreateDBClusterParameterGroupResult: Encodable, Sendable {
        var dbClusterParameterGroup: DBClusterParameterGroupShape
    }

    struct DescribeDBClusterParameterGroupsRequest: Decodable, Sendable {
        var dbClusterParameterGroupName: String?
        var filters: [RDSListFilter]?
        var maxRecords: Int?
        var marker: String?
    }

    struct DBClusterParameterGroupsMessage: Encodable, Sendable {
        var marker: String?
        var dbClusterParameterGroups: [DBClusterParameterGroupShape]
    }

    struct ModifyDBClusterParameterGroupRequest: Decodable, Sendable {
        var dbClusterParameterGroupName: String
        var parameters: [ParameterInput]
    }

    struct ResetDBClusterParameterGroupRequest: Decodable, Sendable {
        var dbClusterParameterGroupName: String
        var resetAllParameters: Bool?
        var parameters: [ParameterInput]?
    }

    struct DBClusterParameterGroupNameMessage: Encodable, Sendable {
        var dbClusterParameterGroupName: String
    }

    struct DeleteDBClusterParameterGroupRequest: Decodable, Sendable {
        var dbClusterParameterGroupName: String
    }

    struct DescribeDBClusterParametersRequest: Decodable, Sendable {
        var dbClusterParameterGroupName: String
        var source: String?
        var filters: [RDSListFilter]?
        var maxRecords: Int?
        var marker: String?
    }
}

extension RDSService {
    mutating func registerParameterGroups() {
        let groups = ParameterGroupOperations(store: store, engines: engines)

        operations.on("CreateDBParameterGroup") { (input: CreateDBParameterGroupRequest, call) -> CreateDBParameterGroupResult in
            let group = try await groups.create(.instance, input.dbParameterGroupName, family: input.dbParameterGroupFamily,
                                                description: input.description, tags: input.tags, call)
            return CreateDBParameterGroupResult(dbParameterGroup: DBParameterGroupShape(group))
        }
        operations.on("CreateDBClusterParameterGroup") { (input: CreateDBClusterParameterGroupRequest, call) -> CreateDBClusterParameterGroupResult in
            let group = try await groups.create(.cluster, input.dbClusterParameterGroupName, family: input.dbParameterGroupFamily,
                                                description: input.description, tags: input.tags, call)
            return CreateDBClusterParameterGroupResult(dbClusterParameterGroup: DBClusterParameterGroupShape(group))
        }

        operations.on("DescribeDBParameterGroups") { (input: DescribeDBParameterGroupsRequest, call) -> DBParameterGroupsMessage in
            let page = try await groups.describe(.instance, input.dbParameterGroupName, maxRecords: input.maxRecords, marker: input.marker, call)
            return DBParameterGroupsMessage(marker: page.nextMarker, dbParameterGroups: page.items.map(DBParameterGroupShape.init))
        }
        operations.on("DescribeDBClusterParameterGroups") { (input: DescribeDBClusterParameterGroupsRequest, call) -> DBClusterParameterGroupsMessage in
            let page = try await groups.describe(.cluster, input.dbClusterParameterGroupName, maxRecords: input.maxRecords, marker: input.marker, call)
            return DBClusterParameterGroupsMessage(marker: page.nextMarker, dbClusterParameterGroups: page.items.map(DBClusterParameterGroupShape.init))
        }

        operations.on("ModifyDBParameterGroup") { (input: ModifyDBParameterGroupRequest, call) -> DBParameterGroupNameMessage in
            DBParameterGroupNameMessage(dbParameterGroupName: try await groups.modify(.instance, input.dbParameterGroupName, input.parameters, call))
        }
        operations.on("ModifyDBClusterParameterGroup") { (input: ModifyDBClusterParameterGroupRequest, call) -> DBClusterParameterGroupNameMessage in
            DBClusterParameterGroupNameMessage(dbClusterParameterGroupName: try await groups.modify(.cluster, input.dbClusterParameterGroupName, input.parameters, call))
        }

        operations.on("ResetDBParameterGroup") { (input: ResetDBParameterGroupRequest, call) -> DBParameterGroupNameMessage in
            DBParameterGroupNameMessage(dbParameterGroupName: try await groups.reset(
                .instance, input.dbParameterGroupName, all: input.resetAllParameters == true, input.parameters ?? [], call))
        }
        operations.on("ResetDBClusterParameterGroup") { (input: ResetDBClusterParameterGroupRequest, call) -> DBClusterParameterGroupNameMessage in
            DBClusterParameterGroupNameMessage(dbClusterParameterGroupName: try await groups.reset(
                .cluster, input.dbClusterParameterGroupName, all: input.resetAllParameters == true, input.parameters ?? [], call))
        }

        operations.on("DeleteDBParameterGroup") { (input: DeleteDBParameterGroupRequest, call) -> Empty in
            try await groups.delete(.instance, input.dbParameterGroupName, call)
            return Empty()
        }
        operations.on("DeleteDBClusterParameterGroup") { (input: DeleteDBClusterParameterGroupRequest, call) -> Empty in
            try await groups.delete(.cluster, input.dbClusterParameterGroupName, call)
            return Empty()
        }

        operations.on("DescribeDBParameters") { (input: DescribeDBParametersRequest, call) -> DBParameterGroupDetails in
            let page = try await groups.parameters(.instance, input.dbParameterGroupName, source: input.source,
                                                   maxRecords: input.maxRecords, marker: input.marker, call)
            return DBParameterGroupDetails(parameters: page.items, marker: page.nextMarker)
        }
        operations.on("DescribeDBClusterParameters") { (input: DescribeDBClusterParametersRequest, call) -> DBParameterGroupDetails in
            let page = try await groups.parameters(.cluster, input.dbClusterParameterGroupName, source: input.source,
                                                   maxRecords: input.maxRecords, marker: input.marker, call)
            return DBParameterGroupDetails(parameters: page.items, marker: page.nextMarker)
        }

        operations.on("DescribeEngineDefaultParameters") { (input: DescribeEngineDefaultParametersRequest, _) -> DescribeEngineDefaultParametersResult in
            DescribeEngineDefaultParametersResult(engineDefaults: try ParameterGroupOperations.engineDefaults(input))
        }
        operations.on("DescribeEngineDefaultClusterParameters") { (input: DescribeEngineDefaultParametersRequest, _) -> DescribeEngineDefaultParametersResult in
            DescribeEngineDefaultParametersResult(engineDefaults: try ParameterGroupOperations.engineDefaults(input))
        }
    }
}

/// The parameter group operations, once for both kinds: a DB parameter group and a DB cluster
/// parameter group differ only in their names, shapes and the resources that use them.
struct ParameterGroupOperations: Sendable {
    let store: Store
    let engines: EngineHost

    func create(_ scope: RDSParameterScope, _ name: String, family: String, description: String, tags: [Tag]?,
                _ call: CallContext) async throws -> RDSParameterGroup {
        let name = try ParameterGroupRules.name(name, scope: scope)
        guard RDSParameters.Family(family) != nil else {
            throw RDSError.invalidParameterValue("The parameter DBParameterGroupFamily is not valid: \(family). Valid families: \(RDSCatalog.families.joined(separator: ", ")).")
        }
        return try await store.write { db in
            guard try RDSParameterGroup.named(name, scope: scope, account: call.accountId, region: call.region).fetchCount(db) == 0 else {
                throw AWSError(code: "DBParameterGroupAlreadyExists", status: 400, message: "Parameter group \(name) already exists")
            }
            let count = try RDSParameterGroup.filter(Column("accountId") == call.accountId && Column("region") == call.region
                                                     && Column("scope") == scope.rawValue).fetchCount(db)
            guard count < ParameterGroupRules.groupsPerRegion else {
                throw AWSError(code: "DBParameterGroupQuotaExceeded", status: 400,
                               message: "Cannot create more than \(ParameterGroupRules.groupsPerRegion) \(scope.noun)s.")
            }
            let group = RDSParameterGroup(accountId: call.accountId, region: call.region, scope: scope, name: name,
                                          family: family, description: description, createdAt: call.now)
            try group.insert(db)
            try ResourceTags.merge(tags ?? [], into: group.arn, db)
            return group
        }
    }

    func describe(_ scope: RDSParameterScope, _ name: String?, maxRecords: Int?, marker: String?,
                  _ call: CallContext) async throws -> Page<RDSParameterGroup> {
        let limit = try RDSListing.limit(maxRecords)
        return try await store.read { db in
            var groups: [RDSParameterGroup]
            if let name {
                groups = [try ParameterGroupRules.group(name, scope: scope, account: call.accountId, region: call.region, db)]
            } else {
                groups = try RDSParameterGroup.filter(Column("accountId") == call.accountId && Column("region") == call.region
                                                      && Column("scope") == scope.rawValue).fetchAll(db)
                groups += ParameterGroupRules.families(scope).map {
                    ParameterGroupRules.defaultGroup($0, scope: scope, account: call.accountId, region: call.region)
                }
                groups.sort { $0.name < $1.name }
            }
            return try RDSListing.page(groups, after: marker, limit: limit, key: \.name)
        }
    }

    func modify(_ scope: RDSParameterScope, _ name: String, _ parameters: [RDSService.ParameterInput], _ call: CallContext) async throws -> String {
        try ParameterGroupRules.refuseDefault(name, "modify")
        guard !parameters.isEmpty else {
            throw RDSError.invalidParameterValue("The parameter Parameters must be provided and must not be empty.")
        }
        guard parameters.count <= ParameterGroupRules.parametersPerRequest else {
            throw RDSError.invalidParameterValue("A request can modify at most \(ParameterGroupRules.parametersPerRequest) parameters; \(parameters.count) were given.")
        }
        let changed = try await store.write { db in
            let group = try ParameterGroupRules.group(name, scope: scope, account: call.accountId, region: call.region, db)
            for parameter in parameters {
                let definition = try ParameterGroupRules.definition(parameter.parameterName, family: group.family)
                guard definition.isModifiable else {
                    throw RDSError.invalidParameterValue("The parameter \(definition.name) cannot be modified.")
                }
                guard let value = parameter.parameterValue else {
                    throw RDSError.invalidParameterValue("The parameter value for parameter \(definition.name) must be provided.")
                }
                try definition.validate(value)
                let method = try ParameterGroupRules.applyMethod(parameter.applyMethod, for: definition)
                try RDSParameter(accountId: call.accountId, region: call.region, scope: scope, groupName: group.name, name: definition.name,
                                 value: value, applyMethod: method).save(db)
            }
            return group.name
        }
        await apply(scope, changed, call)
        return changed
    }

    func reset(_ scope: RDSParameterScope, _ name: String, all: Bool, _ named: [RDSService.ParameterInput], _ call: CallContext) async throws -> String {
        try ParameterGroupRules.refuseDefault(name, "reset")
        if all && !named.isEmpty {
            throw RDSError.invalidParameterCombination("Cannot reset all parameters and specify parameters at the same time.")
        }
        if !all && named.isEmpty {
            throw RDSError.invalidParameterCombination("Either ResetAllParameters or Parameters must be specified.")
        }
        guard named.count <= ParameterGroupRules.parametersPerRequest else {
            throw RDSError.invalidParameterValue("A request can reset at most \(ParameterGroupRules.parametersPerRequest) parameters; \(named.count) were given.")
        }
        let reset = try await store.write { db in
            let group = try ParameterGroupRules.group(name, scope: scope, account: call.accountId, region: call.region, db)
            let set = RDSParameter.of(group: group.name, scope: scope, account: call.accountId, region: call.region)
            if all {
                try set.deleteAll(db)
            } else {
                for parameter in named {
                    let definition = try ParameterGroupRules.definition(parameter.parameterName, family: group.family)
                    _ = try ParameterGroupRules.applyMethod(parameter.applyMethod, for: definition)
                    try set.filter(Column("name") == definition.name).deleteAll(db)
                }
            }
            return group.name
        }
        await apply(scope, reset, call)
        return reset
    }

    func delete(_ scope: RDSParameterScope, _ name: String, _ call: CallContext) async throws {
        if ParameterGroupRules.isDefault(name) {
            throw RDSError.invalidParameterGroupState("Default \(scope == .instance ? "DBParameterGroup" : "DBClusterParameterGroup") cannot be deleted: \(name)")
        }
        try await store.write { db in
            guard let group = try RDSParameterGroup.named(name, scope: scope, account: call.accountId, region: call.region).fetchOne(db) else {
                throw ParameterGroupRules.notFound(name, scope: scope)
            }
            let users = scope == .instance
                ? try RDSInstance.filter(Column("accountId") == call.accountId && Column("region") == call.region
                                         && Column("parameterGroupName") == group.name).fetchCount(db)
                : try RDSCluster.filter(Column("accountId") == call.accountId && Column("region") == call.region
                                        && Column("parameterGroupName") == group.name).fetchCount(db)
            guard users == 0 else {
                throw RDSError.invalidParameterGroupState(scope == .instance
                    ? "One or more database instances are still members of this parameter group \(group.name), so the group cannot be deleted"
                    : "One or more DB clusters are still members of this parameter group \(group.name), so the group cannot be deleted")
            }
            try RDSParameter.of(group: group.name, scope: scope, account: call.accountId, region: call.region).deleteAll(db)
            try group.delete(db)
            try ResourceTags.remove(keys: try ResourceTags.of(group.arn, db).map(\.key), from: group.arn, db)
        }
    }

    func parameters(_ scope: RDSParameterScope, _ name: String, source: String?, maxRecords: Int?, marker: String?,
                    _ call: CallContext) async throws -> Page<RDSService.ParameterShape> {
        let limit = try RDSListing.limit(maxRecords)
        if let source, !["user", "system", "engine-default"].contains(source) {
            throw RDSError.invalidParameterValue("Invalid value for Source: \(source). Valid values are: user, system, engine-default.")
        }
        return try await store.read { db in
            let group = try ParameterGroupRules.group(name, scope: scope, account: call.accountId, region: call.region, db)
            let set = try RDSParameter.of(group: group.name, scope: scope, account: call.accountId, region: call.region).fetchAll(db)
            var parameters = RDSParameters.shapes(family: group.family, set: set)
            if let source { parameters = parameters.filter { $0.source == source } }
            return try RDSListing.page(parameters, after: marker, limit: limit, key: \.parameterName)
        }
    }

    static func engineDefaults(_ input: RDSService.DescribeEngineDefaultParametersRequest) throws -> RDSService.EngineDefaults {
        let limit = try RDSListing.limit(input.maxRecords)
        guard RDSParameters.Family(input.dbParameterGroupFamily) != nil else {
            throw RDSError.invalidParameterValue("Invalid DB parameter group family: \(input.dbParameterGroupFamily)")
        }
        let parameters = RDSParameters.shapes(family: input.dbParameterGroupFamily, set: [])
        let page = try RDSListing.page(parameters, after: input.marker, limit: limit, key: \.parameterName)
        return RDSService.EngineDefaults(dbParameterGroupFamily: input.dbParameterGroupFamily, marker: page.nextMarker, parameters: page.items)
    }

    /// Brings the servers using `group` in line with its values (all the parameters Kerbside
    /// passes on are dynamic: a reload, no restart): the instances naming it, or every member
    /// of the clusters naming it.
    private func apply(_ scope: RDSParameterScope, _ group: String, _ call: CallContext) async {
        let users = (try? await store.read { db -> [RDSInstance] in
            let inRegion = Column("accountId") == call.accountId && Column("region") == call.region
            switch scope {
            case .instance:
                return try RDSInstance.filter(inRegion && Column("parameterGroupName") == group.lowercased()).fetchAll(db)
            case .cluster:
                let clusters = try RDSCluster.filter(inRegion && Column("parameterGroupName") == group.lowercased()).fetchAll(db)
                return try clusters.flatMap { try RDSInstance.members(of: $0.resourceId).fetchAll(db) }
            }
        }) ?? []
        for instance in users where instance.status == "available" {
            do {
                try await engines.reconfigure(instance)
            } catch {
                call.logger.error("DB instance \(instance.identifier) could not take parameter group \(group): \(error)")
            }
        }
    }
}

/// RDS's rules for parameter groups; the `default.<family>` groups exist implicitly.
enum ParameterGroupRules {
    static let groupsPerRegion = 50
    static let parametersPerRequest = 20

    static func isDefault(_ name: String) -> Bool { name.lowercased().hasPrefix("default.") }

    /// The families whose default groups exist for a kind: a cluster parameter group is Aurora's.
    static func families(_ scope: RDSParameterScope) -> [String] {
        RDSCatalog.families.filter { scope == .instance || RDSParameters.Family($0)?.isAurora == true }
    }

    /// 1–255 letters, digits or hyphens, starting with a letter, no trailing or double hyphen.
    static func name(_ value: String, scope: RDSParameterScope) throws -> String {
        let valid = (1...255).contains(value.count) && value.first?.isLetter == true
            && value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            && !value.hasSuffix("-") && !value.contains("--")
        guard valid else {
            throw RDSError.invalidParameterValue("The parameter \(scope == .instance ? "DBParameterGroupName" : "DBClusterParameterGroupName") is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.")
        }
        return value.lowercased()
    }

    static func defaultGroup(_ family: String, scope: RDSParameterScope, account: String, region: String) -> RDSParameterGroup {
        RDSParameterGroup(accountId: account, region: region, scope: scope, name: RDSCatalog.defaultParameterGroup(family: family),
                          family: family, description: scope == .instance ? "Default parameter group for \(family)"
                                                                          : "Default cluster parameter group for \(family)",
                          createdAt: Date(timeIntervalSince1970: 0))
    }

    /// The named group: one the account made, or a family's default group.
    static func group(_ name: String, scope: RDSParameterScope, account: String, region: String, _ db: Database) throws -> RDSParameterGroup {
        if isDefault(name) {
            let family = String(name.lowercased().dropFirst("default.".count))
            guard families(scope).contains(family) else { throw notFound(name, scope: scope) }
            return defaultGroup(family, scope: scope, account: account, region: region)
        }
        guard let group = try RDSParameterGroup.named(name, scope: scope, account: account, region: region).fetchOne(db) else {
            throw notFound(name, scope: scope)
        }
        return group
    }

    /// As RDS's model has it, describing a missing group of either kind is `DBParameterGroupNotFound`.
    static func notFound(_ name: String, scope: RDSParameterScope) -> AWSError {
        scope == .instance ? RDSError.parameterGroupNotFound(name)
            : AWSError(code: "DBParameterGroupNotFound", status: 404, message: "DBClusterParameterGroup not found: \(name)")
    }

    static func refuseDefault(_ name: String, _ action: String) throws {
        if isDefault(name) { throw RDSError.invalidParameterValue("Cannot \(action) a default parameter group.") }
    }

    static func definition(_ name: String?, family: String) throws -> RDSParameters.Definition {
        guard let name, !name.isEmpty else {
            throw RDSError.invalidParameterValue("The parameter ParameterName must be provided and must not be blank.")
        }
        guard let definition = RDSParameters.definitions(ofFamily: family).first(where: { $0.name == name.lowercased() }) else {
            throw RDSError.invalidParameterValue("Could not find parameter with name: \(name)")
        }
        return definition
    }

    /// `immediate` or `pending-reboot`; a static parameter only changes at a reboot. When none
    /// is given: immediate for dynamic parameters, pending-reboot for static ones.
    static func applyMethod(_ method: String?, for definition: RDSParameters.Definition) throws -> String {
        switch method {
        case nil:
            return definition.isDynamic ? "immediate" : "pending-reboot"
        case "immediate":
            guard definition.isDynamic else {
                throw RDSError.invalidParameterCombination("cannot use immediate apply method for static parameter")
            }
            return "immediate"
        case "pending-reboot":
            return "pending-reboot"
        case let other?:
            throw RDSError.invalidParameterValue("Invalid apply method \(other) for parameter \(definition.name). Valid values: immediate, pending-reboot.")
        }
    }
}

extension RDSParameterScope {
    var noun: String { self == .instance ? "DB parameter group" : "DB cluster parameter group" }
}

extension RDSError {
    static func invalidParameterGroupState(_ message: String) -> AWSError {
        AWSError(code: "InvalidDBParameterGroupState", status: 400, message: message)
    }
}
