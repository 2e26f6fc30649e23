/// The json protocol (Directory Service): `POST /` with `X-Amz-Target: Prefix.Operation` and a
/// JSON body in both directions; errors carry `__type`.
public struct JSONCodec: ProtocolCodec {
    public let model: ServiceModel
    private let reader: JSONShapeReader
    private let writer: JSONShapeWriter
    private let contentType: String

    public init(model: ServiceModel) {
        self.model = model
        reader = JSONShapeReader(model: model)
        writer = JSONShapeWriter(model: model)
        contentType = "application/x-amz-json-\(model.metadata.jsonVersion ?? "1.0")"
    }

    public func decodeInput(_ operation: OperationModel, from request: WireRequest, form: FormParameters?) throws(InputError) -> WireValue {
        guard let input = operation.input else { return .emptyStructure }
        let body = request.body.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 } ? Array("{}".utf8) : request.body
        let json: JSONValue
        do {
            json = try JSONParser.parse(body)
        } catch {
            throw .malformed("The request body is not valid JSON: \(error.message) at byte \(error.offset)")
        }
        guard case .object = json else { throw .malformed("The request body must be a JSON object") }
        return try reader.read(json, as: input, path: []) ?? .emptyStructure
    }

    public func encodeOutput(_ operation: OperationModel, _ output: WireValue, requestID: String) throws(AWSError) -> WireResponse {
        var json = JSONWriter()
        if let shape = operation.output {
            do {
                try writer.writeStructure(output, as: shape, into: &json, bodyOnly: false)
            } catch {
                throw error.awsError
            }
        } else {
            json.beginObject()
            json.endObject()
        }
        return WireResponse(status: operation.successStatus, headers: headers(requestID), body: json.bytes)
    }

    public func encodeError(_ error: AWSError, requestID: String) -> WireResponse {
        var json = JSONWriter()
        writer.writeErrorBody(error, requestID: requestID, typeKey: "__type", into: &json)
        return WireResponse(status: error.status, headers: headers(requestID) + [("x-amzn-ErrorType", error.code)], body: json.bytes)
    }

    public func malformedInputError(_ detail: String) -> AWSError {
        AWSError(code: "SerializationException", status: 400, message: detail)
    }

    public func unknownOperationError(_ name: String) -> AWSError {
        AWSError(code: "UnknownOperationException", status: 400,
                 message: "\(model.metadata.serviceID) has no operation named \(name)")
    }

    private func headers(_ requestID: String) -> [(name: String, value: String)] {
        [("Content-Type", contentType), ("x-amzn-RequestId", requestID)]
    }
}
