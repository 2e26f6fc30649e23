import Foundation

/// The wire protocols Kerbside speaks; each has exactly one codec.
public enum WireProtocol: String, Sendable {
    case query
    case ec2
    case json
    case restJSON = "rest-json"
}

/// A botocore service model, loaded once at start-up from the stripped copies in `Models/`.
public struct ServiceModel: Sendable {
    public struct Metadata: Sendable {
        public let wireProtocol: WireProtocol
        public let apiVersion: String
        /// Name used in SigV4 credential scopes (`signingName`, else `endpointPrefix`).
        public let signingName: String
        public let endpointPrefix: String
        public let serviceID: String
        public let targetPrefix: String?
        public let jsonVersion: String?
        public let xmlNamespace: String?
    }

    public let metadata: Metadata
    public let shapes: [Shape]
    public let operations: [String: OperationModel]
    private let shapeIDs: [String: ShapeID]
    private let errorShapeIDs: [String: ShapeID]

    public subscript(id: ShapeID) -> Shape { shapes[id.index] }

    public func shapeID(named name: String) -> ShapeID? { shapeIDs[name] }

    public func shape(named name: String) -> Shape? { shapeIDs[name].map { shapes[$0.index] } }

    /// The modeled error shape that carries `code` on the wire, if the service models it.
    public func errorShape(code: String) -> StructureShape? {
        errorShapeIDs[code].flatMap { shapes[$0.index].structure }
    }
}

public struct ModelLoadError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

extension ServiceModel {
    public init(json: JSONValue) throws(ModelLoadError) {
        guard let metadata = json["metadata"], let shapesJSON = json["shapes"]?.objectValue,
              let operationsJSON = json["operations"]?.objectValue
        else { throw ModelLoadError(description: "model lacks metadata, shapes or operations") }

        guard let protocolName = metadata["protocol"]?.stringValue,
              let wireProtocol = WireProtocol(rawValue: protocolName),
              let apiVersion = metadata["apiVersion"]?.stringValue,
              let endpointPrefix = metadata["endpointPrefix"]?.stringValue
        else { throw ModelLoadError(description: "model metadata is incomplete") }
        self.metadata = Metadata(
            wireProtocol: wireProtocol,
            apiVersion: apiVersion,
            signingName: metadata["signingName"]?.stringValue ?? endpointPrefix,
            endpointPrefix: endpointPrefix,
            serviceID: metadata["serviceId"]?.stringValue ?? endpointPrefix,
            targetPrefix: metadata["targetPrefix"]?.stringValue,
            jsonVersion: metadata["jsonVersion"]?.stringValue,
            xmlNamespace: metadata["xmlNamespace"]?.stringValue
        )

        var ids: [String: ShapeID] = [:]
        for (offset, entry) in shapesJSON.enumerated() { ids[entry.key] = ShapeID(index: offset) }
        func resolve(_ ref: JSONValue?, in context: String) throws(ModelLoadError) -> ShapeID {
            guard let name = ref?["shape"]?.stringValue, let id = ids[name] else {
                throw ModelLoadError(description: "\(context) refers to an unknown shape")
            }
            return id
        }

        var shapes: [Shape] = []
        shapes.reserveCapacity(shapesJSON.count)
        for (name, definition) in shapesJSON {
            shapes.append(Shape(name: name, kind: try Self.kind(of: definition, name: name, resolve: resolve)))
        }
        self.shapes = shapes
        self.shapeIDs = ids
        var errorIDs: [String: ShapeID] = [:]
        for (offset, shape) in shapes.enumerated() {
            if let error = shape.structure?.error { errorIDs[error.code ?? shape.name] = ShapeID(index: offset) }
        }
        self.errorShapeIDs = errorIDs

        var operations: [String: OperationModel] = [:]
        for (name, definition) in operationsJSON {
            let http = definition["http"]
            let requestURI = http?["requestUri"]?.stringValue ?? "/"
            let (path, literalQuery) = Self.splitRequestURI(requestURI)
            let auth = definition["auth"]?.arrayValue?.compactMap(\.stringValue) ?? []
            operations[name] = OperationModel(
                name: name,
                httpMethod: http?["method"]?.stringValue ?? "POST",
                requestPath: path,
                requestLiteralQuery: literalQuery,
                successStatus: http?["responseCode"]?.numberValue.map(Int.init) ?? 200,
                input: try definition["input"].map { input throws(ModelLoadError) in try resolve(input, in: name) },
                output: try definition["output"].map { output throws(ModelLoadError) in try resolve(output, in: name) },
                resultWrapper: definition["output"]?["resultWrapper"]?.stringValue,
                errors: try (definition["errors"]?.arrayValue ?? []).map { error throws(ModelLoadError) in try resolve(error, in: name) },
                isUnsigned: auth == ["smithy.api#noAuth"] || definition["authtype"]?.stringValue == "none"
            )
        }
        self.operations = operations
    }

    private static func splitRequestURI(_ uri: String) -> (String, [(String, String)]) {
        guard let question = uri.firstIndex(of: "?") else { return (uri, []) }
        let query = uri[uri.index(after: question)...].split(separator: "&").map { pair -> (String, String) in
            let parts = pair.split(separator: "=", maxSplits: 1)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
        return (String(uri[..<question]), query)
    }

    private static func int(_ value: JSONValue?) -> Int? { value?.numberValue.map { Int($0) } }

    private static func kind(
        of definition: JSONValue, name: String,
        resolve: (JSONValue?, String) throws(ModelLoadError) -> ShapeID
    ) throws(ModelLoadError) -> Shape.Kind {
        let timestampFormat = definition["timestampFormat"]?.stringValue.flatMap(TimestampFormat.init(rawValue:))
        switch definition["type"]?.stringValue {
        case "structure":
            var members: [Member] = []
            var positions: [String: Int] = [:]
            for (memberName, ref) in definition["members"]?.objectValue ?? [] {
                let key = memberName.lowercased()
                guard positions[key] == nil else {
                    throw ModelLoadError(description: "\(name) has two members named \(memberName) ignoring case")
                }
                positions[key] = members.count
                members.append(Member(
                    name: memberName,
                    key: key,
                    shape: try resolve(ref, "\(name).\(memberName)"),
                    location: ref["location"]?.stringValue.flatMap(MemberLocation.init(rawValue:)) ?? .body,
                    wireName: ref["locationName"]?.stringValue ?? memberName,
                    queryName: ref["queryName"]?.stringValue,
                    isFlattened: ref["flattened"]?.boolValue ?? false,
                    isXMLAttribute: ref["xmlAttribute"]?.boolValue ?? false,
                    timestampFormat: ref["timestampFormat"]?.stringValue.flatMap(TimestampFormat.init(rawValue:)),
                    isIdempotencyToken: ref["idempotencyToken"]?.boolValue ?? false,
                    isEventPayload: ref["eventpayload"]?.boolValue ?? false
                ))
            }
            let error = definition["error"].map { trait in
                ErrorTrait(
                    code: trait["code"]?.stringValue,
                    httpStatusCode: int(trait["httpStatusCode"]),
                    senderFault: trait["senderFault"]?.boolValue ?? true
                )
            }
            let isException = definition["exception"]?.boolValue ?? false
            return .structure(StructureShape(
                members: members,
                required: Set(definition["required"]?.arrayValue?.compactMap(\.stringValue) ?? []),
                positionByKey: positions,
                payload: definition["payload"]?.stringValue,
                error: error ?? (isException ? ErrorTrait(code: nil, httpStatusCode: nil, senderFault: true) : nil)
            ))
        case "list":
            return .list(ListShape(
                member: try resolve(definition["member"], "\(name).member"),
                memberWireName: definition["member"]?["locationName"]?.stringValue,
                isFlattened: definition["flattened"]?.boolValue ?? false,
                min: int(definition["min"]),
                max: int(definition["max"])
            ))
        case "map":
            return .map(MapShape(
                key: try resolve(definition["key"], "\(name).key"),
                value: try resolve(definition["value"], "\(name).value"),
                keyWireName: definition["key"]?["locationName"]?.stringValue ?? "key",
                valueWireName: definition["value"]?["locationName"]?.stringValue ?? "value",
                isFlattened: definition["flattened"]?.boolValue ?? false
            ))
        case "string":
            return .string(StringShape(
                min: int(definition["min"]),
                max: int(definition["max"]),
                pattern: definition["pattern"]?.stringValue,
                enumValues: definition["enum"]?.arrayValue?.compactMap(\.stringValue),
                isSensitive: definition["sensitive"]?.boolValue ?? false
            ))
        case "integer":
            return .integer(NumberShape(min: definition["min"]?.numberValue, max: definition["max"]?.numberValue))
        case "long":
            return .long(NumberShape(min: definition["min"]?.numberValue, max: definition["max"]?.numberValue))
        case "float":
            return .float(NumberShape(min: definition["min"]?.numberValue, max: definition["max"]?.numberValue))
        case "double":
            return .double(NumberShape(min: definition["min"]?.numberValue, max: definition["max"]?.numberValue))
        case "boolean":
            return .boolean
        case "timestamp":
            return .timestamp(timestampFormat)
        case "blob":
            return .blob(min: int(definition["min"]), max: int(definition["max"]))
        case let other:
            throw ModelLoadError(description: "\(name) has unsupported type \(other ?? "nil")")
        }
    }
}
