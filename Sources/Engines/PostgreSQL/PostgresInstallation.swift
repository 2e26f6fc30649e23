import Foundation

/// The PostgreSQL server installed from Debian's packages (`/usr/lib/postgresql/<major>/bin`).
/// Every engine version RDS offers runs on it.
public struct PostgresInstallation: Sendable {
    public let major: Int
    public let bin: URL

    public func tool(_ name: String) -> String { bin.appendingPathComponent(name).path }

    /// The newest installed major version, or nil when PostgreSQL is not installed.
    public static func installed(root: URL = URL(fileURLWithPath: "/usr/lib/postgresql")) -> PostgresInstallation? {
        let majors = ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).compactMap(Int.init).sorted()
        for major in majors.reversed() {
            let bin = root.appendingPathComponent("\(major)/bin")
            if FileManager.default.isExecutableFile(atPath: bin.appendingPathComponent("postgres").path) {
                return PostgresInstallation(major: major, bin: bin)
            }
        }
        return nil
    }
}
