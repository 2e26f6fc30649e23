import Foundation
import Runtime

/// Whether a directory password is a user's, asked of the user's KDC as a client would (`kinit`
/// into a credential cache in memory, gone when it ends): where Kerbside speaks for a server that
/// takes Active Directory passwords (RDS for MySQL's `auth_pam` accounts).
public enum PasswordCheck {
    /// nil when the KDC issued a ticket to `principal` for `password`; otherwise what it said.
    /// `configuration` is the krb5.conf that lists every realm's KDCs.
    public static func failure(of principal: String, password: String, configuration: URL) async -> String? {
        let environment = ["KRB5_CONFIG": configuration.path, "KRB5CCNAME": "MEMORY:kerbside-password-check", "PATH": "/usr/bin:/bin"]
        do {
            let login = try await Command(Tools.kinit, [principal], environment: environment, timeout: .seconds(10)).run(input: password + "\n")
            return login.succeeded ? nil : login.standardError.replacingOccurrences(of: "Password for \(principal): ", with: "")
                .trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            return "kinit could not run: \(error)"
        }
    }
}
