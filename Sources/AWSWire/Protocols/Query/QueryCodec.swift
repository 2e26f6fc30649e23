import Foundation

/// The query protocol (IAM, STS, RDS) and its EC2 dialect: form-encoded input, XML output.
///
/// The dialects differ only in naming rules (EC2 flattens every list and capitalizes
/// `locationName`) and in the response and error envelopes.
public struct QueryCodec: ProtocolCodec {
    public enum Dialect: Sendable {
        case query
        case ec2
    }

    public let model: ServiceModel
    public let dialect: Dialect

    public init(model: ServiceModel, dialect: Dialect) {
        self.model = model
        self.dialect = dialect
    }

    // MARK: Input

    public func decodeInput(_ operation: OperationModel, from request: WireRequest, form: FormParameters?) throws(InputError) -> WireValue {
        guard let input = operation.input else { return .emptyStructure }
        let parameters: FormParameters
        if let form { parameters = form } else { parameters = try FormParameters(request.body) }
        return try decode(input, node: parameters.root, path: [], flattenedByMember: false)
    }

    private func inputName(of member: Member) -> String {
        switch dialect {
        case .ec2:
            if let queryName = member.queryName { return queryName }
            if member.wireName != member.name { return member.wireName.prefix(1).uppercased() + member.wireName.dropFirst() }
            return member.name
        case .query:
            // A flattened list with a named member is sent under the member's name instead.
            if case .list(let list) = model[member.shape].kind, member.isFlattened || list.isFlattened,
               let memberName = list.memberWireName {
                return memberName
            }
            return member.wireName
        }
    }

    private func decode(_ id: ShapeID, node: FormParameters.Node, path: [String], flattenedByMember: Bool) throws(InputError) -> WireValue {
        let shape = model[id]
        switch shape.kind {
        case .structure(let structure):
            var members: [String: WireValue] = [:]
            var violations: [Violation] = []
            for member in structure.members {
                guard let child = node.child(inputName(of: member)) else { continue }
                do {
                    members[member.key] = try decode(member.shape, node: child, path: path + [member.name], flattenedByMember: member.isFlattened)
                } catch .invalid(let found) {
                    violations += found
                } catch {
                    throw error
                }
            }
            if !violations.isEmpty { throw .invalid(violations) }
            return .structure(members)
        case .list(let list):
            if node.children.isEmpty { return .list([]) }  // `Name=` is how an empty list is sent.
            let container: FormParameters.Node?
            if dialect == .ec2 || list.isFlattened || flattenedByMember {
                container = node
            } else {
                container = node.child(list.memberWireName ?? "member")
            }
            var elements: [WireValue] = []
            var violations: [Violation] = []
            for (index, element) in Self.indexed(container) {
                do {
                    elements.append(try decode(list.member, node: element, path: path + [String(index)], flattenedByMember: false))
                } catch .invalid(let found) {
                    violations += found
                } catch {
                    throw error
                }
            }
            if !violations.isEmpty { throw .invalid(violations) }
            return .list(elements)
        case .map(let map):
            if node.children.isEmpty { return .map([:]) }
            let container = map.isFlattened || dialect == .ec2 ? node : node.child("entry")
            var entries: [String: WireValue] = [:]
            for (index, entry) in Self.indexed(container) {
                guard let key = entry.child(map.keyWireName)?.value else {
                    throw .invalid([Violation(path: path + [String(index)], kind: .missing, value: nil)])
                }
                if let value = entry.child(map.valueWireName) {
                    entries[key] = try decode(map.value, node: value, path: path + [key], flattenedByMember: false)
                }
            }
            return .map(entries)
        default:
            return try ScalarText.decode(node.value ?? "", as: shape, path: path)
        }
    }

    /// Children named `1`, `2`, … in numeric order; other names are ignored as AWS does.
    private static func indexed(_ node: FormParameters.Node?) -> [(Int, FormParameters.Node)] {
        guard let node else { return [] }
        return node.children.compactMap { name, child in Int(name).flatMap { $0 > 0 ? ($0, child) : nil } }
            .sorted { $0.0 < $1.0 }
    }

    // MARK: Output

    public func encodeOutput(_ operation: OperationModel, _ output: WireValue, requestID: String) throws(AWSError) -> WireResponse {
        do {
            return try writeOutput(operation, output, requestID: requestID)
        } catch {
            throw error.awsError
        }
    }

    private func writeOutput(_ operation: OperationModel, _ output: WireValue, requestID: String) throws(OutputMismatch) -> WireResponse {
        var xml = XMLWriter()
        let responseName = operation.name + "Response"
        switch dialect {
        case .query:
            xml.open(responseName, namespace: model.metadata.xmlNamespace)
            if let outputShape = operation.output {
                if let wrapper = operation.resultWrapper {
                    xml.open(wrapper)
                    try writeMembers(of: outputShape, output, into: &xml)
                    xml.close(wrapper)
                } else {
                    try writeMembers(of: outputShape, output, into: &xml)
                }
            }
            xml.open("ResponseMetadata")
            xml.element("RequestId", text: requestID)
            xml.close("ResponseMetadata")
        case .ec2:
            xml.open(responseName, namespace: model.metadata.xmlNamespace)
            xml.element("requestId", text: requestID)
            if let outputShape = operation.output {
                try writeMembers(of: outputShape, output, into: &xml)
            }
        }
        xml.close(responseName)
        return WireResponse(status: operation.successStatus, headers: Self.headers(requestID), body: xml.bytes)
    }

    private static func headers(_ requestID: String) -> [(name: String, value: String)] {
        [("Content-Type", "text/xml"), ("x-amzn-RequestId", requestID)]
    }

    private func writeMembers(of id: ShapeID, _ value: WireValue, into xml: inout XMLWriter) throws(OutputMismatch) {
        guard case .structure(let structure) = model[id].kind else { throw OutputMismatch("output shape is not a structure") }
        guard case .structure(let members) = value else { throw OutputMismatch("expected a structure, found \(value.kindName)") }
        var written = 0
        for member in structure.members {
            guard let memberValue = members[member.key] else { continue }
            written += 1
            do {
                try write(memberValue, shape: member.shape, name: member.wireName, member: member, into: &xml)
            } catch {
                throw error.under(member.name)
            }
        }
        if written != members.count {
            let unknown = members.keys.filter { structure.member(forKey: $0) == nil }.sorted()
            throw OutputMismatch("no member named \(unknown.joined(separator: ", ")) in \(model[id].name)")
        }
    }

    private func write(_ value: WireValue, shape id: ShapeID, name: String, member: Member?, into xml: inout XMLWriter) throws(OutputMismatch) {
        let shape = model[id]
        switch shape.kind {
        case .structure:
            xml.open(name)
            try writeMembers(of: id, value, into: &xml)
            xml.close(name)
        case .list(let list):
            guard case .list(let elements) = value else { throw OutputMismatch("expected a list, found \(value.kindName)") }
            if list.isFlattened || member?.isFlattened == true {
                for element in elements {
                    try write(element, shape: list.member, name: list.memberWireName ?? name, member: nil, into: &xml)
                }
            } else {
                xml.open(name)
                let elementName = list.memberWireName ?? (dialect == .ec2 ? "item" : "member")
                for element in elements {
                    try write(element, shape: list.member, name: elementName, member: nil, into: &xml)
                }
                xml.close(name)
            }
        case .map(let map):
            guard case .map(let entries) = value else { throw OutputMismatch("expected a map, found \(value.kindName)") }
            let flattened = map.isFlattened || member?.isFlattened == true
            if !flattened { xml.open(name) }
            for key in entries.keys.sorted() {
                xml.open(flattened ? name : "entry")
                xml.element(map.keyWireName, text: key)
                do {
                    try write(entries[key]!, shape: map.value, name: map.valueWireName, member: nil, into: &xml)
                } catch {
                    throw error.under(key)
                }
                xml.close(flattened ? name : "entry")
            }
            if !flattened { xml.close(name) }
        case .timestamp(let shapeFormat):
            guard case .timestamp = value else { throw OutputMismatch("expected a timestamp, found \(value.kindName)") }
            xml.element(name, text: ScalarText.encode(value, format: member?.timestampFormat ?? shapeFormat ?? .iso8601)!)
        default:
            guard let text = Self.scalarText(value, for: shape) else {
                throw OutputMismatch("expected \(shape.typeName), found \(value.kindName)")
            }
            xml.element(name, text: text)
        }
    }

    /// Scalars must match their shape's kind; integers are accepted where the model wants a double.
    static func scalarText(_ value: WireValue, for shape: Shape) -> String? {
        switch (shape.kind, value) {
        case (.string, .string), (.integer, .integer), (.long, .integer), (.float, .double), (.double, .double),
             (.float, .integer), (.double, .integer), (.boolean, .boolean), (.blob, .blob):
            return ScalarText.encode(value, format: .iso8601)
        default:
            return nil
        }
    }

    // MARK: Errors

    public func encodeError(_ error: AWSError, requestID: String) -> WireResponse {
        var xml = XMLWriter()
        switch dialect {
        case .query:
            xml.open("ErrorResponse", namespace: model.metadata.xmlNamespace)
            xml.open("Error")
            xml.element("Type", text: error.isSenderFault ? "Sender" : "Receiver")
            xml.element("Code", text: error.code)
            xml.element("Message", text: error.message)
            xml.close("Error")
            xml.element("RequestId", text: requestID)
            xml.close("ErrorResponse")
        case .ec2:
            xml.open("Response")
            xml.open("Errors")
            xml.open("Error")
            xml.element("Code", text: error.code)
            xml.element("Message", text: error.message)
            xml.close("Error")
            xml.close("Errors")
            xml.element("RequestID", text: requestID)
            xml.close("Response")
        }
        return WireResponse(status: error.status, headers: Self.headers(requestID), body: xml.bytes)
    }

    public func malformedInputError(_ detail: String) -> AWSError {
        AWSError(code: "MalformedQueryString", status: 400, message: detail)
    }

    public func unknownOperationError(_ name: String) -> AWSError {
        switch dialect {
        case .query:
            return AWSError(code: "InvalidAction", status: 400,
                            message: "Could not find operation \(name) for version \(model.metadata.apiVersion)")
        case .ec2:
            return AWSError(code: "InvalidAction", status: 400, message: "The action \(name) is not valid for this web service.")
        }
    }
}
