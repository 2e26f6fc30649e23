import SwiftASN1

// The few LDAPv3 messages (RFC 4511) the bind responder speaks, in BER. Framing finds where one
// message ends in a TCP stream; swift-asn1's BER parser reads a whole message; replies are
// written with its serializer (DER is valid BER).

/// One LDAP message cut out of a TCP stream, or the reason the stream cannot be read further.
public enum LDAPFrame: Sendable, Equatable {
    /// A complete `LDAPMessage` (the outer SEQUENCE, header included).
    case message([UInt8])
    /// The stream does not hold an LDAP message (wrong tag, indefinite or oversized length).
    /// `messageID` is set when it could be read, so the peer can be told why.
    case unusable(messageID: Int?, reason: String)

    public enum Measure: Sendable, Equatable {
        /// Not enough bytes yet to know, or to hold, the whole message.
        case incomplete
        /// The first `length` bytes are one whole message.
        case complete(length: Int)
        case unusable(messageID: Int?, reason: String)
    }

    /// Where the message at the start of `bytes` ends. LDAP only uses definite lengths
    /// (RFC 4511 §5.1), so the header alone tells.
    public static func measure(_ bytes: some Collection<UInt8>, limit: Int) -> Measure {
        let head = Array(bytes.prefix(16))
        guard let tag = head.first else { return .incomplete }
        guard tag == 0x30 else { return .unusable(messageID: nil, reason: "an LDAP message is a SEQUENCE (0x30), not 0x\(hex(tag))") }
        guard head.count >= 2 else { return .incomplete }
        switch BERLength.read(head, at: 1) {
        case .incomplete:
            return .incomplete
        case .invalid(let reason):
            return .unusable(messageID: nil, reason: reason)
        case .definite(let length, let contentStart):
            let total = contentStart + length
            guard total <= limit else {
                return .unusable(messageID: peekMessageID(head, at: contentStart),
                                 reason: "the message is \(total) bytes, more than the \(limit) accepted")
            }
            return bytes.count >= total ? .complete(length: total) : .incomplete
        }
    }

    /// The messageID INTEGER that opens the message body at `offset`, when it is all there.
    static func peekMessageID(_ head: [UInt8], at offset: Int) -> Int? {
        guard head.count > offset + 1, head[offset] == 0x02 else { return nil }
        let length = Int(head[offset + 1])
        guard (1...4).contains(length), head.count >= offset + 2 + length, head[offset + 2] & 0x80 == 0 else { return nil }
        return head[(offset + 2)..<(offset + 2 + length)].reduce(0) { $0 << 8 | Int($1) }
    }
}

/// A BER length octet group: short form, or long form of up to four octets.
enum BERLength: Equatable {
    case incomplete
    case invalid(String)
    /// `contentStart` is the index just past the length octets, where the content begins.
    case definite(length: Int, contentStart: Int)

    static func read(_ bytes: [UInt8], at offset: Int) -> BERLength {
        guard offset < bytes.count else { return .incomplete }
        let first = bytes[offset]
        if first < 0x80 { return .definite(length: Int(first), contentStart: offset + 1) }
        if first == 0x80 { return .invalid("indefinite lengths are not allowed in LDAP") }
        let count = Int(first & 0x7F)
        guard count <= 4 else { return .invalid("a length of \(count) octets is too large") }
        guard bytes.count >= offset + 1 + count else { return .incomplete }
        let length = bytes[(offset + 1)...(offset + count)].reduce(0) { $0 << 8 | Int($1) }
        return .definite(length: length, contentStart: offset + 1 + count)
    }
}

/// The requests a bind responder understands; anything else is `other`.
public enum LDAPRequest: Sendable, Equatable {
    public enum Authentication: Sendable, Equatable {
        /// `simple [0] OCTET STRING`: the password.
        case simple([UInt8])
        /// `sasl [3]` (or a reserved choice): not supported here.
        case unsupported(tag: UInt)
    }

    case bind(messageID: Int, version: Int, name: String, authentication: Authentication)
    case unbind(messageID: Int)
    /// Another operation, named by its [APPLICATION n] tag number.
    case other(messageID: Int, operation: UInt)

    public var messageID: Int {
        switch self {
        case .bind(let id, _, _, _), .unbind(let id), .other(let id, _): id
        }
    }

    static let bindRequest = ASN1Identifier(tagWithNumber: 0, tagClass: .application)
    static let unbindRequest = ASN1Identifier(tagWithNumber: 2, tagClass: .application)
    static let simpleCredential = ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)
    static let maximumMessageID = Int(Int32.max)

    /// Reads one whole `LDAPMessage`.
    public static func decode(_ bytes: [UInt8]) throws(LDAPDecodingError) -> LDAPRequest {
        let root: ASN1Node
        do {
            root = try BER.parse(bytes)
        } catch {
            throw LDAPDecodingError(messageID: nil, reason: "the message is not valid BER")
        }
        guard root.identifier == .sequence, case .constructed(let children) = root.content else {
            throw LDAPDecodingError(messageID: nil, reason: "an LDAP message is a SEQUENCE")
        }
        var nodes = children.makeIterator()
        guard let idNode = nodes.next(), let messageID = try? Int(berEncoded: idNode),
              (0...maximumMessageID).contains(messageID)
        else {
            throw LDAPDecodingError(messageID: nil, reason: "the message does not start with a valid messageID")
        }
        guard let operation = nodes.next() else {
            throw LDAPDecodingError(messageID: messageID, reason: "the message has no operation")
        }
        // Controls ([0] Controls OPTIONAL) may follow; a bind responder has no use for them.
        switch operation.identifier {
        case bindRequest:
            return try decodeBind(operation, messageID: messageID)
        case unbindRequest:
            return .unbind(messageID: messageID)
        default:
            guard operation.identifier.tagClass == .application else {
                throw LDAPDecodingError(messageID: messageID, reason: "the operation is not an [APPLICATION] tag")
            }
            return .other(messageID: messageID, operation: operation.identifier.tagNumber)
        }
    }

    private static func decodeBind(_ node: ASN1Node, messageID: Int) throws(LDAPDecodingError) -> LDAPRequest {
        func fail(_ reason: String) -> LDAPDecodingError { LDAPDecodingError(messageID: messageID, reason: reason) }
        guard case .constructed(let children) = node.content else { throw fail("a BindRequest is constructed") }
        var nodes = children.makeIterator()
        guard let versionNode = nodes.next(), let version = try? Int(berEncoded: versionNode), (1...127).contains(version) else {
            throw fail("the BindRequest has no valid version")
        }
        guard let nameNode = nodes.next(), let nameBytes = try? ASN1OctetString(berEncoded: nameNode),
              let name = String(validating: nameBytes.bytes, as: UTF8.self)
        else {
            throw fail("the BindRequest name is not a UTF-8 OCTET STRING")
        }
        guard let credential = nodes.next() else { throw fail("the BindRequest has no authentication") }
        guard nodes.next() == nil else { throw fail("the BindRequest has extra elements") }
        let authentication: Authentication
        if credential.identifier == simpleCredential {
            guard let password = try? ASN1OctetString(berEncoded: credential, withIdentifier: simpleCredential) else {
                throw fail("the simple credential is not an OCTET STRING")
            }
            authentication = .simple(Array(password.bytes))
        } else {
            guard credential.identifier.tagClass == .contextSpecific else { throw fail("the authentication choice is not a [n] tag") }
            authentication = .unsupported(tag: credential.identifier.tagNumber)
        }
        return .bind(messageID: messageID, version: version, name: name, authentication: authentication)
    }
}

/// Why a message could not be read; `messageID` is set when the reply can be addressed.
public struct LDAPDecodingError: Error, Sendable, Equatable {
    public var messageID: Int?
    public var reason: String
}

/// The LDAP result codes a bind responder answers with (RFC 4511 Appendix A).
public enum LDAPResultCode: Int, Sendable {
    case success = 0
    case protocolError = 2
    case authMethodNotSupported = 7
    case invalidDNSyntax = 34
    case invalidCredentials = 49
}

/// `BindResponse ::= [APPLICATION 1] SEQUENCE { resultCode, matchedDN, diagnosticMessage }`.
public struct LDAPBindResponse: Sendable, Equatable {
    public var messageID: Int
    public var resultCode: LDAPResultCode
    public var diagnosticMessage: String

    public init(messageID: Int, resultCode: LDAPResultCode, diagnosticMessage: String = "") {
        self.messageID = messageID
        self.resultCode = resultCode
        self.diagnosticMessage = diagnosticMessage
    }

    static let identifier = ASN1Identifier(tagWithNumber: 1, tagClass: .application)

    public func encoded() -> [UInt8] {
        var serializer = DER.Serializer()
        // Serializing integers and octet strings cannot fail; the `try`s are the protocol's.
        try? serializer.appendConstructedNode(identifier: .sequence) { message in
            try message.serialize(messageID)
            try message.appendConstructedNode(identifier: Self.identifier) { response in
                try resultCode.rawValue.serialize(into: &response, withIdentifier: .enumerated)
                try response.serialize(ASN1OctetString(contentBytes: []))
                try response.serialize(ASN1OctetString(contentBytes: ArraySlice(diagnosticMessage.utf8)))
            }
        }
        return serializer.serializedBytes
    }
}

private func hex(_ byte: UInt8) -> String {
    let text = String(byte, radix: 16)
    return text.count == 1 ? "0" + text : text
}
