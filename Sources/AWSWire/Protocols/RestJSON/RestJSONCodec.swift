import Foundation

/// The rest-json protocol (Directory Service Data): operations are told apart by method and
/// path; members travel in the path, the query string, headers or the JSON body as the model says.
public struct RestJSONCodec: ProtocolCodec {
    public let model: ServiceModel
    private let reader: JSONShapeReader
    private let writer: JSONShapeWriter

    public init(model: ServiceModel) {
        self.model = model
        reader = JSONShapeReader(model: model)
        writer = JSONShapeWriter(model: model)
    }

    public func decodeInput(_ operation: OperationModel, from request: WireRequest, form: FormParameters?) throws(InputError) -> WireValue {
        guard let input = operation.input, case .structure(let structure) = model[input].kind else { return .emptyStructure }
        var members: [String: WireValue] = [:]
        let query = try FormParameters(request.query)
        let labels = RequestPathTemplate(operation.requestPath).match(request.path) ?? [:]

        var violations: [Violation] = []
        for member in structure.members where member.location != .body {
            let path = [member.name]
            do {
                switch member.location {
                case .uri:
                    if let text = labels[member.wireName] {
                        members[member.key] = try ScalarText.decode(text, as: model[member.shape], path: path)
                    }
                case .querystring:
                    if case .list(let list) = model[member.shape].kind {
                        let values = query.pairs.filter { $0.0 == member.wireName }.map(\.1)
                        if !values.isEmpty {
                            members[member.key] = .list(try values.map { text throws(InputError) in
                                try ScalarText.decode(text, as: model[list.member], path: path)
                            })
                        }
                    } else if let text = query[member.wireName] {
                        members[member.key] = try ScalarText.decode(text, as: model[member.shape], path: path)
                    }
                case .header:
                    if let text = request.header(member.wireName.lowercased()) {
                        members[member.key] = try ScalarText.decode(text, as: model[member.shape], path: path)
                    }
                case .headers:
                    let prefix = member.wireName.lowercased()
                    let entries = request.headers.filter { $0.name.hasPrefix(prefix) }
                    if !entries.isEmpty {
                        members[member.key] = .map(Dictionary(entries.map { (String($0.name.dropFirst(prefix.count)), WireValue.string($0.value)) },
                                                              uniquingKeysWith: { first, _ in first }))
                    }
                case .body, .statusCode:
                    break
                }
            } catch .invalid(let found) {
                violations += found
            } catch {
                throw error
            }
        }
        if !violations.isEmpty { throw .invalid(violations) }

        let bodyIsEmpty = request.body.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        if let payloadName = structure.payload, let payload = structure.member(forKey: payloadName.lowercased()) {
            switch model[payload.shape].kind {
            case .blob: members[payload.key] = .blob(request.body)
            case .string: members[payload.key] = .string(String(decoding: request.body, as: UTF8.self))
            default:
                if !bodyIsEmpty { members[payload.key] = try reader.read(try parse(request.body), as: payload.shape, path: [payload.name]) }
            }
        } else if !bodyIsEmpty, structure.members.contains(where: { $0.location == .body }) {
            let json = try parse(request.body)
            guard case .object = json else { throw .malformed("The request body must be a JSON object") }
            if case .structure(let bodyMembers) = try reader.read(json, as: input, path: []) {
                members.merge(bodyMembers) { bound, _ in bound }
            }
        }
        return .structure(members)
    }

    private func parse(_ body: [UInt8]) throws(InputError) -> JSONValue {
        do {
            return try JSONParser.parse(body)
        } catch {
            throw .malformed("The request body is not valid JSON: \(error.message) at byte \(error.offset)")
        }
    }

    public func encodeOutput(_ operation: OperationModel, _ output: WireValue, requestID: String) throws(AWSError) -> WireResponse {
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json"), ("x-amzn-RequestId", requestID)]
        var status = operation.successStatus
        var json = JSONWriter()
        guard let outputID = operation.output, case .structure(let structure) = model[outputID].kind,
              case .structure(let members) = output
        else {
            json.beginObject()
            json.endObject()
            return WireResponse(status: status, headers: headers, body: json.bytes)
        }
        for member in structure.members {
            guard let value = members[member.key] else { continue }
            switch member.location {
            case .header:
                let format: TimestampFormat = member.timestampFormat ?? .rfc822
                if let text = ScalarText.encode(value, format: format) { headers.append((member.wireName, text)) }
            case .headers:
                if case .map(let entries) = value {
                    for (key, entry) in entries {
                        if let text = ScalarText.encode(entry, format: .rfc822) { headers.append((member.wireName + key, text)) }
                    }
                }
            case .statusCode:
                if case .integer(let code) = value { status = Int(code) }
            default:
                break
            }
        }
        if let payloadName = structure.payload, let payload = structure.member(forKey: payloadName.lowercased()) {
            switch members[payload.key] {
            case .blob(let bytes)?: return WireResponse(status: status, headers: headers, body: bytes)
            case .string(let text)?: return WireResponse(status: status, headers: headers, body: Array(text.utf8))
            case let value?:
                do {
                    try writer.write(value, as: payload.shape, member: payload, into: &json)
                } catch {
                    throw error.under(payload.name).awsError
                }
            case nil: return WireResponse(status: status, headers: headers, body: [])
            }
        } else {
            do {
                try writer.writeStructure(output, as: outputID, into: &json, bodyOnly: true)
            } catch {
                throw error.awsError
            }
        }
        return WireResponse(status: status, headers: headers, body: json.bytes)
    }

    public func encodeError(_ error: AWSError, requestID: String) -> WireResponse {
        var json = JSONWriter()
        writer.writeErrorBody(error, requestID: requestID, typeKey: nil, into: &json)
        return WireResponse(
            status: error.status,
            headers: [("Content-Type", "application/json"), ("x-amzn-RequestId", requestID), ("x-amzn-ErrorType", error.code)],
            body: json.bytes
        )
    }

    public func malformedInputError(_ detail: String) -> AWSError {
        AWSError(code: "SerializationException", status: 400, message: detail)
    }

    public func unknownOperationError(_ name: String) -> AWSError {
        AWSError(code: "UnknownOperationException", status: 404,
                 message: "\(model.metadata.serviceID) has no operation at \(name)")
    }
}
