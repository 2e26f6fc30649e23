/// A distinguished name as RFC 4514 writes it: `cn=jane\2c doe,ou=db-ABC`.
public struct LDAPDistinguishedName: Sendable, Equatable {
    public struct Attribute: Sendable, Equatable {
        /// As written (`cn`, `CN`, `2.5.4.3`); compare ignoring case.
        public var type: String
        /// Unescaped.
        public var value: String
    }

    /// Relative names from left (most specific) to right; each holds one or more `+`-joined
    /// attributes.
    public var relativeNames: [[Attribute]]

    public struct SyntaxError: Error, Sendable, Equatable {
        public var reason: String
    }

    /// Parses `text`. Escapes are `\` before a special character (`\,` `\\` `\"` `\+` …) or two
    /// hex digits (`\2c`, UTF-8 bytes); hex-form values (`#04…`) are refused.
    public init(parsing text: String) throws(SyntaxError) {
        var reader = Reader(bytes: Array(text.utf8))
        relativeNames = []
        guard !reader.atEnd else { return }
        while true {
            var relativeName = [try reader.attribute()]
            while reader.take(UInt8(ascii: "+")) { relativeName.append(try reader.attribute()) }
            relativeNames.append(relativeName)
            if reader.atEnd { return }
            guard reader.take(UInt8(ascii: ",")) else { throw SyntaxError(reason: "expected ',' at offset \(reader.offset)") }
        }
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0

        var atEnd: Bool { offset == bytes.count }

        mutating func take(_ byte: UInt8) -> Bool {
            guard !atEnd, bytes[offset] == byte else { return false }
            offset += 1
            return true
        }

        /// `type=value`. Spaces before the type are tolerated (`cn=a, ou=b`), as most readers do.
        mutating func attribute() throws(SyntaxError) -> Attribute {
            while take(UInt8(ascii: " ")) {}
            let start = offset
            while !atEnd, Self.isTypeCharacter(bytes[offset]) { offset += 1 }
            guard offset > start, Self.isTypeStart(bytes[start]) else {
                throw SyntaxError(reason: "expected an attribute type at offset \(start)")
            }
            let type = String(decoding: bytes[start..<offset], as: UTF8.self)
            guard take(UInt8(ascii: "=")) else { throw SyntaxError(reason: "expected '=' after \(type)") }
            return Attribute(type: type, value: try value())
        }

        mutating func value() throws(SyntaxError) -> String {
            if !atEnd, bytes[offset] == UInt8(ascii: "#") {
                throw SyntaxError(reason: "hex-form (#…) attribute values are not supported")
            }
            var out: [UInt8] = []
            while !atEnd {
                let byte = bytes[offset]
                switch byte {
                case UInt8(ascii: ","), UInt8(ascii: "+"):
                    return try Self.text(out)
                case UInt8(ascii: "\\"):
                    offset += 1
                    out.append(try escaped())
                case UInt8(ascii: "\""), UInt8(ascii: ";"), UInt8(ascii: "<"), UInt8(ascii: ">"), 0:
                    throw SyntaxError(reason: "unescaped special character at offset \(offset)")
                default:
                    out.append(byte)
                    offset += 1
                }
            }
            return try Self.text(out)
        }

        /// The byte an escape (after its `\`) stands for.
        mutating func escaped() throws(SyntaxError) -> UInt8 {
            guard !atEnd else { throw SyntaxError(reason: "the name ends with a lone '\\'") }
            let first = bytes[offset]
            if let high = Self.hexValue(first), offset + 1 < bytes.count, let low = Self.hexValue(bytes[offset + 1]) {
                offset += 2
                return high << 4 | low
            }
            guard Self.escapable.contains(first) else {
                throw SyntaxError(reason: "'\\' must precede a special character or two hex digits (offset \(offset))")
            }
            offset += 1
            return first
        }

        static let escapable = Set(" \"#+,;<=>\\".utf8)

        static func text(_ bytes: [UInt8]) throws(SyntaxError) -> String {
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw SyntaxError(reason: "an attribute value is not valid UTF-8")
            }
            return text
        }

        static func isTypeStart(_ byte: UInt8) -> Bool {
            isLetter(byte) || isDigit(byte)
        }

        static func isTypeCharacter(_ byte: UInt8) -> Bool {
            isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
        }

        static func isLetter(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
        }

        static func isDigit(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }

        static func hexValue(_ byte: UInt8) -> UInt8? {
            if isDigit(byte) { return byte - UInt8(ascii: "0") }
            let lower = byte | 0x20
            if (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(lower) { return lower - UInt8(ascii: "a") + 10 }
            return nil
        }
    }
}
