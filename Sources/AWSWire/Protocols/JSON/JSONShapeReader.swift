import Foundation

/// Reads a JSON value as a model shape, for the json and rest-json protocols. A value of the
/// wrong JSON type is refused as malformed, as AWS's JSON front ends do (`SerializationException`).
struct JSONShapeReader {
    let model: ServiceModel

    func read(_ json: JSONValue, as id: ShapeID, path: [String]) throws(InputError) -> WireValue? {
        if case .null = json { return nil }
        let shape = model[id]
        func wrong() -> InputError {
            .malformed("Expected \(shape.typeName) at '\(path.joined(separator: "."))' but found \(Self.describe(json))")
        }
        switch shape.kind {
        case .structure(let structure):
            guard case .object(let pairs) = json else { throw wrong() }
            var members: [String: WireValue] = [:]
            for (name, value) in pairs {
                guard let member = structure.member(forKey: name.lowercased()),
                      member.location == .body, member.wireName == name || member.name == name
                else { continue }  // Unknown members are ignored, as AWS does.
                members[member.key] = try read(value, as: member.shape, path: path + [member.name])
            }
            return .structure(members)
        case .list(let list):
            guard case .array(let elements) = json else { throw wrong() }
            var values: [WireValue] = []
            values.reserveCapacity(elements.count)
            for (offset, element) in elements.enumerated() {
                if let value = try read(element, as: list.member, path: path + [String(offset + 1)]) { values.append(value) }
            }
            return .list(values)
        case .map(let map):
            guard case .object(let pairs) = json else { throw wrong() }
            var entries: [String: WireValue] = [:]
            for (key, value) in pairs {
                entries[key] = try read(value, as: map.value, path: path + [key])
            }
            return .map(entries)
        case .string:
            guard case .string(let text) = json else { throw wrong() }
            return .string(text)
        case .integer, .long:
            guard case .number(let number, _) = json, number == number.rounded(), let integer = Int64(exactly: number) else { throw wrong() }
            return .integer(integer)
        case .float, .double:
            switch json {
            case .number(let number, _): return .double(number)
            case .string("NaN"): return .double(.nan)
            case .string("Infinity"): return .double(.infinity)
            case .string("-Infinity"): return .double(-.infinity)
            default: throw wrong()
            }
        case .boolean:
            guard case .bool(let flag) = json else { throw wrong() }
            return .boolean(flag)
        case .timestamp:
            switch json {
            case .number(let seconds, _): return .timestamp(Date(timeIntervalSince1970: seconds))
            case .string(let text):
                guard let date = Timestamps.parse(text) else { throw wrong() }
                return .timestamp(date)
            default: throw wrong()
            }
        case .blob:
            guard case .string(let text) = json, let data = Data(base64Encoded: text) else { throw wrong() }
            return .blob(Array(data))
        }
    }

    static func describe(_ json: JSONValue) -> String {
        switch json {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// Writes a `WireValue` as JSON following its shape, for the json and rest-json protocols.
struct JSONShapeWriter {
    let model: ServiceModel

    /// Writes the body members of a structure; rest-json leaves out members bound to headers.
    func writeStructure(_ value: WireValue, as id: ShapeID, into json: inout JSONWriter, bodyOnly: Bool) throws(OutputMismatch) {
        guard case .structure(let structure) = model[id].kind else { throw OutputMismatch("shape is not a structure") }
        guard case .structure(let members) = value else { throw OutputMismatch("expected a structure, found \(value.kindName)") }
        json.beginObject()
        var placed = 0
        for member in structure.members {
            guard let memberValue = members[member.key] else { continue }
            placed += 1
            if bodyOnly && member.location != .body { continue }
            json.key(member.wireName)
            do {
                try write(memberValue, as: member.shape, member: member, into: &json)
            } catch {
                throw error.under(member.name)
            }
        }
        json.endObject()
        if placed != members.count {
            let unknown = members.keys.filter { structure.member(forKey: $0) == nil }.sorted()
            throw OutputMismatch("no member named \(unknown.joined(separator: ", ")) in \(model[id].name)")
        }
    }

    func write(_ value: WireValue, as id: ShapeID, member: Member?, into json: inout JSONWriter) throws(OutputMismatch) {
        let shape = model[id]
        switch (shape.kind, value) {
        case (.structure, _):
            try writeStructure(value, as: id, into: &json, bodyOnly: false)
        case let (.list(list), .list(elements)):
            json.beginArray()
            for element in elements { try write(element, as: list.member, member: nil, into: &json) }
            json.endArray()
        case let (.map(map), .map(entries)):
            json.beginObject()
            for key in entries.keys.sorted() {
                json.key(key)
                do {
                    try write(entries[key]!, as: map.value, member: nil, into: &json)
                } catch {
                    throw error.under(key)
                }
            }
            json.endObject()
        case let (.string, .string(text)):
            json.string(text)
        case let (.integer, .integer(number)), let (.long, .integer(number)):
            json.integer(number)
        case let (.float, .double(number)), let (.double, .double(number)):
            json.double(number)
        case let (.float, .integer(number)), let (.double, .integer(number)):
            json.integer(number)
        case let (.boolean, .boolean(flag)):
            json.bool(flag)
        case let (.timestamp(shapeFormat), .timestamp(date)):
            switch member?.timestampFormat ?? shapeFormat ?? .unixTimestamp {
            case .unixTimestamp: json.rawNumber(Timestamps.epochLiteral(date))
            case .iso8601: json.string(Timestamps.iso8601(date))
            case .rfc822: json.string(Timestamps.rfc822(date))
            }
        case let (.blob, .blob(bytes)):
            json.string(Data(bytes).base64EncodedString())
        default:
            throw OutputMismatch("expected \(shape.typeName), found \(value.kindName)")
        }
    }

    /// The body of an error: the modeled error shape's message member spelled as the model
    /// spells it (`Message` or `message`), plus any extra fields the service attached.
    func writeErrorBody(_ error: AWSError, requestID: String, typeKey: String?, into json: inout JSONWriter) {
        let shape = model.errorShape(code: error.code)
        json.beginObject()
        if let typeKey {
            json.key(typeKey)
            json.string(error.code)
        }
        json.key(shape?.member(forKey: "message")?.name ?? "message")
        json.string(error.message)
        for key in error.fields.keys.sorted() {
            guard let member = shape?.member(forKey: key.lowercased()), member.key != "message" else { continue }
            json.key(member.wireName)
            try? write(error.fields[key]!, as: member.shape, member: member, into: &json)
        }
        if let requestIDMember = shape?.member(forKey: "requestid") {
            json.key(requestIDMember.wireName)
            json.string(requestID)
        }
        json.endObject()
    }
}
