import AWSWire
import Foundation

/// What RDS offers: its engines (RDS for PostgreSQL, Aurora PostgreSQL, RDS for MySQL, RDS for
/// MariaDB, Aurora MySQL), their versions (the default being the newest of the newest major,
/// as RDS picks it), the instance classes they run on, and the parameter group family of each
/// major (`postgres16`, `aurora-postgresql16`, `mysql8.0`, `mariadb10.11`, `aurora-mysql8.0`).
enum RDSCatalog {
    struct Engine: Sendable {
        /// `postgres`, `aurora-postgresql`, `mysql`, `mariadb`, `aurora-mysql`.
        let name: String
        let description: String
        let licenseModel: String
        let defaultPort: Int
        /// Aurora engines run as clusters: their instances are cluster members.
        let isAurora: Bool
        /// The server Kerbside runs it on; nil while it only has catalog rows.
        let server: ServerKind?
        let exportableLogTypes: [String]
        let instanceClasses: [String]
        /// Oldest first.
        let versions: [Version]
        let defaultVersion: String
    }

    enum ServerKind: String, Sendable {
        case postgres
        /// The MySQL family: MariaDB, reporting the MySQL version the engine asks for.
        case mariadb
    }

    struct Version: Sendable, Equatable {
        let engine: String
        /// `16.8`, `8.0.mysql_aurora.3.08.2`.
        let string: String
        /// `16`, `8.0`: what a request may give instead of a full version.
        let major: String
        /// `postgres16`, `aurora-postgresql16`, `aurora-mysql8.0`.
        let family: String
        /// `PostgreSQL 16.8-R1`, as RDS describes its builds.
        let description: String
        /// Orders versions of one major.
        let order: [Int]
        /// What the server tells clients it is (`8.0.39` for MySQL and Aurora MySQL 3.08,
        /// `10.11.11-MariaDB-log`); nil for PostgreSQL, which reports its own.
        var reportedVersion: String? = nil
        /// Aurora MySQL's own release (`3.08.2`), which `AURORA_VERSION()` answers.
        var auroraRelease: String? = nil

        /// A full version, or its major (which matches each of its versions, as RDS's filter does).
        func matches(_ requested: String) -> Bool { requested == string || requested == major }
    }

    private static let storageClasses: [String] = {
        let sizes = ["large", "xlarge", "2xlarge", "4xlarge"]
        var classes = ["micro", "small", "medium", "large"].map { "db.t3.\($0)" }
        classes += ["micro", "small", "medium", "large", "xlarge", "2xlarge"].map { "db.t4g.\($0)" }
        for family in ["m5", "m6g", "m6i", "m7g", "r5", "r6g", "r6i", "r7g"] {
            classes += sizes.map { "db.\(family).\($0)" }
        }
        return classes
    }()

    /// Aurora's classes: no micro or small burstable ones, and Serverless v2.
    private static let auroraClasses: [String] = {
        var classes = ["db.t3.medium", "db.t3.large", "db.t4g.medium", "db.t4g.large"]
        for family in ["r5", "r6g", "r6i", "r7g", "x2g"] {
            classes += ["large", "xlarge", "2xlarge", "4xlarge"].map { "db.\(family).\($0)" }
        }
        return classes + ["db.serverless"]
    }()

    private static func postgresVersions(engine: String, familyPrefix: String, describe: @escaping (String) -> String,
                                         _ majors: [(Int, [Int])]) -> [Version] {
        majors.flatMap { major, minors in
            minors.map { minor in
                Version(engine: engine, string: "\(major).\(minor)", major: "\(major)", family: "\(familyPrefix)\(major)",
                        description: describe("\(major).\(minor)"), order: [major, minor])
            }
        }
    }

    static let postgres = Engine(
        name: "postgres", description: "PostgreSQL", licenseModel: "postgresql-license", defaultPort: 5432, isAurora: false,
        server: .postgres, exportableLogTypes: ["postgresql", "upgrade"], instanceClasses: storageClasses,
        versions: postgresVersions(engine: "postgres", familyPrefix: "postgres", describe: { "PostgreSQL \($0)-R1" }, [
            (13, [15, 16, 18, 20, 21]), (14, [12, 13, 15, 17, 18]), (15, [7, 8, 10, 12, 13]), (16, [3, 4, 6, 8, 9]), (17, [1, 2, 4, 5]),
        ]),
        defaultVersion: "17.5")

    static let auroraPostgres = Engine(
        name: "aurora-postgresql", description: "Aurora (PostgreSQL)", licenseModel: "postgresql-license", defaultPort: 5432,
        isAurora: true, server: .postgres, exportableLogTypes: ["instance", "postgresql"], instanceClasses: auroraClasses,
        versions: postgresVersions(engine: "aurora-postgresql", familyPrefix: "aurora-postgresql",
                                   describe: { "Aurora PostgreSQL (Compatible with PostgreSQL \($0))" }, [
            (13, [18, 20]), (14, [15, 17]), (15, [10, 12, 13]), (16, [6, 8, 9]), (17, [4, 5]),
        ]),
        defaultVersion: "16.8")

    /// Aurora MySQL 3 releases and the MySQL 8.0 release each is compatible with.
    private static let auroraMySQLReleases: [(String, String)] = [
        ("3.04.0", "8.0.28"), ("3.04.3", "8.0.28"), ("3.05.2", "8.0.32"), ("3.06.1", "8.0.34"), ("3.07.1", "8.0.36"),
        ("3.08.0", "8.0.39"), ("3.08.2", "8.0.39"), ("3.09.0", "8.0.40"), ("3.10.0", "8.0.42"),
    ]

    static let auroraMySQL = Engine(
        name: "aurora-mysql", description: "Aurora MySQL", licenseModel: "general-public-license", defaultPort: 3306,
        isAurora: true, server: .mariadb, exportableLogTypes: ["audit", "error", "general", "iam-db-auth-error", "instance", "slowquery"],
        instanceClasses: auroraClasses,
        versions: auroraMySQLReleases.map { release, mysql in
            Version(engine: "aurora-mysql", string: "8.0.mysql_aurora.\(release)", major: "8.0", family: "aurora-mysql8.0",
                    description: "Aurora MySQL \(release) (compatible with MySQL \(mysql))",
                    order: release.split(separator: ".").compactMap { Int($0) }, reportedVersion: mysql, auroraRelease: release)
        },
        defaultVersion: "8.0.mysql_aurora.3.08.2")

    private static func mysqlFamilyVersions(engine: String, familyPrefix: String, describe: @escaping (String) -> String,
                                            report: @escaping (String) -> String, _ majors: [(String, [Int])]) -> [Version] {
        majors.flatMap { major, patches in
            patches.map { patch in
                let string = "\(major).\(patch)"
                return Version(engine: engine, string: string, major: major, family: "\(familyPrefix)\(major)",
                               description: describe(string), order: major.split(separator: ".").compactMap { Int($0) } + [patch],
                               reportedVersion: report(string))
            }
        }
    }

    /// RDS for MySQL, run on MariaDB that reports the MySQL version asked for.
    static let mysql = Engine(
        name: "mysql", description: "MySQL Community Edition", licenseModel: "general-public-license", defaultPort: 3306,
        isAurora: false, server: .mariadb, exportableLogTypes: ["audit", "error", "general", "iam-db-auth-error", "slowquery"],
        instanceClasses: storageClasses,
        versions: mysqlFamilyVersions(engine: "mysql", familyPrefix: "mysql", describe: { "MySQL \($0)" }, report: { $0 }, [
            ("8.0", [36, 37, 39, 40, 41, 42]), ("8.4", [3, 4, 5]),
        ]),
        defaultVersion: "8.0.42")

    /// RDS for MariaDB, on the MariaDB series Debian ships (its versions are RDS's of that series).
    static let mariadb = Engine(
        name: "mariadb", description: "MariaDB Community Edition", licenseModel: "general-public-license", defaultPort: 3306,
        isAurora: false, server: .mariadb, exportableLogTypes: ["audit", "error", "general", "iam-db-auth-error", "slowquery"],
        instanceClasses: storageClasses,
        versions: mysqlFamilyVersions(engine: "mariadb", familyPrefix: "mariadb", describe: { "MariaDB \($0)" },
                                      report: { "\($0)-MariaDB-log" }, [("10.11", [8, 9, 10, 11])]),
        defaultVersion: "10.11.11")

    static let engines: [Engine] = [auroraMySQL, auroraPostgres, mariadb, mysql, postgres]

    static func engine(_ name: String) -> Engine? { engines.first { $0.name == name } }

    /// Every version of every engine, by engine then oldest first.
    static var versions: [Version] { engines.flatMap(\.versions) }

    static func version(_ string: String, engine: String) -> Version? {
        Self.engine(engine)?.versions.first { $0.string == string }
    }

    /// The full version for `requested` (a full version, or a major like `16` or `8.0`), or
    /// the engine's default.
    static func resolveVersion(engine name: String, requested: String?) -> String? {
        guard let engine = engine(name) else { return nil }
        guard let requested else { return engine.defaultVersion }
        if let exact = engine.versions.first(where: { $0.string == requested }) { return exact.string }
        let ofMajor = engine.versions.filter { $0.major == requested }
        if ofMajor.contains(where: { $0.string == engine.defaultVersion }) { return engine.defaultVersion }
        return ofMajor.max { $0.order.lexicographicallyPrecedes($1.order) }?.string
    }

    static func family(engine: String, version: String) -> String {
        self.version(version, engine: engine)?.family ?? "\(engine)\(version.split(separator: ".").first ?? "")"
    }

    static func defaultParameterGroup(family: String) -> String { "default.\(family)" }

    /// Every parameter group family the catalog has, in name order.
    static var families: [String] { Array(Set(versions.map(\.family))).sorted() }

    /// The engine and major a family names, when the catalog has it.
    static func family(_ family: String) -> Version? { versions.last { $0.family == family } }

    static func supportsInstanceClass(_ instanceClass: String, engine name: String, version: String) -> Bool {
        guard let engine = engine(name) else { return false }
        return engine.versions.contains { $0.string == version } && engine.instanceClasses.contains(instanceClass)
    }

    static let caCertificates = ["rds-ca-2019", "rds-ca-ecc384-g1", "rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1"]
}

/// A `Filter` of the RDS model (`Name`, `Values`).
struct RDSListFilter: Decodable, Sendable {
    var name: String
    var values: [String]
}

// Nested: the names are RDS's shapes, and other services could have the same.
extension RDSService {
    struct DescribeDBEngineVersionsRequest: Decodable, Sendable {
        var engine: String?
        var engineVersion: String?
        var dbParameterGroupFamily: String?
        var filters: [RDSListFilter]?
        var maxRecords: Int?
        var marker: String?
        var defaultOnly: Bool?
        var listSupportedCharacterSets: Bool?
        var listSupportedTimezones: Bool?
        var includeAll: Bool?
    }

    struct UpgradeTargetShape: Encodable, Sendable {
        var engine: String
        var engineVersion: String
        var description: String
        var autoUpgrade: Bool
        var isMajorVersionUpgrade: Bool
        var supportedEngineModes: [String]
        var supportsParallelQuery = false
        var supportsGlobalDatabases = false
        var supportsBabelfish = false
        var supportsLimitlessDatabase = false
        var supportsLocalWriteForwarding = false
        var supportsIntegrations = false
    }

    struct DBEngineVersionShape: Encodable, Sendable {
        var engine: String
        var majorEngineVersion: String
        var engineVersion: String
        var dbParameterGroupFamily: String
        var dbEngineDescription: String
        var dbEngineVersionDescription: String
        var validUpgradeTarget: [UpgradeTargetShape]
        var exportableLogTypes = ["postgresql", "upgrade"]
        var supportsLogExportsToCloudwatchLogs = true
        var supportsReadReplica = true
        var supportedEngineModes = ["provisioned"]
        var supportedFeatureNames = ["Lambda", "s3Export", "s3Import"]
        var status = "available"
        var supportsParallelQuery = false
        var supportsGlobalDatabases = false
        var supportsBabelfish = false
        var supportsLimitlessDatabase = false
        var supportsCertificateRotationWithoutRestart = true
        var supportedCACertificateIdentifiers = RDSCatalog.caCertificates
        var supportsLocalWriteForwarding = false
        var supportsIntegrations = false
    }

    struct DBEngineVersionMessage: Encodable, Sendable {
        var marker: String?
        var dbEngineVersions: [DBEngineVersionShape]
    }

    struct DescribeOrderableDBInstanceOptionsRequest: Decodable, Sendable {
        var engine: String
        var engineVersion: String?
        var dbInstanceClass: String?
        var licenseModel: String?
        var availabilityZoneGroup: String?
        var vpc: Bool?
        var filters: [RDSListFilter]?
        var maxRecords: Int?
        var marker: String?
    }

    struct OrderableDBInstanceOptionShape: Encodable, Sendable {
        struct Zone: Encodable, Sendable { var name: String }

        var engine: String
        var engineVersion: String
        var dbInstanceClass: String
        var licenseModel: String
        var availabilityZones: [Zone]
        var multiAZCapable = true
        var readReplicaCapable = true
        var vpc = true
        var supportsStorageEncryption = true
        var storageType: String
        var supportsIops: Bool
        var supportsStorageThroughput: Bool
        var supportsEnhancedMonitoring = true
        var supportsIAMDatabaseAuthentication = true
        var supportsPerformanceInsights: Bool
        var minStorageSize: Int?
        var maxStorageSize: Int? = 65536
        var minIopsPerDbInstance: Int?
        var maxIopsPerDbInstance: Int?
        var minIopsPerGib: Double?
        var maxIopsPerGib: Double?
        var minStorageThroughputPerDbInstance: Int?
        var maxStorageThroughputPerDbInstance: Int?
        var minStorageThroughputPerIops: Double?
        var maxStorageThroughputPerIops: Double?
        var supportedEngineModes = ["provisioned"]
        var supportsStorageAutoscaling = true
        var supportsKerberosAuthentication = true
        var outpostCapable = false
        var supportsGlobalDatabases = false
        var supportedNetworkTypes = ["IPV4"]
        var supportsClusters = false
        var supportsDedicatedLogVolume = false
        var supportsHttpEndpoint = false
    }

    struct OrderableDBInstanceOptionsMessage: Encodable, Sendable {
        var orderableDBInstanceOptions: [OrderableDBInstanceOptionShape]
        var marker: String?
    }
}

extension RDSService {
    mutating func registerCatalog() {
        operations.on("DescribeDBEngineVersions") { (input: DescribeDBEngineVersionsRequest, _) -> DBEngineVersionMessage in
            let limit = try RDSListing.limit(input.maxRecords)
            var versions = RDSCatalog.versions
            var defaultsOnly = input.defaultOnly == true
            if let engine = input.engine { versions = versions.filter { $0.engine == engine } }
            if let requested = input.engineVersion { versions = versions.filter { $0.matches(requested) } }
            if let family = input.dbParameterGroupFamily { versions = versions.filter { $0.family == family } }
            for filter in input.filters ?? [] {
                switch filter.name {
                case "engine":
                    versions = versions.filter { filter.values.contains($0.engine) }
                case "engine-version":
                    versions = versions.filter { version in filter.values.contains { version.matches($0) } }
                case "db-parameter-group-family":
                    versions = versions.filter { filter.values.contains($0.family) }
                case "engine-mode":
                    versions = versions.filter { _ in filter.values.contains("provisioned") }
                case "status":
                    versions = versions.filter { _ in filter.values.contains("available") }
                case "default-only":
                    defaultsOnly = defaultsOnly || filter.values.contains("true")
                default:
                    throw RDSError.invalidParameterValue("Unrecognized filter name: \(filter.name).")
                }
            }
            if defaultsOnly {
                // Per engine: its default, or (when a major was asked for) that major's newest version.
                versions = RDSCatalog.engines.compactMap { engine in
                    let own = versions.filter { $0.engine == engine.name }
                    return own.first { $0.string == engine.defaultVersion } ?? own.max { $0.order.lexicographicallyPrecedes($1.order) }
                }
            }
            let page = try RDSListing.page(versions, after: input.marker, limit: limit)
            return DBEngineVersionMessage(marker: page.nextMarker, dbEngineVersions: page.items.map(Self.shape))
        }

        operations.on("DescribeOrderableDBInstanceOptions") { (input: DescribeOrderableDBInstanceOptionsRequest, call) -> OrderableDBInstanceOptionsMessage in
            let limit = try RDSListing.limit(input.maxRecords, maximum: 1000)
            guard let engine = RDSCatalog.engine(input.engine) else {
                throw RDSError.invalidParameterValue("Invalid DB engine: \(input.engine)")
            }
            var versions = engine.versions
            if let requested = input.engineVersion { versions = versions.filter { $0.string == requested } }
            var classes = engine.instanceClasses
            if let instanceClass = input.dbInstanceClass { classes = classes.filter { $0 == instanceClass } }
            var storageTypes = engine.isAurora ? ["aurora", "aurora-iopt1"] : ["gp2", "gp3", "io1"]
            if let license = input.licenseModel, license != engine.licenseModel { versions = [] }
            if input.vpc == false { versions = [] }
            for filter in input.filters ?? [] {
                switch filter.name {
                case "engine-version":
                    versions = versions.filter { filter.values.contains($0.string) }
                case "db-instance-class":
                    classes = classes.filter { filter.values.contains($0) }
                case "storage-type":
                    storageTypes = storageTypes.filter { filter.values.contains($0) }
                case "license-model":
                    if !filter.values.contains(engine.licenseModel) { versions = [] }
                default:
                    throw RDSError.invalidParameterValue("Unrecognized filter name: \(filter.name).")
                }
            }
            let zones = AvailabilityZones.zones(in: call.region).map { OrderableDBInstanceOptionShape.Zone(name: $0.name) }
            let options = versions.flatMap { version in
                classes.flatMap { instanceClass in
                    storageTypes.map { Self.option(engine, version, instanceClass, storageType: $0, zones: zones) }
                }
            }
            let page = try RDSListing.page(options, after: input.marker, limit: limit)
            return OrderableDBInstanceOptionsMessage(orderableDBInstanceOptions: page.items, marker: page.nextMarker)
        }
    }

    static func shape(_ version: RDSCatalog.Version) -> DBEngineVersionShape {
        let engine = RDSCatalog.engine(version.engine) ?? RDSCatalog.postgres
        let targets = engine.versions.filter {
            $0.order.count == version.order.count && version.order.lexicographicallyPrecedes($0.order)
        }
        var shape = DBEngineVersionShape(
            engine: engine.name, majorEngineVersion: version.major, engineVersion: version.string,
            dbParameterGroupFamily: version.family, dbEngineDescription: engine.description,
            dbEngineVersionDescription: version.description,
            validUpgradeTarget: targets.map { target in
                UpgradeTargetShape(engine: engine.name, engineVersion: target.string, description: target.description,
                                   autoUpgrade: false, isMajorVersionUpgrade: target.major != version.major,
                                   supportedEngineModes: ["provisioned"], supportsGlobalDatabases: engine.isAurora)
            })
        shape.exportableLogTypes = engine.exportableLogTypes
        if engine.name == "mysql" || engine.name == "mariadb" { shape.supportedFeatureNames = [] }
        if engine.isAurora {
            shape.supportsGlobalDatabases = true
            shape.supportsLocalWriteForwarding = engine.name == "aurora-mysql"
            shape.supportedFeatureNames = engine.name == "aurora-postgresql" ? ["Lambda", "s3Export", "s3Import"] : []
        }
        return shape
    }

    static func option(_ engine: RDSCatalog.Engine, _ version: RDSCatalog.Version, _ instanceClass: String, storageType: String,
                       zones: [OrderableDBInstanceOptionShape.Zone]) -> OrderableDBInstanceOptionShape {
        var option = OrderableDBInstanceOptionShape(
            engine: engine.name, engineVersion: version.string, dbInstanceClass: instanceClass, licenseModel: engine.licenseModel,
            availabilityZones: zones, storageType: storageType, supportsIops: storageType != "gp2" && !engine.isAurora,
            supportsStorageThroughput: storageType == "gp3",
            supportsPerformanceInsights: !["db.t3.micro", "db.t3.small", "db.t4g.micro", "db.t4g.small"].contains(instanceClass),
            minStorageSize: engine.isAurora ? nil : storageType == "io1" ? 100 : 20)
        // RDS for MariaDB is the one engine here that cannot join a directory.
        option.supportsKerberosAuthentication = engine.name != "mariadb"
        if engine.isAurora {
            option.maxStorageSize = nil
            option.multiAZCapable = false
            option.supportsStorageAutoscaling = false
            option.supportsClusters = true
            option.supportsGlobalDatabases = true
        }
        switch storageType {
        case "io1":
            (option.minIopsPerDbInstance, option.maxIopsPerDbInstance) = (1000, 256_000)
            (option.minIopsPerGib, option.maxIopsPerGib) = (1.0, 50.0)
        case "gp3":
            (option.minIopsPerDbInstance, option.maxIopsPerDbInstance) = (3000, 64000)
            (option.minIopsPerGib, option.maxIopsPerGib) = (0.5, 1000.0)
            (option.minStorageThroughputPerDbInstance, option.maxStorageThroughputPerDbInstance) = (125, 4000)
            (option.minStorageThroughputPerIops, option.maxStorageThroughputPerIops) = (0.0, 0.25)
        default:
            break
        }
        return option
    }
}
