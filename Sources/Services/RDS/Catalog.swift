// STUB — to be replaced by the catalog helper.
import AWSWire

/// What RDS offers: engines, their versions, instance classes, parameter group families.
enum RDSCatalog {
    static let postgresVersions = ["13.20", "14.17", "15.12", "16.8", "17.4"]

    /// The full version for `requested` (a full version, or a major like `16`), or the default.
    static func resolveVersion(engine: String, requested: String?) -> String? {
        guard engine == "postgres" else { return nil }
        guard let requested else { return postgresVersions.last }
        if postgresVersions.contains(requested) { return requested }
        return postgresVersions.last { $0.hasPrefix(requested + ".") }
    }

    static func family(engine: String, version: String) -> String {
        "\(engine)\(version.split(separator: ".").first ?? "")"
    }

    static func defaultParameterGroup(family: String) -> String { "default.\(family)" }

    static func supportsInstanceClass(_ instanceClass: String, engine: String, version: String) -> Bool {
        instanceClass.hasPrefix("db.")
    }
}

extension RDSService {
    mutating func registerCatalog() {}
}
