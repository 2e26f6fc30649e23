extension SignatureV4 {
    /// Whether `claim.signature` signs `request` with `secret`: the one way Kerbside verifies a
    /// signature, for API calls, presigned URLs and RDS IAM authentication tokens alike. The
    /// comparison takes constant time.
    public static func isValid(_ claim: SignatureClaim, for request: SignableRequest, secret: String) -> Bool {
        let canonical = canonicalRequest(request, signedHeaders: claim.signedHeaders)
        let stringToSign = stringToSign(amzDate: claim.amzDate, scope: claim.scope, canonicalRequest: canonical)
        return matches(signature(secret: secret, scope: claim.scope, stringToSign: stringToSign), claim.signature)
    }
}
