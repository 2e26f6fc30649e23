/// `20240501/us-east-1/iam/aws4_request`: the date, region and service a signature is bound to.
public struct CredentialScope: Sendable, Equatable {
    public let date: String
    public let region: String
    public let service: String

    public init(date: String, region: String, service: String) {
        self.date = date
        self.region = region
        self.service = service
    }

    public var text: String { "\(date)/\(region)/\(service)/aws4_request" }
}
