import Foundation
import SigV4
import Testing

/// Requests signed by botocore (fixtures/sigv4/vectors.json, made by
/// scripts/make-sigv4-fixtures.py) must verify here: same canonical request, same signature.
struct BotocoreVectorTests {
    struct Vector: Decodable, CustomTestStringConvertible {
        let name: String
        let placement: String
        let method: String
        let url: String
        let headers: [[String]]
        let body: String
        let secret: String
        let canonicalRequest: String?

        var testDescription: String { name }
    }

    struct File: Decodable {
        let vectors: [Vector]
    }

    static let vectors: [Vector] = {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fixtures/sigv4/vectors.json")
        let data = try! Data(contentsOf: url)
        return try! JSONDecoder().decode(File.self, from: data).vectors
    }()

    static func parts(_ vector: Vector) -> (claim: SignatureClaim, request: SignableRequest) {
        let components = URLComponents(string: vector.url)!
        let rawQuery = components.percentEncodedQuery ?? ""
        let items = URIEncoding.queryItems(rawQuery)!
        let headers = vector.headers.map { (name: $0[0].lowercased(), value: $0[1]) }
        let claim = try! SignatureClaimParser.parse(header: { name in headers.first { $0.name == name }?.value }, queryItems: items)
        let request = SignableRequest(
            method: vector.method, path: components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath,
            queryItems: items, headers: headers, payloadHash: SignatureV4.hexSHA256(Array(vector.body.utf8)))
        return (claim, request)
    }

    static func expectedSignature(_ claim: SignatureClaim, _ request: SignableRequest, secret: String) -> String {
        let canonical = SignatureV4.canonicalRequest(request, signedHeaders: claim.signedHeaders)
        let stringToSign = SignatureV4.stringToSign(amzDate: claim.amzDate, scope: claim.scope, canonicalRequest: canonical)
        return SignatureV4.signature(secret: secret, scope: claim.scope, stringToSign: stringToSign)
    }

    @Test(arguments: vectors.filter { $0.canonicalRequest != nil })
    func canonicalRequestMatchesBotocore(_ vector: Vector) {
        let (claim, request) = Self.parts(vector)
        #expect(SignatureV4.canonicalRequest(request, signedHeaders: claim.signedHeaders) == vector.canonicalRequest)
    }

    @Test(arguments: vectors)
    func signatureVerifies(_ vector: Vector) {
        let (claim, request) = Self.parts(vector)
        let computed = Self.expectedSignature(claim, request, secret: vector.secret)
        #expect(SignatureV4.matches(computed, claim.signature))
    }

    @Test(arguments: vectors)
    func wrongSecretFails(_ vector: Vector) {
        let (claim, request) = Self.parts(vector)
        let computed = Self.expectedSignature(claim, request, secret: vector.secret + "x")
        #expect(!SignatureV4.matches(computed, claim.signature))
    }

    @Test(arguments: vectors.filter { !$0.body.isEmpty })
    func tamperedBodyFails(_ vector: Vector) {
        let (claim, original) = Self.parts(vector)
        var request = original
        request.payloadHash = SignatureV4.hexSHA256(Array((vector.body + " ").utf8))
        let computed = Self.expectedSignature(claim, request, secret: vector.secret)
        #expect(!SignatureV4.matches(computed, claim.signature))
    }

    @Test func presignedClaimCarriesExpiry() {
        let vector = Self.vectors.first { $0.placement == "query" }!
        let (claim, _) = Self.parts(vector)
        #expect(claim.placement == .query)
        #expect(claim.expiresIn == 900)
        #expect(claim.scope.service == "sts")
        #expect(claim.signedHeaders == ["host"])
    }
}
