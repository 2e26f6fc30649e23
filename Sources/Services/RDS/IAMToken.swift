import SigV4

/// An RDS IAM authentication token taken apart: what `aws rds generate-db-auth-token` produces,
/// a presigned `GET /` URL without its scheme,
/// `<host>:<port>/?Action=connect&DBUser=<user>&X-Amz-Algorithm=…&X-Amz-Signature=…`.
struct IAMToken {
    /// As written in the token; compare ignoring case.
    var host: String
    var port: Int
    /// Decoded query parameters, in token order.
    var queryItems: [(String, String)]
    var claim: SignatureClaim

    /// The `host` header the signature covers. botocore signs the host lower-cased (it comes
    /// from `urlsplit().hostname`) and leaves the port out when it is https's 443.
    var signedHost: String {
        port == 443 ? host.lowercased() : "\(host.lowercased()):\(port)"
    }

    func parameter(_ name: String) -> String? {
        queryItems.first { $0.0 == name }?.1
    }

    /// The request whose signature the token carries.
    var signableRequest: SignableRequest {
        SignableRequest(method: "GET", path: "/", queryItems: queryItems, headers: [(name: "host", value: signedHost)],
                        payloadHash: SignatureV4.emptyPayloadHash)
    }

    /// Reasons never quote the token: it is a credential for up to 15 minutes.
    init(parsing token: String) throws(IAMTokenRefusal) {
        let notAToken = IAMTokenRefusal("the password is not an IAM authentication token (expected <host>:<port>/?Action=connect&…)")
        guard let slash = token.firstIndex(of: "/") else { throw notAToken }
        let authority = token[..<slash]
        let rest = token[slash...]
        guard rest.hasPrefix("/?"), !authority.isEmpty else { throw notAToken }
        if let colon = authority.lastIndex(of: ":") {
            guard let port = Int(authority[authority.index(after: colon)...]), (1...65535).contains(port) else {
                throw IAMTokenRefusal("the token's port is not a number from 1 to 65535")
            }
            host = String(authority[..<colon])
            self.port = port
        } else {
            host = String(authority)
            port = 443
        }
        guard let items = URIEncoding.queryItems(String(rest.dropFirst(2))) else {
            throw IAMTokenRefusal("the token contains a broken percent-encoding")
        }
        queryItems = items
        switch Result(catching: { () throws(SignatureClaimError) in try SignatureClaimParser.parse(header: { _ in nil }, queryItems: items) }) {
        case .success(let claim):
            self.claim = claim
        case .failure(.missing):
            throw IAMTokenRefusal("the token is not signed (it has no X-Amz-Credential or X-Amz-Signature)")
        case .failure(.incomplete(let detail)):
            throw IAMTokenRefusal("the token's signature parameters are incomplete: \(detail)")
        }
    }
}

/// Why a token was refused, in words for the PostgreSQL log; never the token or its signature.
struct IAMTokenRefusal: Error {
    var reason: String

    init(_ reason: String) {
        self.reason = reason
    }
}
