import AWSWire
import Foundation
import GRDB
import Logging
import Services
import SigV4

/// The one path every AWS API request takes: find the operation, authenticate the caller,
/// read and validate the input by the model, run the service's rule, write the answer by the
/// model. Every failure on the way ends as an AWS error in the caller's protocol.
public struct RequestPipeline: Sendable {
    private let locator: OperationLocator
    private let validators: [String: InputValidator]
    private let services: ServiceRegistry
    private let authenticator: Authenticator
    private let fallbackCodecs: (json: any ProtocolCodec, query: any ProtocolCodec)
    private let logger: Logger

    public init(catalog: ModelCatalog, services: ServiceRegistry, authenticator: Authenticator, logger: Logger) {
        locator = OperationLocator(catalog: catalog)
        validators = Dictionary(uniqueKeysWithValues: catalog.models.map { ($0.metadata.signingName, InputValidator(model: $0)) })
        self.services = services
        self.authenticator = authenticator
        self.logger = logger
        let json = catalog.models.first { $0.metadata.wireProtocol == .json }!.makeCodec()
        let query = catalog.models.first { $0.metadata.signingName == "sts" }!.makeCodec()
        fallbackCodecs = (json, query)
    }

    public func respond(to request: WireRequest, now: Date = Date()) async -> WireResponse {
        let requestID = Identifiers.uuid()
        let claim = Result { () throws(AuthFailure) in try Authenticator.claim(of: request) }
        let located: LocatedOperation
        switch locator.locate(request, signingName: (try? claim.get())??.scope.service) {
        case .success(let found):
            located = found
        case .failure(let failure):
            let codec = failure.codec ?? fallbackCodec(for: request)
            logger.info("refused \(request.method) \(request.path): \(failure.error.code)", metadata: ["request-id": "\(requestID)"])
            return codec.encodeError(failure.error, requestID: requestID)
        }
        let codec = located.codec
        let signingName = located.model.metadata.signingName
        let label = "\(signingName):\(located.operation.name)"
        do {
            let output = try await run(located, request: request, claim: claim, requestID: requestID, now: now)
            logger.debug("\(label) ok", metadata: ["request-id": "\(requestID)"])
            return try codec.encodeOutput(located.operation, output, requestID: requestID)
        } catch let error as AWSError {
            log(error, label: label, requestID: requestID)
            return codec.encodeError(error, requestID: requestID)
        } catch let failure as AuthFailure {
            let error = failure.awsError(for: located.model.metadata.wireProtocol)
            log(error, label: label, requestID: requestID)
            return codec.encodeError(error, requestID: requestID)
        } catch let invalid as InvalidInput {
            let error = validationStyle(signingName).error(for: [invalid.violation])
            log(error, label: label, requestID: requestID)
            return codec.encodeError(error, requestID: requestID)
        } catch {
            logger.error("\(label) failed: \(error)", metadata: ["request-id": "\(requestID)"])
            return codec.encodeError(.internalFailure("Kerbside failed to handle \(label); see its log for request \(requestID)"), requestID: requestID)
        }
    }

    private func run(_ located: LocatedOperation, request: WireRequest, claim: Result<SignatureClaim?, AuthFailure>,
                     requestID: String, now: Date) async throws -> WireValue {
        let operation = located.operation
        let signingName = located.model.metadata.signingName
        let caller: Caller
        let region: String
        switch claim {
        case .failure(let failure):
            throw failure
        case .success(nil):
            guard operation.isUnsigned else { throw AuthFailure.missingAuthentication }
            caller = .anonymous
            region = "us-east-1"
        case .success(let claim?):
            caller = try await authenticator.authenticate(claim, request: request, signingName: signingName, now: now)
            region = claim.scope.region
        }

        let input: WireValue
        do {
            input = try located.codec.decodeInput(operation, from: request, form: located.form)
        } catch .malformed(let detail) {
            throw located.codec.malformedInputError(detail)
        } catch .invalid(let violations) {
            throw validationStyle(signingName).error(for: violations)
        }
        if let shape = operation.input, let validator = validators[signingName] {
            let violations = validator.violations(of: input, shape: shape)
            if !violations.isEmpty { throw validationStyle(signingName).error(for: violations) }
        }

        guard let handler = services.service(signingName: signingName)?.operations.handler(for: operation.name) else {
            throw AWSError.notImplemented(service: signingName, operation: operation.name)
        }
        let context = CallContext(caller: caller, region: region, requestID: requestID, now: now, logger: logger)
        return try await handler(input, context)
    }

    private func validationStyle(_ signingName: String) -> ValidationStyle {
        services.service(signingName: signingName)?.validationStyle ?? .coral(code: "ValidationError")
    }

    private func log(_ error: AWSError, label: String, requestID: String) {
        if error.isSenderFault {
            logger.info("\(label) refused: \(error.code): \(error.message)", metadata: ["request-id": "\(requestID)"])
        } else {
            logger.error("\(label) failed: \(error.code): \(error.message)", metadata: ["request-id": "\(requestID)"])
        }
    }

    /// The protocol a request we could not place seems to speak, so its refusal still parses.
    func fallbackCodec(for request: WireRequest) -> any ProtocolCodec {
        if request.header("x-amz-target") != nil || request.mediaType?.contains("json") == true {
            return fallbackCodecs.json
        }
        return fallbackCodecs.query
    }

    /// For refusals decided before the body is read (an oversized request).
    public func reject(_ request: WireRequest, with error: AWSError) -> WireResponse {
        let requestID = Identifiers.uuid()
        logger.info("refused \(request.method) \(request.path): \(error.code)", metadata: ["request-id": "\(requestID)"])
        return fallbackCodec(for: request).encodeError(error, requestID: requestID)
    }
}
