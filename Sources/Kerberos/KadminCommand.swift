/// One `kadmin.local` request. Rendered into kadmin's own command syntax; every argument is
/// quoted (kadmin's parser takes `""` inside quotes as a literal quote), so passwords may hold
/// any character.
public enum KadminCommand: Sendable {
    /// Without a password the principal gets random keys (service principals, users not yet
    /// given a password).
    case addPrincipal(String, password: String?, ticketsAllowed: Bool)
    case setPassword(String, String)
    case setTicketsAllowed(String, Bool)
    case deletePrincipal(String)
    /// Writes the principals' keys to `keytab`. With `keepKeys` the existing keys are exported
    /// unchanged (`-norandkey`), so one principal can sit in several keytabs.
    case exportKeytab([String], keytab: String, keepKeys: Bool)

    var text: String {
        switch self {
        case .addPrincipal(let name, let password?, let allowed):
            return "addprinc \(allowed ? "+" : "-")allow_tix -pw \(quoted(password)) \(quoted(name))"
        case .addPrincipal(let name, nil, let allowed):
            return "addprinc \(allowed ? "+" : "-")allow_tix -randkey \(quoted(name))"
        case .setPassword(let name, let password):
            return "cpw -pw \(quoted(password)) \(quoted(name))"
        case .setTicketsAllowed(let name, let allowed):
            return "modprinc \(allowed ? "+" : "-")allow_tix \(quoted(name))"
        case .deletePrincipal(let name):
            return "delprinc -force \(quoted(name))"
        case .exportKeytab(let names, let keytab, let keepKeys):
            return "ktadd -k \(quoted(keytab))\(keepKeys ? " -norandkey" : "") \(names.map(quoted).joined(separator: " "))"
        }
    }

    private func quoted(_ argument: String) -> String {
        "\"" + argument.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
