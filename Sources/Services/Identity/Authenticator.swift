import AWSWire
import Foundation
import SigV4
import State

/// Turns a signed request into a `Caller`.
///
/// Keys that IAM or STS issued are verified strictly: the signature, the session token, its
/// expiry, and the request time (five minutes of skew). Any other key is accepted without a
/// signature check and stands for the root user of account 123456789012, or of the account a
/// 12-digit key names; `strictCredentials` refuses such keys instead.
public struct Authenticator: Sendable {
    public static let defaultAccountId = "123456789012"
    public static let allowedSkew: TimeInterval = 300
    public static let maximumPresignedLifetime = 604_800
    /// How stale an access key's recorded last use may get before a request refreshes it. AWS
    /// reports last use coarsely too; this keeps a write off almost every request.
    public static let lastUseResolution: TimeInterval = 60

    private let store: Store
    private let strictCredentials: Bool

    public init(store: Store, strictCredentials: Bool) {
        self.store = store
        self.strictCredentials = strictCredentials
    }

    /// The signature a request claims, or nil when it carries none.
    public static func claim(of request: WireRequest) throws(AuthFailure) -> SignatureClaim? {
        guard let items = URIEncoding.queryItems(request.query) else {
            throw .incompleteSignature("The query string contains a broken percent-encoding")
        }
        switch Result(catching: { () throws(SignatureClaimError) in try SignatureClaimParser.parse(header: request.header, queryItems: items) }) {
        case .success(let claim): return claim
        case .failure(.missing): return nil
        case .failure(.incomplete(let detail)): throw .incompleteSignature(detail)
        }
    }

    public func authenticate(_ claim: SignatureClaim, request: WireRequest, signingName: String, now: Date) async throws -> Caller {
        guard claim.scope.service == signingName else {
            throw AuthFailure.signatureDoesNotMatch("Credential should be scoped to correct service: '\(signingName)'. ")
        }
        let key = claim.accessKeyID
        // Only keys of IAM's shape can be ones Kerbside issued; anything else skips the lookup.
        let issued = key.count == 20 && (key.hasPrefix("AKIA") || key.hasPrefix("ASIA"))
        if issued, let credential = try await store.read({ db in try IssuedCredential.find(key, in: db) }) {
            try checkTime(claim, now: now)
            try verifySignature(claim, request: request, secret: credential.secret)
            let caller = try credential.caller(presentedToken: claim.securityToken, now: now)
            if case .userKey(let key, _) = credential, key.lastUsedDate.map({ now.timeIntervalSince($0) >= Self.lastUseResolution }) ?? true {
                try await recordUse(of: key.accessKeyId, service: signingName, region: claim.scope.region, at: now)
            }
            return caller
        }
        if strictCredentials { throw AuthFailure.invalidClientTokenId }
        let account = key.count == 12 && key.allSatisfy(\.isNumber) ? key : Self.defaultAccountId
        return .root(of: account, accessKeyId: key)
    }

    private func recordUse(of accessKeyId: String, service: String, region: String, at now: Date) async throws {
        try await store.write { db in
            guard var key = try IAMAccessKey.withId(accessKeyId).fetchOne(db) else { return }
            key.lastUsedDate = now
            key.lastUsedService = service
            key.lastUsedRegion = region
            try key.update(db)
        }
    }

    private func checkTime(_ claim: SignatureClaim, now: Date) throws(AuthFailure) {
        if let lifetime = claim.expiresIn {
            guard (1...Self.maximumPresignedLifetime).contains(lifetime) else {
                throw .incompleteSignature("X-Amz-Expires must be between 1 and \(Self.maximumPresignedLifetime) seconds")
            }
            if now > claim.requestDate.addingTimeInterval(TimeInterval(lifetime)) {
                throw .signatureDoesNotMatch("Signature expired: \(claim.amzDate) is now earlier than \(AmzDate.format(now.addingTimeInterval(-TimeInterval(lifetime)))) (\(AmzDate.format(now)) - \(lifetime) sec.)")
            }
            if claim.requestDate > now.addingTimeInterval(Self.allowedSkew) {
                throw .signatureDoesNotMatch("Signature not yet current: \(claim.amzDate) is still later than \(AmzDate.format(now.addingTimeInterval(Self.allowedSkew))) (\(AmzDate.format(now)) + 5 min.)")
            }
            return
        }
        if claim.requestDate < now.addingTimeInterval(-Self.allowedSkew) {
            throw .signatureDoesNotMatch("Signature expired: \(claim.amzDate) is now earlier than \(AmzDate.format(now.addingTimeInterval(-Self.allowedSkew))) (\(AmzDate.format(now)) - 5 min.)")
        }
        if claim.requestDate > now.addingTimeInterval(Self.allowedSkew) {
            throw .signatureDoesNotMatch("Signature not yet current: \(claim.amzDate) is still later than \(AmzDate.format(now.addingTimeInterval(Self.allowedSkew))) (\(AmzDate.format(now)) + 5 min.)")
        }
    }

    private func verifySignature(_ claim: SignatureClaim, request: WireRequest, secret: String) throws(AuthFailure) {
        guard claim.signedHeaders.contains("host") else {
            throw .signatureDoesNotMatch("'Host' must be a 'SignedHeader' in the AWS Authorization.")
        }
        let payloadHash = request.header("x-amz-content-sha256") ?? SignatureV4.hexSHA256(request.body)
        let signable = SignableRequest(
            method: request.method,
            path: request.path,
            queryItems: URIEncoding.queryItems(request.query) ?? [],
            headers: request.headers,
            payloadHash: payloadHash
        )
        guard SignatureV4.isValid(claim, for: signable, secret: secret) else {
            throw .signatureDoesNotMatch(AuthFailure.mismatchMessage)
        }
    }
}
