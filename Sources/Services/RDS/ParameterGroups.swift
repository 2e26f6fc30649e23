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
}

extension RDSService {
    mutating func registerParameterGroups() {
        let store = store, engines = engines

        operations.on("CreateDBParameterGroup") { (input: CreateDBParameterGroupRequest, call) -> CreateDBParameterGroupResult in
            let name = try ParameterGroupRules.name(input.dbParameterGroupName)
            guard RDSCatalog.major(ofFamily: input.dbParameterGroupFamily) != nil else {
                throw RDSError.invalidParameterValue("The parameter DBParameterGroupFamily is not valid: \(input.dbParameterGroupFamily). Valid families: \(RDSCatalog.families.joined(separator: ", ")).")
            }
            return try await store.write { db in
                guard try RDSParameterGroup.named(name, account: call.accountId, region: call.region).fetchCount(db) == 0 else {
                    throw AWSError(code: "DBParameterGroupAlreadyExists", status: 400, message: "Parameter group \(name) already exists")
                }
                let count = try RDSParameterGroup.filter(Column("accountId") == call.accountId && Column("region") == call.region).fetchCount(db)
                guard count < ParameterGroupRules.groupsPerRegion else {
                    throw AWSError(code: "DBParameterGroupQuotaExceeded", status: 400,
                                   message: "Cannot create more than \(ParameterGroupRules.groupsPerRegion) DB parameter groups.")
                }
                let group = RDSParameterGroup(accountId: call.accountId, region: call.region, name: name,
                                              family: input.dbParameterGroupFamily, description: input.description, createdAt: call.now)
                try group.insert(db)
                try ResourceTags.merge(input.tags ?? [], into: group.arn, db)
                return CreateDBParameterGroupResult(dbParameterGroup: DBParameterGroupShape(group))
            }
        }

        operations.on("DescribeDBParameterGroups") { (input: DescribeDBParameterGroupsRequest, call) -> DBParameterGroupsMessage in
            let limit = try RDSListing.limit(input.maxRecords)
            return try await store.read { db in
                var groups: [RDSParameterGroup]
                if let name = input.dbParameterGroupName {
                    groups = [try ParameterGroupRules.group(name, account: call.accountId, region: call.region, db)]
                } else {
                    groups = try RDSParameterGroup.filter(Column("accountId") == call.accountId && Column("region") == call.region).fetchAll(db)
                    groups += RDSCatalog.families.map { ParameterGroupRules.defaultGroup($0, account: call.accountId, region: call.region) }
                    groups.sort { $0.name < $1.name }
                }
                let page = try RDSListing.page(groups, after: input.marker, limit: limit, key: \.name)
                return DBParameterGroupsMessage(marker: page.nextMarker, dbParameterGroups: page.items.map(DBParameterGroupShape.init))
            }
        }

        operations.on("ModifyDBParameterGroup") { (input: ModifyDBParameterGroupRequest, call) -> DBParameterGroupNameMessage in
            try ParameterGroupRules.refuseDefault(input.dbParameterGroupName, "modify")
            guard !input.parameters.isEmpty else {
                throw RDSError.invalidParameterValue("The parameter Parameters must be provided and must not be empty.")
            }
            guard input.parameters.count <= ParameterGroupRules.parametersPerRequest else {
                throw RDSError.invalidParameterValue("A request can modify at most \(ParameterGroupRules.parametersPerRequest) parameters; \(input.parameters.count) were given.")
            }
            let changed = try await store.write { db in
                let group = try ParameterGroupRules.group(input.dbParameterGroupName, account: call.accountId, region: call.region, db)
                let major = RDSCatalog.major(ofFamily: group.family) ?? 0
                for parameter in input.parameters {
                    let definition = try ParameterGroupRules.definition(parameter.parameterName, major: major)
                    guard definition.isModifiable else {
                        throw RDSError.invalidParameterValue("The parameter \(definition.name) cannot be modified.")
                    }
                    guard let value = parameter.parameterValue else {
                        throw RDSError.invalidParameterValue("The parameter value for parameter \(definition.name) must be provided.")
                    }
                    try definition.validate(value)
                    let method = try ParameterGroupRules.applyMethod(parameter.applyMethod, for: definition)
                    try RDSParameter(accountId: call.accountId, region: call.region, groupName: group.name, name: definition.name,
                                     value: value, applyMethod: method).save(db)
                }
                return DBParameterGroupNameMessage(dbParameterGroupName: group.name)
            }
            await RDSParameters.apply(changed.dbParameterGroupName, engines, store, call)
            return changed
        }

        operations.on("ResetDBParameterGroup") { (input: ResetDBParameterGroupRequest, call) -> DBParameterGroupNameMessage in
            try ParameterGroupRules.refuseDefault(input.dbParameterGroupName, "reset")
            let all = input.resetAllParameters == true
            let named = input.parameters ?? []
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
                let group = try ParameterGroupRules.group(input.dbParameterGroupName, account: call.accountId, region: call.region, db)
                if all {
                    try RDSParameter.of(group: group.name, account: call.accountId, region: call.region).deleteAll(db)
                } else {
                    let major = RDSCatalog.major(ofFamily: group.family) ?? 0
                    for parameter in named {
                        let definition = try ParameterGroupRules.definition(parameter.parameterName, major: major)
                        _ = try ParameterGroupRules.applyMethod(parameter.applyMethod, for: definition)
                        try RDSParameter.of(group: group.name, account: call.accountId, region: call.region)
                            .filter(Column("name") == definition.name).deleteAll(db)
                    }
                }
                return DBParameterGroupNameMessage(dbParameterGroupName: group.name)
            }
            await RDSParameters.apply(reset.dbParameterGroupName, engines, store, call)
            return reset
        }

        operations.on("DeleteDBParameterGroup") { (input: DeleteDBParameterGroupRequest, call) -> Empty in
            if ParameterGroupRules.isDefault(input.dbParameterGroupName) {
                throw RDSError.invalidParameterGroupState("Default DBParameterGroup cannot be deleted: \(input.dbParameterGroupName)")
            }
            try await store.write { db in
                guard let group = try RDSParameterGroup.named(input.dbParameterGroupName, account: call.accountId, region: call.region).fetchOne(db) else {
                    throw RDSError.parameterGroupNotFound(input.dbParameterGroupName)
                }
                let users = try RDSInstance.filter(Column("accountId") == call.accountId && Column("region") == call.region
                                                   && Column("parameterGroupName") == group.name).fetchCount(db)
                guard users == 0 else {
                    throw RDSError.invalidParameterGroupState(
                        "One or more database instances are still members of this parameter group \(group.name), so the group cannot be deleted")
                }
                try RDSParameter.of(group: group.name, account: call.accountId, region: call.region).deleteAll(db)
                try group.delete(db)
                try ResourceTags.remove(keys: try ResourceTags.of(group.arn, db).map(\.key), from: group.arn, db)
            }
            return Empty()
        }

        operations.on("DescribeDBParameters") { (input: DescribeDBParametersRequest, call) -> DBParameterGroupDetails in
            let limit = try RDSListing.limit(input.maxRecords)
            if let source = input.source, !["user", "system", "engine-default"].contains(source) {
                throw RDSError.invalidParameterValue("Invalid value for Source: \(source). Valid values are: user, system, engine-default.")
            }
            return try await store.read { db in
                let group = try ParameterGroupRules.group(input.dbParameterGroupName, account: call.accountId, region: call.region, db)
                let set = try RDSParameter.of(group: group.name, account: call.accountId, region: call.region).fetchAll(db)
                var parameters = RDSParameters.shapes(family: group.family, set: set)
                if let source = input.source { parameters = parameters.filter { $0.source == source } }
                let page = try RDSListing.page(parameters, after: input.marker, limit: limit, key: \.parameterName)
                return DBParameterGroupDetails(parameters: page.items, marker: page.nextMarker)
            }
        }

        operations.on("DescribeEngineDefaultParameters") { (input: DescribeEngineDefaultParametersRequest, _) -> DescribeEngineDefaultParametersResult in
            let limit = try RDSListing.limit(input.maxRecords)
            guard RDSCatalog.major(ofFamily: input.dbParameterGroupFamily) != nil else {
                throw RDSError.invalidParameterValue("Invalid DB parameter group family: \(input.dbParameterGroupFamily)")
            }
            let parameters = RDSParameters.shapes(family: input.dbParameterGroupFamily, set: [])
            let page = try RDSListing.page(parameters, after: input.marker, limit: limit, key: \.parameterName)
            return DescribeEngineDefaultParametersResult(engineDefaults: EngineDefaults(
                dbParameterGroupFamily: input.dbParameterGroupFamily, marker: page.nextMarker, parameters: page.items))
        }
    }
}

/// RDS's rules for DB parameter groups; the `default.<family>` groups exist implicitly.
enum ParameterGroupRules {
    static let groupsPerRegion = 50
    static let parametersPerRequest = 20

    static func isDefault(_ name: String) -> Bool { name.lowercased().hasPrefix("default.") }

    /// 1–255 letters, digits or hyphens, starting with a letter, no trailing or double hyphen.
    static func name(_ value: String) throws -> String {
        let valid = (1...255).contains(value.count) && value.first?.isLetter == true
            && value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            && !value.hasSuffix("-") && !value.contains("--")
        guard valid else {
            throw RDSError.invalidParameterValue("The parameter DBParameterGroupName is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.")
        }
        return value.lowercased()
    }

    static func defaultGroup(_ family: String, account: String, region: String) -> RDSParameterGroup {
        RDSParameterGroup(accountId: account, region: region, name: RDSCatalog.defaultParameterGroup(family: family), family: family,
                          description: "Default parameter group for \(family)", createdAt: Date(timeIntervalSince1970: 0))
    }

    /// The named group: one the account made, or a family's default group.
    static func group(_ name: String, account: String, region: String, _ db: Database) throws -> RDSParameterGroup {
        if isDefault(name) {
            let family = String(name.lowercased().dropFirst("default.".count))
            guard RDSCatalog.major(ofFamily: family) != nil else { throw RDSError.parameterGroupNotFound(name) }
            return defaultGroup(family, account: account, region: region)
        }
        guard let group = try RDSParameterGroup.named(name, account: account, region: region).fetchOne(db) else {
            throw RDSError.parameterGroupNotFound(name)
        }
        return group
    }

    static func refuseDefault(_ name: String, _ action: String) throws {
        if isDefault(name) { throw RDSError.invalidParameterValue("Cannot \(action) a default parameter group.") }
    }

    static func definition(_ name: String?, major: Int) throws -> RDSParameters.Definition {
        guard let name, !name.isEmpty else {
            throw RDSError.invalidParameterValue("The parameter ParameterName must be provided and must not be blank.")
        }
        guard let definition = RDSParameters.definitions.first(where: { $0.name == name.lowercased() }),
              major >= definition.minimumMajor else {
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

/// The PostgreSQL parameters RDS describes, their defaults per family, and the values a
/// group gives the engine.
enum RDSParameters {
    enum Kind: String, Sendable {
        case boolean, integer, string, list
    }

    struct Definition: Sendable {
        let name: String
        let description: String
        let isDynamic: Bool
        let kind: Kind
        /// `0,1`, `6-8388607`, `md5,scram-sha-256`; nil when RDS lists none.
        let allowedValues: String?
        let isModifiable: Bool
        let minimumMajor: Int
        /// The default of a major (nil: none, PostgreSQL's own applies) and whether RDS set it
        /// (`system`) rather than the engine (`engine-default`).
        let defaultValue: @Sendable (Int) -> (value: String?, source: String)

        init(_ name: String, _ description: String, dynamic: Bool, _ kind: Kind, allowed: String?, modifiable: Bool = true,
             minimumMajor: Int = 13, default defaultValue: @escaping @Sendable (Int) -> (value: String?, source: String)) {
            self.name = name
            self.description = description
            self.isDynamic = dynamic
            self.kind = kind
            self.allowedValues = allowed
            self.isModifiable = modifiable
            self.minimumMajor = minimumMajor
            self.defaultValue = defaultValue
        }

        /// Checks a value against the allowed values; integer parameters also take RDS's
        /// formulas (`{DBInstanceClassMemory/9531392}`, `LEAST(…)`).
        func validate(_ value: String) throws {
            let refusal = RDSError.invalidParameterValue(
                "Invalid parameter value: \(value) for: \(name) allowed values are: \(allowedValues ?? "any")")
            switch kind {
            case .boolean:
                guard value == "0" || value == "1" else { throw refusal }
            case .integer:
                if value.hasPrefix("{") || ["LEAST(", "GREATEST(", "SUM("].contains(where: value.uppercased().hasPrefix) { return }
                guard let number = Int(value) else { throw refusal }
                if let range = allowedValues?.split(separator: "-", maxSplits: 1).compactMap({ Int($0) }), range.count == 2,
                   !(range[0]...range[1]).contains(number) {
                    throw refusal
                }
            case .string:
                if name == "timezone" {
                    guard RDSParameters.timezones.contains(value) else { throw refusal }
                } else if let allowed = allowedValues {
                    guard allowed.split(separator: ",").contains(where: { $0 == value }) else { throw refusal }
                }
            case .list:
                if let allowed = allowedValues {
                    let choices = Set(allowed.split(separator: ",").map(String.init))
                    let given = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                    guard given.allSatisfy(choices.contains) else { throw refusal }
                }
            }
        }
    }

    private static func fixed(_ value: String?, _ source: String = "engine-default") -> @Sendable (Int) -> (value: String?, source: String) {
        { _ in (value, source) }
    }

    static let timezones: Set<String> = Set(TimeZone.knownTimeZoneIdentifiers).union(["UTC"])

    /// Sorted by name.
    static let definitions: [Definition] = [
        Definition("application_name", "Sets the application name to be reported in statistics and logs.", dynamic: true, .string,
                   allowed: nil, default: fixed(nil)),
        Definition("autovacuum", "Starts the autovacuum subprocess.", dynamic: true, .boolean, allowed: "0,1", default: fixed("1")),
        Definition("idle_in_transaction_session_timeout", "(ms) Sets the maximum allowed duration of any idling transaction.",
                   dynamic: true, .integer, allowed: "0-2147483647", default: fixed("86400000", "system")),
        Definition("krb_caseins_users", "Sets whether Kerberos and GSSAPI user names should be treated as case-insensitive.",
                   dynamic: true, .boolean, allowed: "0,1", default: fixed("0")),
        Definition("log_connections", "Logs each successful connection.", dynamic: true, .boolean, allowed: "0,1", default: fixed(nil)),
        Definition("log_disconnections", "Logs end of a session, including duration.", dynamic: true, .boolean, allowed: "0,1",
                   default: fixed(nil)),
        Definition("log_min_duration_statement", "(ms) Sets the minimum execution time above which statements will be logged.",
                   dynamic: true, .integer, allowed: "-1-2147483647", default: fixed(nil)),
        Definition("log_statement", "Sets the type of statements logged.", dynamic: true, .string, allowed: "none,ddl,mod,all",
                   default: fixed(nil)),
        Definition("maintenance_work_mem", "(kB) Sets the maximum memory to be used for maintenance operations.", dynamic: true,
                   .integer, allowed: "1024-2147483647", default: fixed("GREATEST({DBInstanceClassMemory*1024/63963136},65536)", "system")),
        Definition("max_connections", "Sets the maximum number of concurrent connections.", dynamic: false, .integer,
                   allowed: "6-262143", default: fixed("LEAST({DBInstanceClassMemory/9531392},5000)", "system")),
        Definition("password_encryption", "Encrypt passwords.", dynamic: true, .string, allowed: "md5,scram-sha-256",
                   default: { major in major >= 14 ? ("scram-sha-256", "system") : ("md5", "engine-default") }),
        Definition("rds.accepted_password_auth_method", "Force authentication for connections with password stored locally.",
                   dynamic: true, .string, allowed: "md5+scram,scram", default: fixed("md5+scram", "system")),
        Definition("rds.force_ssl", "Force SSL connections.", dynamic: true, .boolean, allowed: "0,1",
                   default: { major in major >= 15 ? ("1", "system") : ("0", "engine-default") }),
        Definition("rds.iam_auth_for_replication", "Allows IAM authentication for replication connections.", dynamic: true,
                   .boolean, allowed: "0,1", default: fixed("0")),
        Definition("rds.log_retention_period", "Amazon RDS for PostgreSQL will delete PostgreSQL logs that are older than N minutes.",
                   dynamic: true, .integer, allowed: "1440-10080", default: fixed("4320", "system")),
        Definition("rds.logical_replication", "Enables logical decoding.", dynamic: false, .boolean, allowed: "0,1",
                   default: fixed("0", "system")),
        Definition("rds.restrict_password_commands", "Restricts password-related commands to members of rds_password.",
                   dynamic: false, .boolean, allowed: "0,1", default: fixed("0", "system")),
        Definition("shared_buffers", "(8kB) Sets the number of shared memory buffers used by the server.", dynamic: false,
                   .integer, allowed: "16-1073741823", default: fixed("{DBInstanceClassMemory/32768}", "system")),
        Definition("shared_preload_libraries", "Lists shared libraries to preload into server.", dynamic: false, .list,
                   allowed: "auto_explain,orafce,pgaudit,pglogical,pg_cron,pg_hint_plan,pg_stat_statements,pg_tle,plprofiler",
                   default: fixed("pg_stat_statements", "system")),
        Definition("ssl", "Enables SSL connections.", dynamic: true, .boolean, allowed: "0,1", modifiable: false,
                   default: fixed("1", "system")),
        Definition("ssl_min_protocol_version", "Sets the minimum SSL/TLS protocol version to use.", dynamic: true, .string,
                   allowed: "TLSv1,TLSv1.1,TLSv1.2,TLSv1.3", default: fixed("TLSv1.2", "system")),
        Definition("statement_timeout", "(ms) Sets the maximum allowed duration of any statement.", dynamic: true, .integer,
                   allowed: "0-2147483647", default: fixed(nil)),
        Definition("timezone", "Sets the time zone for displaying and interpreting time stamps.", dynamic: true, .string,
                   allowed: nil, default: fixed("UTC", "system")),
        Definition("work_mem", "(kB) Sets the maximum memory to be used for query workspaces.", dynamic: true, .integer,
                   allowed: "64-2147483647", default: fixed(nil)),
    ].sorted { $0.name < $1.name }

    /// The parameters of a family as DescribeDBParameters shows them, with a group's own values.
    static func shapes(family: String, set: [RDSParameter]) -> [RDSService.ParameterShape] {
        let major = RDSCatalog.major(ofFamily: family) ?? 0
        let byName = Dictionary(set.map { ($0.name, $0) }, uniquingKeysWith: { $1 })
        return definitions.filter { major >= $0.minimumMajor }.map { definition in
            let fallback = definition.defaultValue(major)
            let own = byName[definition.name]
            return RDSService.ParameterShape(
                parameterName: definition.name, parameterValue: own?.value ?? fallback.value, description: definition.description,
                source: own == nil ? fallback.source : "user", applyType: definition.isDynamic ? "dynamic" : "static",
                dataType: definition.kind.rawValue, allowedValues: definition.name == "timezone" ? nil : definition.allowedValues,
                isModifiable: definition.isModifiable,
                applyMethod: own?.applyMethod ?? "pending-reboot")
        }
    }

    /// The values a group gives its engine: the family's defaults overlaid with the values the
    /// user set. Parameters without a value (PostgreSQL's own default applies) are absent;
    /// integer parameters may hold RDS formulas (`{DBInstanceClassMemory/32768}`).
    /// Brings the servers of the instances using `group` in line with its values (all the
    /// parameters Kerbside passes on are dynamic: a reload, no restart).
    static func apply(_ group: String, _ engines: EngineHost, _ store: Store, _ call: CallContext) async {
        let users = (try? await store.read { db in
            try RDSInstance.filter(Column("accountId") == call.accountId && Column("region") == call.region
                                   && Column("parameterGroupName") == group.lowercased()).fetchAll(db)
        }) ?? []
        for instance in users where instance.status == "available" {
            do {
                try await engines.reconfigure(instance)
            } catch {
                call.logger.error("DB instance \(instance.identifier) could not take parameter group \(group): \(error)")
            }
        }
    }

    static func effectiveValues(group: String, account: String, region: String, _ db: Database) throws -> [String: String] {
        let group = try ParameterGroupRules.group(group, account: account, region: region, db)
        let set = try RDSParameter.of(group: group.name, account: account, region: region).fetchAll(db)
        var values: [String: String] = [:]
        for shape in shapes(family: group.family, set: set) {
            if let value = shape.parameterValue { values[shape.parameterName] = value }
        }
        return values
    }
}

extension RDSError {
    static func invalidParameterGroupState(_ message: String) -> AWSError {
        AWSError(code: "InvalidDBParameterGroupState", status: 400, message: message)
    }
}
