/// One simple bind as PostgreSQL's `ldap` pg_hba method sends it: the DN
/// `cn=<database user>,ou=<DbiResourceId>` and the password (an IAM authentication token).
///
/// Its descriptions leave the password out, so a bind can be logged as it is.
public struct LDAPBind: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public var dn: String
    /// The database user (the `cn` value).
    public var user: String
    /// The resource the login is for (the `ou` value): the instance's `DbiResourceId`.
    public var resource: String
    public var password: String

    public init(dn: String, user: String, resource: String, password: String) {
        self.dn = dn
        self.user = user
        self.resource = resource
        self.password = password
    }

    /// Reads user and resource from `dn`, or nil when it is not `cn=<user>,ou=<resource>`.
    ///
    /// PostgreSQL builds the DN as `ldapprefix + user + ldapsuffix` without escaping, so a user
    /// name holding `,` `+` `"` … does not parse as RFC 4514. Such a DN is read as that
    /// concatenation instead: everything between `cn=` and the last `,ou=` is the user.
    public init?(dn: String, password: String) {
        guard let (user, resource) = Self.names(in: dn) else { return nil }
        self.init(dn: dn, user: user, resource: resource, password: password)
    }

    static func names(in dn: String) -> (user: String, resource: String)? {
        if let parsed = try? LDAPDistinguishedName(parsing: dn), parsed.relativeNames.count == 2,
           let cn = parsed.relativeNames[0].only, cn.type.lowercased() == "cn", !cn.value.isEmpty,
           let ou = parsed.relativeNames[1].only, ou.type.lowercased() == "ou", isResourceId(ou.value) {
            return (cn.value, ou.value)
        }
        // The unescaped concatenation.
        let bytes = Array(dn.utf8)
        func lowered(_ range: Range<Int>) -> [UInt8] { bytes[range].map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 } }
        guard bytes.count > 3, lowered(0..<3) == Array("cn=".utf8),
              let suffix = stride(from: bytes.count - 4, to: 3, by: -1).first(where: { lowered($0..<($0 + 4)) == Array(",ou=".utf8) })
        else { return nil }
        guard let user = String(validating: bytes[3..<suffix], as: UTF8.self),
              let resource = String(validating: bytes[(suffix + 4)...], as: UTF8.self), isResourceId(resource)
        else { return nil }
        return (user, resource)
    }

    /// `db-…`, `cluster-…`, `prx-…`: letters, digits and dashes.
    static func isResourceId(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-")
        }
    }

    public var description: String { "bind of \(user) to \(resource) (dn \(dn))" }
    public var debugDescription: String { "LDAPBind(dn: \(dn), user: \(user), resource: \(resource), password: <\(password.utf8.count) bytes>)" }
}

/// What the bind responder answers.
public enum LDAPBindVerdict: Sendable, Equatable {
    case success
    /// Refused with `invalidCredentials`; the diagnostic shows up in PostgreSQL's server log as
    /// `DETAIL: LDAP diagnostics: …`.
    case refused(diagnostic: String)
}

extension Array {
    fileprivate var only: Element? { count == 1 ? self[0] : nil }
}
