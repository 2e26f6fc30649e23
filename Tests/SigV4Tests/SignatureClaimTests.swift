import Foundation
import SigV4
import Testing

struct SignatureClaimTests {
    private func parse(_ headers: [String: String], query: [(String, String)] = []) -> Result<SignatureClaim, SignatureClaimError> {
        Result { () throws(SignatureClaimError) in try SignatureClaimParser.parse(header: { headers[$0] }, queryItems: query) }
    }

    private func incompleteMessage(_ result: Result<SignatureClaim, SignatureClaimError>) -> String? {
        if case .failure(.incomplete(let message)) = result { return message }
        return nil
    }

    @Test func noAuthenticationIsMissing() {
        guard case .failure(.missing) = parse([:]) else { Issue.record("expected .missing"); return }
    }

    @Test func headerClaimIsParsed() throws {
        let claim = try parse([
            "authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240501/us-east-1/iam/aws4_request, SignedHeaders=Host;X-Amz-Date, Signature=abc",
            "x-amz-date": "20240501T120000Z",
            "x-amz-security-token": "token",
        ]).get()
        #expect(claim.accessKeyID == "AKIDEXAMPLE")
        #expect(claim.scope == CredentialScope(date: "20240501", region: "us-east-1", service: "iam"))
        #expect(claim.signedHeaders == ["host", "x-amz-date"])
        #expect(claim.securityToken == "token")
        #expect(AmzDate.format(claim.requestDate) == "20240501T120000Z")
    }

    @Test(arguments: [
        ("AWS4-HMAC-SHA256 Credential=AKID/20240501/us-east-1/iam/aws4_request, SignedHeaders=host", "'Signature'"),
        ("AWS4-HMAC-SHA256 SignedHeaders=host, Signature=abc", "'Credential'"),
        ("AWS4-HMAC-SHA256 Credential=AKID/2024/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=abc", "<key>/<date>"),
        ("AWS4-HMAC-SHA256 Credential=AKID/20240501/us-east-1/iam, SignedHeaders=host, Signature=abc", "<key>/<date>"),
        ("AWS AKID:signature", "Unsupported authorization type AWS"),
    ])
    func brokenHeadersAreIncomplete(authorization: String, expected: String) throws {
        let message = try #require(incompleteMessage(parse(["authorization": authorization, "x-amz-date": "20240501T120000Z"])))
        #expect(message.contains(expected))
    }

    @Test func headerClaimNeedsADate() throws {
        let message = try #require(incompleteMessage(parse([
            "authorization": "AWS4-HMAC-SHA256 Credential=AKID/20240501/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=abc",
        ])))
        #expect(message.contains("X-Amz-Date"))
    }

    @Test func presignedClaimNeedsItsParameters() throws {
        let message = try #require(incompleteMessage(parse([:], query: [
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"), ("X-Amz-Credential", "AKID/20240501/us-east-1/sts/aws4_request"),
            ("X-Amz-Date", "20240501T120000Z"), ("X-Amz-SignedHeaders", "host"),
        ])))
        #expect(message.contains("X-Amz-Signature"))
    }

    @Test(arguments: ["20240501T120000", "2024-05-01T12:00:00Z", "20241301T120000Z", "2024050aT120000Z", ""])
    func malformedDatesAreRefused(_ text: String) {
        #expect(AmzDate.parse(text) == nil)
    }

    @Test func uriEncodingIsRFC3986() {
        #expect(URIEncoding.encode("a b+c/~é") == "a%20b%2Bc%2F~%C3%A9")
        #expect(URIEncoding.encode("/a b/", keepingSlash: true) == "/a%20b/")
        #expect(URIEncoding.decode("a%20b%2Bc+d") == "a b+c+d")
        #expect(URIEncoding.decode("%zz") == nil)
        #expect(URIEncoding.decode("%C3") == nil)
    }
}
