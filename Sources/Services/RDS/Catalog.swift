import AWSWire
import Foundation

/// What RDS offers: the `postgres` engine, its versions (each major with a few minors, the
/// default being the newest minor of the newest major), the instance classes it runs on, and the
/// parameter group family of each major (`postgres16`).
enum RDSCatalog {
    struct Version: Sendable, Equatable {
        let major: Int
        let minor: Int

        var string: String { "\(major).\(minor)" }
        var family: String { "postgres\(major)" }
        /// `PostgreSQL 16.8-R1`, as RDS describes its builds.
        var description: String { "PostgreSQL \(string)-R1" }
    }

    static let engine = "postgres"
    static let licenseModel = "postgresql-license"

    /// Oldest first; within a major, oldest minor first.
    static let versions: [Version] = [
        (13, [15, 16, 18, 20, 21]),
        (14, [12, 13, 15, 17, 18]),
        (15, [7, 8, 10, 12, 13]),
        (16, [3, 4, 6, 8, 9]),
        (17, [1, 2, 4, 5]),
    ].flatMap { major, minors in minors.map { Version(major: major, minor: $0) } }

    static var majors: [Int] { Array(Set(versions.map(\.major))).sorted() }

    /// Every parameter group family the catalog has, oldest first.
    static var families: [String] { majors.map { "postgres\($0)" } }

    static var defaultVersion: Version { versions.last! }

    /// The newest minor of a major: what RDS picks when only the major is asked for.
    static func defaultVersion(major: Int) -> Version? { versions.last { $0.major == major } }

    static func version(_ string: String) -> Version? { versions.first { $0.string == string } }

    /// The full version for `requested` (a full version, or a major like `16`), or the default.
    static func resolveVersion(engine: String, requested: String?) -> String? {
        guard engine == Self.engine else { return nil }
        guard let requested else { return defaultVersion.string }
        if let exact = version(requested) { return exact.string }
        if let major = Int(requested) { return defaultVersion(major: major)?.string }
        return nil
    }

    static func family(engine: String, version: String) -> String {
        "\(engine)\(version.split(separator: ".").first ?? "")"
    }

    static func defaultParameterGroup(family: String) -> String { "default.\(family)" }

    /// The major a family names (`postgres16` → 16), when the catalog has it.
    static func major(ofFamily family: String) -> Int? {
        guard family.hasPrefix(engine), let major = Int(family.dropFirst(engine.count)), majors.contains(major) else { return nil }
        return major
    }

    static let instanceClasses: [String] = {
        let sizes = ["large", "xlarge", "2xlarge", "4xlarge"]
        var classes = ["micro", "small", "medium", "large"].map { "db.t3.\($0)" }
        classes += ["micro", "small", "medium", "large", "xlarge", "2xlarge"].map { "db.t4g.\($0)" }
        for family in ["m5", "m6g", "m6i", "m7g", "r5", "r6g", "r6i", "r7g"] {
            classes += sizes.map { "db.\(family).\($0)" }
        }
        return classes
    }()

    static func supportsInstanceClass(_ instanceClass: String, engine: String, version: String) -> Bool {
        engine == Self.engine && Self.version(version) != nil && instanceClasses.contains(instanceClass)
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
        var dbEngineDescription = "PostgreSQL"
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
        var licenseModel = RDSCatalog.licenseModel
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
        var minStorageSize: Int
        var maxStorageSize = 65536
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
            if let engine = input.engine { versions = versions.filter { _ in engine == RDSCatalog.engine } }
            if let requested = input.engineVersion { versions = versions.filter { $0.matches(requested) } }
            if let family = input.dbParameterGroupFamily { versions = versions.filter { $0.family == family } }
            for filter in input.filters ?? [] {
                switch filter.name {
                case "engine":
                    versions = versions.filter { _ in filter.values.contains(RDSCatalog.engine) }
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
                // The engine's default, or (when a major was asked for) that major's newest minor.
                versions = versions.contains(RDSCatalog.defaultVersion) ? [RDSCatalog.defaultVersion] : versions.last.map { [$0] } ?? []
            }
            let page = try RDSListing.page(versions, after: input.marker, limit: limit)
            return DBEngineVersionMessage(marker: page.nextMarker, dbEngineVersions: page.items.map(Self.shape))
        }

        operations.on("DescribeOrderableDBInstanceOptions") { (input: DescribeOrderableDBInstanceOptionsRequest, call) -> OrderableDBInstanceOptionsMessage in
            let limit = try RDSListing.limit(input.maxRecords, maximum: 1000)
            guard input.engine == RDSCatalog.engine else {
                throw RDSError.invalidParameterValue("Invalid DB engine: \(input.engine)")
            }
            var versions = RDSCatalog.versions
            if let requested = input.engineVersion { versions = versions.filter { $0.string == requested } }
            var classes = RDSCatalog.instanceClasses
            if let instanceClass = input.dbInstanceClass { classes = classes.filter { $0 == instanceClass } }
            var storageTypes = ["gp2", "gp3", "io1"]
            if let license = input.licenseModel, license != RDSCatalog.licenseModel { versions = [] }
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
                    if !filter.values.contains(RDSCatalog.licenseModel) { versions = [] }
                default:
                    throw RDSError.invalidParameterValue("Unrecognized filter name: \(filter.name).")
                }
            }
            let zones = AvailabilityZones.zones(in: call.region).map { OrderableDBInstanceOptionShape.Zone(name: $0.name) }
            let options = versions.flatMap { version in
                classes.flatMap { instanceClass in
                    storageTypes.map { Self.option(version, instanceClass, storageType: $0, zones: zones) }
                }
            }
            let page = try RDSListing.page(options, after: input.marker, limit: limit)
            return OrderableDBInstanceOptionsMessage(orderableDBInstanceOptions: page.items, marker: page.nextMarker)
        }
    }

    static func shape(_ version: RDSCatalog.Version) -> DBEngineVersionShape {
        let targets = RDSCatalog.versions.filter { $0.major > version.major || ($0.major == version.major && $0.minor > version.minor) }
        return DBEngineVersionShape(
            engine: RDSCatalog.engine, majorEngineVersion: "\(version.major)", engineVersion: version.string,
            dbParameterGroupFamily: version.family, dbEngineVersionDescription: version.description,
            validUpgradeTarget: targets.map { target in
                UpgradeTargetShape(engine: RDSCatalog.engine, engineVersion: target.string, description: target.description,
                                   autoUpgrade: false, isMajorVersionUpgrade: target.major != version.major,
                                   supportedEngineModes: ["provisioned"])
            })
    }

    static func option(_ version: RDSCatalog.Version, _ instanceClass: String, storageType: String,
                       zones: [OrderableDBInstanceOptionShape.Zone]) -> OrderableDBInstanceOptionShape {
        var option = OrderableDBInstanceOptionShape(
            engine: RDSCatalog.engine, engineVersion: version.string, dbInstanceClass: instanceClass, availabilityZones: zones,
            storageType: storageType, supportsIops: storageType != "gp2", supportsStorageThroughput: storageType == "gp3",
            supportsPerformanceInsights: !["db.t3.micro", "db.t3.small", "db.t4g.micro", "db.t4g.small"].contains(instanceClass),
            minStorageSize: storageType == "io1" ? 100 : 20)
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

private extension RDSCatalog.Version {
    /// `16.8` matches `16.8`; a major (`16`) matches each of its minors, as RDS's filter does.
    func matches(_ requested: String) -> Bool {
        requested == string || requested == "\(major)"
    }
}
