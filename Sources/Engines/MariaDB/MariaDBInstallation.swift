import Foundation

/// The MariaDB server installed from Debian's packages (`/usr/sbin/mariadbd`, its tools in
/// `/usr/bin`). Every MySQL-family engine version RDS offers runs on it.
public struct MariaDBInstallation: Sendable {
    /// `10.11.19`: what the server says it is, which names its template.
    public let version: String
    public let server: String

    public func tool(_ name: String) -> String { "/usr/bin/\(name)" }
    /// MariaDB's character set definitions, which each server's own copy extends.
    public var characterSets: String { "/usr/share/mysql/charsets" }
    /// MariaDB's plugins, which each server's own plugin folder links to.
    public var plugins: String { "/usr/lib/mysql/plugin" }

    /// MariaDB's GSSAPI server plugin (mariadb-plugin-gssapi-server), for `IDENTIFIED VIA gssapi`.
    public var gssapiPlugin: String? {
        let path = plugins + "/auth_gssapi.so"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// Kerbside's server plugins (`Sources/mariadb_kerbside`), built by the Makefile beside
    /// Kerbside's executable; nil when they were not built.
    public var kerbsidePlugins: URL? {
        let built = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent(MariaDBServer.kerbsidePluginLibrary)
        return FileManager.default.fileExists(atPath: built.path) ? built : nil
    }

    /// The installed server, or nil when MariaDB is not installed.
    /// Looked up once per Kerbside (the engine is cached), so one short `--version` is fine.
    public static func installed(server: String = "/usr/sbin/mariadbd") -> MariaDBInstallation? {
        let files = FileManager.default
        guard files.isExecutableFile(atPath: server), files.isExecutableFile(atPath: "/usr/bin/mariadb-install-db") else { return nil }
        let pipe = Pipe(), process = Process()
        process.executableURL = URL(fileURLWithPath: server)
        process.arguments = ["--version"]
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // `mariadbd  Ver 10.11.19-MariaDB-0+deb12u1 for debian-linux-gnu on x86_64 (Debian 12)`
        guard let range = output.range(of: #"Ver [0-9]+\.[0-9]+\.[0-9]+"#, options: .regularExpression) else { return nil }
        return MariaDBInstallation(version: String(output[range].dropFirst(4)), server: server)
    }
}
