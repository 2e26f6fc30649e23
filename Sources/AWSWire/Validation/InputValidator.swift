import Foundation
import Synchronization

/// Checks a decoded input against its shape: required members, lengths, ranges, enums and
/// patterns, as AWS's front ends do before a service sees the request.
public final class InputValidator: Sendable {
    private let model: ServiceModel
    /// Compiled `pattern` traits, by shape index; compiled on first use because most are never needed.
    private let patterns = Mutex<[Int: NSRegularExpression?]>([:])

    public init(model: ServiceModel) {
        self.model = model
    }

    public func violations(of value: WireValue, shape: ShapeID) -> [Violation] {
        var found: [Violation] = []
        check(value, shape, path: [], into: &found)
        return found
    }

    private func check(_ value: WireValue, _ id: ShapeID, path: [String], into found: inout [Violation]) {
        let shape = model[id]
        switch (shape.kind, value) {
        case let (.structure(structure), .structure(members)):
            for member in structure.members {
                if let memberValue = members[member.key] {
                    check(memberValue, member.shape, path: path + [member.name], into: &found)
                } else if structure.required.contains(member.name) {
                    found.append(Violation(path: path + [member.name], kind: .missing, value: nil))
                }
            }
        case let (.list(list), .list(elements)):
            if let min = list.min, elements.count < min {
                found.append(Violation(path: path, kind: .tooFewItems(min: min), value: nil))
            }
            if let max = list.max, elements.count > max {
                found.append(Violation(path: path, kind: .tooManyItems(max: max), value: nil))
            }
            for (offset, element) in elements.enumerated() {
                check(element, list.member, path: path + ["\(offset + 1)"], into: &found)
            }
        case let (.map(map), .map(entries)):
            for (key, entry) in entries {
                check(.string(key), map.key, path: path + [key], into: &found)
                check(entry, map.value, path: path + [key], into: &found)
            }
        case let (.string(constraints), .string(text)):
            checkString(text, constraints, id, path: path, into: &found)
        case let (.integer(range), .integer(number)), let (.long(range), .integer(number)):
            checkRange(Double(number), range, path: path, into: &found)
        case let (.float(range), .double(number)), let (.double(range), .double(number)):
            checkRange(number, range, path: path, into: &found)
        case let (.blob(min, max), .blob(bytes)):
            if let min, bytes.count < min { found.append(Violation(path: path, kind: .tooShort(min: min), value: nil)) }
            if let max, bytes.count > max { found.append(Violation(path: path, kind: .tooLong(max: max), value: nil)) }
        default:
            break  // Codecs already refused values of the wrong kind.
        }
    }

    private func checkString(_ text: String, _ constraints: StringShape, _ id: ShapeID, path: [String], into found: inout [Violation]) {
        let shown = constraints.isSensitive ? nil : text
        let length = text.count
        if let min = constraints.min, length < min {
            found.append(Violation(path: path, kind: .tooShort(min: min), value: shown))
        }
        if let max = constraints.max, length > max {
            found.append(Violation(path: path, kind: .tooLong(max: max), value: constraints.isSensitive ? nil : String(text.prefix(64))))
        }
        if let allowed = constraints.enumValues, !allowed.contains(text) {
            found.append(Violation(path: path, kind: .notInEnum(allowed), value: shown))
        }
        if let pattern = constraints.pattern, let regex = compiled(pattern, for: id) {
            let range = NSRange(text.startIndex..., in: text)
            if regex.firstMatch(in: text, options: [.anchored], range: range)?.range != range {
                found.append(Violation(path: path, kind: .patternMismatch(pattern), value: shown))
            }
        }
    }

    private func checkRange(_ number: Double, _ range: NumberShape, path: [String], into found: inout [Violation]) {
        let shown = number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        if let min = range.min, number < min {
            found.append(Violation(path: path, kind: .belowMinimum(min), value: shown))
        }
        if let max = range.max, number > max {
            found.append(Violation(path: path, kind: .aboveMaximum(max), value: shown))
        }
    }

    /// AWS front ends match patterns against the whole value (Java's `matches`), so we anchor
    /// them. A pattern ICU cannot compile is skipped rather than failing every request.
    private func compiled(_ pattern: String, for id: ShapeID) -> NSRegularExpression? {
        if let cached = patterns.withLock({ $0[id.index] }) { return cached }
        let regex = try? NSRegularExpression(pattern: "^(?:\(pattern))$", options: [])
        patterns.withLock { $0[id.index] = .some(regex) }
        return regex
    }
}
