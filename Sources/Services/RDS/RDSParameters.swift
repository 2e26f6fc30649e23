import Foundation
import GRDB
import State

/// The parameters RDS describes for each engine family, their defaults, and the values a
/// group gives the engine.
enum RDSParameters {
    /// What a parameter's default depends on: the engine's major and whether it is Aurora's.
    struct Family: Sendable {
        let major: Int
        let isAurora: Bool
        let isPostgres: Bool

        init?(_ name: String) {
            guard let version = RDSCatalog.family(name), let engine = RDSCatalog.engine(version.engine) else { return nil }
            major = Int(version.major.split(separator: ".").first ?? "") ?? 0
            isAurora = engine.isAurora
            isPostgres = engine.server == .postgres
        }
    }

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
        /// The default in a family (nil: none, the engine's own applies) and whether RDS set it
        /// (`system`) rather than the engine (`engine-default`).
        let defaultValue: @Sendable (Family) -> (value: String?, source: String)

        init(_ name: String, _ description: String, dynamic: Bool, _ kind: Kind, allowed: String?, modifiable: Bool = true,
             minimumMajor: Int = 0, default defaultValue: @escaping @Sendable (Family) -> (value: String?, source: String)) {
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

    private static func fixed(_ value: String?, _ source: String = "engine-default") -> @Sendable (Family) -> (value: String?, source: String) {
        { _ in (value, source) }
    }

    static let timezones: Set<String> = Set(TimeZone.knownTimeZoneIdentifiers).union(["UTC"])

    /// The parameters of a family's engine.
    static func definitions(of family: Family) -> [Definition] {
        (family.isPostgres ? postgres : mysql).filter { family.major >= $0.minimumMajor }
    }

    static func definitions(ofFamily name: String) -> [Definition] {
        Family(name).map(definitions(of:)) ?? []
    }

    /// PostgreSQL's (RDS for PostgreSQL and Aurora PostgreSQL), sorted by name.
    static let postgres: [Definition] = [
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
                   default: { family in family.major >= 14 ? ("scram-sha-256", "system") : ("md5", "engine-default") }),
        Definition("rds.accepted_password_auth_method", "Force authentication for connections with password stored locally.",
                   dynamic: true, .string, allowed: "md5+scram,scram", default: fixed("md5+scram", "system")),
        Definition("rds.force_ssl", "Force SSL connections.", dynamic: true, .boolean, allowed: "0,1",
                   // Aurora PostgreSQL leaves it off; RDS for PostgreSQL turns it on from 15.
                   default: { family in !family.isAurora && family.major >= 15 ? ("1", "system") : ("0", "engine-default") }),
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

    /// The MySQL family's (Aurora MySQL's rows until Kerbside runs it), sorted by name.
    static let mysql: [Definition] = [
        Definition("binlog_format", "What form of binary logging the master will use.", dynamic: true, .string,
                   allowed: "ROW,STATEMENT,MIXED,OFF", default: fixed("OFF", "system")),
        Definition("character_set_server", "The server's default character set.", dynamic: true, .string,
                   allowed: "big5,latin1,utf8mb3,utf8mb4,ucs2,utf16,utf32,binary", default: fixed(nil)),
        Definition("collation_server", "The server's default collation.", dynamic: true, .string, allowed: nil, default: fixed(nil)),
        Definition("general_log", "Whether the general query log is enabled.", dynamic: true, .boolean, allowed: "0,1", default: fixed(nil)),
        Definition("long_query_time", "Queries taking longer than this many seconds are slow.", dynamic: true, .integer,
                   allowed: "0-31536000", default: fixed(nil)),
        Definition("max_connections", "The number of simultaneous client connections allowed.", dynamic: true, .integer,
                   allowed: "1-100000", default: fixed("GREATEST({log(DBInstanceClassMemory/805306368)*45},{log(DBInstanceClassMemory/8187281408)*1000})", "system")),
        Definition("require_secure_transport", "Whether client connections must use a secure transport.", dynamic: true,
                   .boolean, allowed: "0,1", default: fixed("0", "system")),
        Definition("slow_query_log", "Whether the slow query log is enabled.", dynamic: true, .boolean, allowed: "0,1", default: fixed(nil)),
        Definition("time_zone", "The server's time zone.", dynamic: true, .string, allowed: nil, default: fixed(nil)),
        Definition("tls_version", "The TLS protocols the server permits for encrypted connections.", dynamic: false, .list,
                   allowed: "TLSv1.2,TLSv1.3", default: fixed("TLSv1.2,TLSv1.3", "system")),
    ]

    /// The parameters of a family as DescribeDBParameters shows them, with a group's own values.
    static func shapes(family name: String, set: [RDSParameter]) -> [RDSService.ParameterShape] {
        guard let family = Family(name) else { return [] }
        let byName = Dictionary(set.map { ($0.name, $0) }, uniquingKeysWith: { $1 })
        return definitions(of: family).map { definition in
            let fallback = definition.defaultValue(family)
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
    /// user set. Parameters without a value (the engine's own default applies) are absent;
    /// integer parameters may hold RDS formulas (`{DBInstanceClassMemory/32768}`).
    static func effectiveValues(group: String, scope: RDSParameterScope, account: String, region: String, _ db: Database) throws -> [String: String] {
        let group = try ParameterGroupRules.group(group, scope: scope, account: account, region: region, db)
        let set = try RDSParameter.of(group: group.name, scope: scope, account: account, region: region).fetchAll(db)
        var values: [String: String] = [:]
        for shape in shapes(family: group.family, set: set) {
            if let value = shape.parameterValue { values[shape.parameterName] = value }
        }
        return values
    }
}
