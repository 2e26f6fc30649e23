import Foundation

/// Every service model Kerbside serves, with the lookups request routing needs.
public struct ModelCatalog: Sendable {
    public let models: [ServiceModel]
    private let bySigningName: [String: ServiceModel]
    private let byTargetPrefix: [String: ServiceModel]
    private let byAPIVersion: [String: ServiceModel]

    public init(models: [ServiceModel]) {
        self.models = models
        bySigningName = Dictionary(models.map { ($0.metadata.signingName, $0) }, uniquingKeysWith: { first, _ in first })
        byTargetPrefix = Dictionary(
            models.compactMap { model in model.metadata.targetPrefix.map { ($0, model) } },
            uniquingKeysWith: { first, _ in first }
        )
        byAPIVersion = Dictionary(
            models.filter { [.query, .ec2].contains($0.metadata.wireProtocol) }.map { ($0.metadata.apiVersion, $0) },
            uniquingKeysWith: { first, _ in first }
        )
    }

    public func model(signingName: String) -> ServiceModel? { bySigningName[signingName] }
    public func model(targetPrefix: String) -> ServiceModel? { byTargetPrefix[targetPrefix] }
    public func model(queryAPIVersion: String) -> ServiceModel? { byAPIVersion[queryAPIVersion] }

    /// The models committed in `Sources/AWSWire/Models`, parsed concurrently.
    public static func bundled() throws -> ModelCatalog {
        let names = ["sts", "iam", "rds", "ds", "ds-data", "ec2"]
        let urls = try names.map { name in
            guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Models") else {
                throw ModelLoadError(description: "the bundled model \(name).json is missing")
            }
            return url
        }
        // Each iteration writes only its own slot, so the shared buffer is safe to fill concurrently.
        nonisolated(unsafe) let results = UnsafeMutableBufferPointer<Result<ServiceModel, any Error>>.allocate(capacity: urls.count)
        defer { results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: urls.count) { index in
            (results.baseAddress! + index).initialize(to: Result {
                let bytes = try Array(Data(contentsOf: urls[index]))
                return try ServiceModel(json: try JSONParser.parse(bytes))
            })
        }
        defer { _ = results.baseAddress!.deinitialize(count: urls.count) }
        return ModelCatalog(models: try results.map { try $0.get() })
    }
}
