/// The krb5.conf Kerbside hands to clients (and to its own KDCs, so referrals across trusts
/// resolve): every realm with its KDC addresses, and the host names that belong to each realm.
/// DNS plays no part: `dns_lookup_kdc`, `rdns` and hostname canonicalization are off.
public struct ClientConfiguration: Sendable {
    public struct RealmEntry: Sendable {
        public let name: String
        public let kdcs: [String]

        public init(name: String, addresses: [String], port: Int) {
            self.name = name
            kdcs = addresses.map { port == 88 ? $0 : "\($0):\(port)" }
        }
    }

    public var realms: [RealmEntry]
    /// Host names or `.domain` suffixes, each mapped to a realm.
    public var domainRealm: [(host: String, realm: String)]

    public init(realms: [RealmEntry], domainRealm: [(host: String, realm: String)]) {
        self.realms = realms
        self.domainRealm = domainRealm
    }

    public func render() -> String {
        var text = """
            # Written by Kerbside: every realm it hosts. Point clients here with KRB5_CONFIG.
            [libdefaults]

            """
        if let first = realms.first { text += "    default_realm = \(first.name)\n" }
        text += """
                dns_lookup_kdc = false
                dns_lookup_realm = false
                dns_canonicalize_hostname = false
                rdns = false
                forwardable = true
                udp_preference_limit = 0
            [realms]

            """
        for realm in realms {
            text += "    \(realm.name) = {\n"
            for kdc in realm.kdcs { text += "        kdc = \(kdc)\n" }
            text += "    }\n"
        }
        text += "[domain_realm]\n"
        for entry in domainRealm { text += "    \(entry.host) = \(entry.realm)\n" }
        return text
    }
}
