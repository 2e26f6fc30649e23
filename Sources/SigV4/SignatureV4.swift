import AWSWire
import Crypto
import Foundation
import Synchronization

/// The parts of a request that SigV4 signs.
public struct SignableRequest: Sendable {
    public var method: String
    /// The path as sent on the wire (percent-encoded once).
    public var path: String
    /// Decoded query parameters.
    public var queryItems: [(String, String)]
    /// Lower-cased header names; repeated headers appear more than once.
    public var headers: [(name: String, value: String)]
    /// Hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`.
    public var payloadHash: String

    public init(method: String, path: String, queryItems: [(String, String)], headers: [(name: String, value: String)], payloadHash: String) {
        self.method = method
        self.path = path
        self.queryItems = queryItems
        self.headers = headers.map { ($0.name.lowercased(), $0.value) }
        self.payloadHash = payloadHash
    }
}

/// Signature Version 4: canonical request, string to sign, signing key and signature.
/// Used to verify API calls, presigned URLs and RDS IAM authentication tokens.
public enum SignatureV4 {
    public static let emptyPayloadHash = hexSHA256([])

    public static func hexSHA256(_ bytes: some DataProtocol) -> String {
        hex(SHA256.hash(data: bytes))
    }

    public static func canonicalRequest(_ request: SignableRequest, signedHeaders: [String], excludingQuery excluded: String? = "X-Amz-Signature") -> String {
        let canonicalURI = canonicalPath(request.path)
        var encoded: [(name: String, value: String)] = []
        for (name, value) in request.queryItems where name != excluded {
            encoded.append((URIEncoding.encode(name), URIEncoding.encode(value)))
        }
        encoded.sort { lhs, rhs in lhs.name == rhs.name ? lhs.value < rhs.value : lhs.name < rhs.name }
        let canonicalQuery = encoded.map { pair in pair.name + "=" + pair.value }.joined(separator: "&")
        var canonicalHeaders = ""
        for name in signedHeaders {
            let values = request.headers.filter { $0.name == name }.map { trimAll($0.value) }
            canonicalHeaders += "\(name):\(values.joined(separator: ","))\n"
        }
        return [request.method, canonicalURI, canonicalQuery, canonicalHeaders, signedHeaders.joined(separator: ";"), request.payloadHash]
            .joined(separator: "\n")
    }

    /// Non-S3 services sign the path encoded a second time, segment by segment.
    static func canonicalPath(_ path: String) -> String {
        let normalized = path.isEmpty ? "/" : path
        return URIEncoding.encode(normalized, keepingSlash: true)
    }

    /// Header values are trimmed and runs of spaces collapsed to one.
    static func trimAll(_ value: String) -> String {
        var result = ""
        var lastWasSpace = false
        for character in value.trimmingSpaces() {
            if character == " " {
                if !lastWasSpace { result.append(character) }
                lastWasSpace = true
            } else {
                result.append(character)
                lastWasSpace = false
            }
        }
        return result
    }

    public static func stringToSign(amzDate: String, scope: CredentialScope, canonicalRequest: String) -> String {
        "AWS4-HMAC-SHA256\n\(amzDate)\n\(scope.text)\n\(hexSHA256(Array(canonicalRequest.utf8)))"
    }

    public static func signature(secret: String, scope: CredentialScope, stringToSign: String) -> String {
        let key = SigningKeyCache.shared.key(secret: secret, scope: scope)
        return hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
    }

    /// Signs `request` as a client would; used by tests and by tools that call Kerbside.
    public static func authorizationHeader(
        _ request: SignableRequest, accessKeyID: String, secret: String, scope: CredentialScope, amzDate: String
    ) -> String {
        let signedHeaders = Set(request.headers.map(\.name)).sorted()
        let canonical = canonicalRequest(request, signedHeaders: signedHeaders, excludingQuery: nil)
        let signature = signature(secret: secret, scope: scope, stringToSign: stringToSign(amzDate: amzDate, scope: scope, canonicalRequest: canonical))
        return "AWS4-HMAC-SHA256 Credential=\(accessKeyID)/\(scope.text), SignedHeaders=\(signedHeaders.joined(separator: ";")), Signature=\(signature)"
    }

    /// Constant-time comparison of two hex signatures.
    public static func matches(_ expected: String, _ provided: String) -> Bool {
        let a = Array(expected.utf8), b = Array(provided.lowercased().utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Derived signing keys are the same for a whole day per secret, region and service, and
/// deriving one costs four HMACs, so they are kept (bounded).
final class SigningKeyCache: Sendable {
    static let shared = SigningKeyCache()
    private static let capacity = 4096

    private struct Entry: Hashable {
        let secret: String
        let scope: String
    }

    private let keys = Mutex<[Entry: SymmetricKey]>([:])

    func key(secret: String, scope: CredentialScope) -> SymmetricKey {
        let entry = Entry(secret: secret, scope: scope.text)
        if let key = keys.withLock({ $0[entry] }) { return key }
        func hmac(_ key: SymmetricKey, _ text: String) -> SymmetricKey {
            SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: key))
        }
        var key = SymmetricKey(data: Array("AWS4\(secret)".utf8))
        for part in [scope.date, scope.region, scope.service, "aws4_request"] { key = hmac(key, part) }
        keys.withLock { cache in
            if cache.count >= Self.capacity { cache.removeAll(keepingCapacity: true) }
            cache[entry] = key
        }
        return key
    }
}
