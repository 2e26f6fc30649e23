import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Kerbside's PAM module (`pam_kerbside.so`, built from `Sources/pam_kerbside` by the Makefile
/// beside the `kerbside` binary) and the PAM service naming it. With them PostgreSQL checks
/// `rds_iam` logins with its `pam` method, which relays the token to the login gateway, so a
/// refusal reads as on RDS (`PAM authentication failed for user …`). PAM reads services only
/// from /etc/pam.d, so this needs root; without it, servers reach the gateway through their
/// `ldap` method instead, and refusals read `LDAP authentication failed`.
public enum LoginGatewayPAM {
    public static let service = "kerbside-rds-iam"
    static let serviceFile = URL(fileURLWithPath: "/etc/pam.d/\(service)")
    /// Where every database server can read the module (the build folder may be closed to them).
    static let installedModule = URL(fileURLWithPath: "/usr/local/lib/kerbside/pam_kerbside.so")

    /// Installs (or refreshes) the module built beside Kerbside's executable and the service;
    /// answers the service name, or why PAM cannot be used.
    public static func install() -> Result<String, EngineError> {
        guard getuid() == 0 else { return .failure(EngineError("Kerbside does not run as root, and PAM services live in /etc/pam.d")) }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let built = executable.deletingLastPathComponent().appendingPathComponent("pam_kerbside.so")
        guard let module = FileManager.default.contents(atPath: built.path) else {
            return .failure(EngineError("no PAM module at \(built.path) (`make build` or `make release` builds it)"))
        }
        let rules = """
            # Written by Kerbside: IAM database logins of its PostgreSQL servers, relayed to its login gateway.
            auth required \(installedModule.path)
            account required pam_permit.so

            """
        do {
            try replace(installedModule, with: module, mode: 0o644)
            try replace(serviceFile, with: Data(rules.utf8), mode: 0o644)
            return .success(service)
        } catch {
            return .failure(EngineError("the PAM module could not be installed: \(error)"))
        }
    }

    /// Writes `data` to `file` by renaming a new file over it, so a server that has the old one
    /// loaded keeps it intact; leaves an identical file alone (several Kerbsides may share it).
    private static func replace(_ file: URL, with data: Data, mode: Int) throws {
        if FileManager.default.contents(atPath: file.path) == data { return }
        let folder = file.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        let fresh = folder.appendingPathComponent(".\(file.lastPathComponent).\(getpid())")
        guard FileManager.default.createFile(atPath: fresh.path, contents: data, attributes: [.posixPermissions: mode]) else {
            throw EngineError("cannot write \(fresh.path)")
        }
        guard rename(fresh.path, file.path) == 0 else {
            try? FileManager.default.removeItem(at: fresh)
            throw EngineError("cannot replace \(file.path): \(String(cString: strerror(errno)))")
        }
    }
}
