import AWSWire

/// Why a request was not authenticated. Each protocol family words these differently, so the
/// failure is a value until the pipeline knows which envelope the caller expects.
public enum AuthFailure: Error, Sendable, Equatable {
    case missingAuthentication
    case incompleteSignature(String)
    case invalidClientTokenId
    case signatureDoesNotMatch(String)
    case expiredToken

    public static let mismatchMessage = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."

    public func awsError(for wireProtocol: WireProtocol) -> AWSError {
        let json = wireProtocol == .json || wireProtocol == .restJSON
        switch self {
        case .missingAuthentication:
            return json
                ? AWSError(code: "MissingAuthenticationTokenException", status: 403, message: "Missing Authentication Token")
                : AWSError(code: "MissingAuthenticationToken", status: 403, message: "Request is missing Authentication Token")
        case .incompleteSignature(let detail):
            return AWSError(code: json ? "IncompleteSignatureException" : "IncompleteSignature", status: 400, message: detail)
        case .invalidClientTokenId:
            let message = "The security token included in the request is invalid."
            switch wireProtocol {
            case .json, .restJSON: return AWSError(code: "UnrecognizedClientException", status: 403, message: message)
            case .ec2: return AWSError(code: "AuthFailure", status: 401, message: "AWS was not able to validate the provided access credentials")
            case .query: return AWSError(code: "InvalidClientTokenId", status: 403, message: message)
            }
        case .signatureDoesNotMatch(let detail):
            return AWSError(code: json ? "InvalidSignatureException" : "SignatureDoesNotMatch", status: 403, message: detail)
        case .expiredToken:
            return AWSError(code: json ? "ExpiredTokenException" : "ExpiredToken", status: 403,
                            message: "The security token included in the request is expired")
        }
    }
}
