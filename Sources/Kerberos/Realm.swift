import Foundation
import Runtime

/// One Kerberos realm standing in for one directory: its own folder (kdc.conf, principal
/// database, stash, logs) and its own `krb5kdc` listening on its loopback addresses. Nothing
/// under /etc is read or written.
public struct Realm: Sendable {
    public let name: String
    public let folder: URL
    public let addresses: [String]
    public let port: Int
    /// The krb5.conf the KDC and kadmin read: the client configuration Kerbside keeps for every
    /// realm, so referrals across trusts resolve.
    public let sharedConfiguration: URL

    public init(name: String, folder: URL, addresses: [String], port: Int, sharedConfiguration: URL) {
        self.name = name
        self.folder = folder
        self.addresses = addresses
        self.port = port
        self.sharedConfiguration = sharedConfiguration
    }

    var kdcProfile: URL { folder.appendingPathComponent("kdc.conf") }
    var database: URL { folder.appendingPathComponent("principal") }
    var stash: URL { folder.appendingPathComponent("stash") }
    var acl: URL { folder.appendingPathComponent("kadm5.acl") }
    public var pidFile: URL { folder.appendingPathComponent("krb5kdc.pid") }
    public var logFile: URL { folder.appendingPathComponent("kdc.log") }

    public func principal(_ name: String) -> String { "\(name)@\(self.name)" }

    private var environment: [String: String] {
        [
            "KRB5_KDC_PROFILE": kdcProfile.path,
            "KRB5_CONFIG": sharedConfiguration.path,
            "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
        ]
    }

    /// Creates the folder (0700), the configuration and an empty principal database whose master
    /// key exists only in the stash file.
    public func create() async throws {
        let files = FileManager.default
        try files.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try writeProfile()
        try Data().write(to: acl)
        try files.setAttributes([.posixPermissions: 0o600], ofItemAtPath: acl.path)
        let masterKey = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let result = try await Command(Tools.kdb5Util, ["create", "-s", "-r", name], environment: environment)
            .run(input: "\(masterKey)\n\(masterKey)\n")
        guard result.succeeded else {
            throw KerberosError("kdb5_util could not create realm \(name): \(result.standardError.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }

    /// Rewrites kdc.conf, e.g. after the realm had to move to another port.
    public func writeProfile() throws {
        let listen = addresses.map { "\($0):\(port)" }.joined(separator: ", ")
        let profile = """
            [kdcdefaults]
                kdc_ports = \(port)
            [realms]
                \(name) = {
                    database_name = \(database.path)
                    key_stash_file = \(stash.path)
                    acl_file = \(acl.path)
                    kdc_listen = \(listen)
                    kdc_tcp_listen = \(listen)
                    master_key_type = aes256-cts-hmac-sha1-96
                    supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
                    max_life = 10h 0m 0s
                    max_renewable_life = 7d 0h 0m 0s
                }
            [logging]
                kdc = FILE:\(logFile.path)
                default = FILE:\(folder.appendingPathComponent("krb5lib.log").path)

            """
        try Data(profile.utf8).write(to: kdcProfile, options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: kdcProfile.path)
    }

    /// Runs the commands in one `kadmin.local`, in order. kadmin reports failures only on
    /// standard error (it always exits 0), so any `command: … while …` line is an error. Its
    /// standard output echoes the commands, passwords included, and is dropped here.
    /// Failures whose text contains one of `tolerating` (say, "does not exist" for a delete that
    /// may find nothing) are not errors.
    public func kadmin(_ commands: [KadminCommand], tolerating: [String] = []) async throws {
        guard !commands.isEmpty else { return }
        let script = commands.map(\.text).joined(separator: "\n") + "\n"
        let result = try await Command(Tools.kadminLocal, ["-r", name], environment: environment).run(input: script)
        let failures = result.standardError.split(separator: "\n").filter { line in
            line.contains(" while ") && line.first?.isLetter == true && line.contains(": ")
                && !tolerating.contains { line.contains($0) }
        }
        if let failure = failures.first {
            throw KerberosError(String(failure))
        }
        guard result.succeeded else {
            throw KerberosError("kadmin.local failed for realm \(name): \(result.standardError.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }

    /// The KDC as a supervised child: in the foreground, its pid in `pidFile`.
    public func kdc() -> ChildSpec {
        let addresses = self.addresses, port = self.port
        return ChildSpec(
            name: "kdc \(name)",
            executable: Tools.krb5kdc,
            arguments: ["-n", "-r", name, "-P", pidFile.path],
            environment: environment,
            workingDirectory: folder.path,
            logFile: folder.appendingPathComponent("krb5kdc.out").path,
            readinessTimeout: .seconds(10),
            stopGrace: .seconds(5),
            isReady: { addresses.allSatisfy { Loopback.accepts($0, port: port) } })
    }

    /// Removes the realm's files. The KDC must already be stopped.
    public func destroy() throws {
        if FileManager.default.fileExists(atPath: folder.path) {
            try FileManager.default.removeItem(at: folder)
        }
    }
}

public struct KerberosError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// Where Debian's MIT Kerberos puts its programs.
public enum Tools {
    public static let krb5kdc = "/usr/sbin/krb5kdc"
    public static let kdb5Util = "/usr/sbin/kdb5_util"
    public static let kadminLocal = "/usr/sbin/kadmin.local"
    public static let kinit = "/usr/bin/kinit"
    public static let kvno = "/usr/bin/kvno"
}
