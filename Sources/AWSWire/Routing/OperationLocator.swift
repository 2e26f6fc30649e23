/// An operation found for a request, with the codec that reads and answers it.
public struct LocatedOperation: Sendable {
    public let codec: any ProtocolCodec
    public let operation: OperationModel
    /// Parameters of a query-protocol request, parsed once while finding the operation.
    public let form: FormParameters?

    public var model: ServiceModel { codec.model }
}

/// Why no operation was found. `codec` is the protocol the caller spoke (when we can tell), so
/// the refusal comes back in the envelope the caller's SDK expects.
public struct LocateFailure: Error, Sendable {
    public let error: AWSError
    public let codec: (any ProtocolCodec)?
}

/// Works out which service and operation a request is for, the way AWS front ends do:
/// `X-Amz-Target` for json services, `Action`/`Version` for query services, method and path for
/// rest-json services. The SigV4 credential scope (when signed) names the service.
public struct OperationLocator: Sendable {
    private let codecs: [any ProtocolCodec]
    private let bySigningName: [String: any ProtocolCodec]
    private let byTargetPrefix: [String: any ProtocolCodec]
    private let byQueryVersion: [String: any ProtocolCodec]
    private let restRoutes: [RestRoute]

    struct RestRoute: Sendable {
        let codec: any ProtocolCodec
        let operation: OperationModel
        let template: RequestPathTemplate
    }

    public init(catalog: ModelCatalog) {
        codecs = catalog.models.map { $0.makeCodec() }
        var bySigningName: [String: any ProtocolCodec] = [:]
        var byTargetPrefix: [String: any ProtocolCodec] = [:]
        var byQueryVersion: [String: any ProtocolCodec] = [:]
        var routes: [RestRoute] = []
        for codec in codecs {
            let metadata = codec.model.metadata
            bySigningName[metadata.signingName] = codec
            if let prefix = metadata.targetPrefix { byTargetPrefix[prefix] = codec }
            switch metadata.wireProtocol {
            case .query, .ec2: byQueryVersion[metadata.apiVersion] = codec
            case .restJSON:
                for operation in codec.model.operations.values {
                    routes.append(RestRoute(codec: codec, operation: operation, template: RequestPathTemplate(operation.requestPath)))
                }
            case .json: break
            }
        }
        self.bySigningName = bySigningName
        self.byTargetPrefix = byTargetPrefix
        self.byQueryVersion = byQueryVersion
        restRoutes = routes.sorted { $0.template.specificity > $1.template.specificity }
    }

    public func codec(signingName: String) -> (any ProtocolCodec)? { bySigningName[signingName] }

    public func locate(_ request: WireRequest, signingName: String?) -> Result<LocatedOperation, LocateFailure> {
        if let target = request.header("x-amz-target") {
            return locateJSON(target: target)
        }
        if isQueryStyle(request) {
            return locateQuery(request, signingName: signingName)
        }
        return locateRest(request, signingName: signingName)
    }

    private func locateJSON(target: String) -> Result<LocatedOperation, LocateFailure> {
        let parts = target.split(separator: ".", maxSplits: 1)
        guard parts.count == 2, let codec = byTargetPrefix[String(parts[0])] else {
            return .failure(LocateFailure(
                error: AWSError(code: "UnknownOperationException", status: 400, message: "Kerbside serves no service with target \(target)"),
                codec: nil))
        }
        guard let operation = codec.model.operations[String(parts[1])] else {
            return .failure(LocateFailure(error: codec.unknownOperationError(String(parts[1])), codec: codec))
        }
        return .success(LocatedOperation(codec: codec, operation: operation, form: nil))
    }

    private func isQueryStyle(_ request: WireRequest) -> Bool {
        if request.mediaType == "application/x-www-form-urlencoded" { return true }
        return request.query.hasPrefix("Action=") || request.query.contains("&Action=")
    }

    private func locateQuery(_ request: WireRequest, signingName: String?) -> Result<LocatedOperation, LocateFailure> {
        let form: FormParameters
        do {
            // A GET (presigned URL) carries its parameters in the query string, a POST in the body.
            form = try FormParameters(request.method == "GET" || request.body.isEmpty ? Array(request.query.utf8) : request.body)
        } catch {
            let detail: String
            if case .malformed(let message) = error { detail = message } else { detail = "malformed parameters" }
            return .failure(LocateFailure(error: AWSError(code: "MalformedQueryString", status: 400, message: detail),
                                          codec: signingName.flatMap { bySigningName[$0] }))
        }
        let version = form["Version"]
        let scoped = signingName.flatMap { bySigningName[$0] }.flatMap { [.query, .ec2].contains($0.model.metadata.wireProtocol) ? $0 : nil }
        guard let codec = scoped ?? version.flatMap({ byQueryVersion[$0] }) else {
            return .failure(LocateFailure(
                error: AWSError(code: "InvalidAction", status: 400,
                                message: "Kerbside cannot tell which service this request is for (Version \(version ?? "missing"))"),
                codec: nil))
        }
        guard let action = form["Action"], !action.isEmpty else {
            return .failure(LocateFailure(error: AWSError(code: "MissingAction", status: 400, message: "Missing Action"), codec: codec))
        }
        guard let operation = codec.model.operations[action] else {
            return .failure(LocateFailure(error: codec.unknownOperationError(action), codec: codec))
        }
        return .success(LocatedOperation(codec: codec, operation: operation, form: form))
    }

    private func locateRest(_ request: WireRequest, signingName: String?) -> Result<LocatedOperation, LocateFailure> {
        let queryNames = Set(request.query.split(separator: "&").map { String($0.split(separator: "=", maxSplits: 1)[0]) })
        for route in restRoutes {
            if let signingName, route.codec.model.metadata.signingName != signingName { continue }
            guard route.operation.httpMethod == request.method, route.template.match(request.path) != nil,
                  route.operation.requestLiteralQuery.allSatisfy({ queryNames.contains($0.0) })
            else { continue }
            return .success(LocatedOperation(codec: route.codec, operation: route.operation, form: nil))
        }
        let codec = signingName.flatMap { bySigningName[$0] }
        let description = "\(request.method) \(request.path)"
        return .failure(LocateFailure(
            error: codec?.unknownOperationError(description)
                ?? AWSError(code: "UnknownOperationException", status: 404, message: "Kerbside has no operation at \(description)"),
            codec: codec))
    }
}
