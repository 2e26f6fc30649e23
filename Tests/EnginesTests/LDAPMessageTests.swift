@testable import Engines
import Testing

/// BER as PostgreSQL's libldap writes it, built by hand so the tests do not trust the codec.
enum BERBytes {
    static func tlv(_ tag: UInt8, _ content: [UInt8], longForm: Bool = false) -> [UInt8] {
        [tag] + length(content.count, longForm: longForm) + content
    }

    static func length(_ count: Int, longForm: Bool = false) -> [UInt8] {
        if count < 0x80 && !longForm { return [UInt8(count)] }
        var octets: [UInt8] = []
        var rest = count
        repeat {
            octets.insert(UInt8(rest & 0xFF), at: 0)
            rest >>= 8
        } while rest > 0
        return [0x80 | UInt8(octets.count)] + octets
    }

    static func bind(id: UInt8 = 1, version: UInt8 = 3, dn: String, password: String, longForm: Bool = false) -> [UInt8] {
        let body = tlv(0x02, [version]) + tlv(0x04, Array(dn.utf8), longForm: longForm) + tlv(0x80, Array(password.utf8), longForm: longForm)
        return tlv(0x30, tlv(0x02, [id]) + tlv(0x60, body, longForm: longForm), longForm: longForm)
    }

    static func unbind(id: UInt8 = 2) -> [UInt8] { tlv(0x30, tlv(0x02, [id]) + [0x42, 0x00]) }
}

@Suite struct LDAPFramingTests {
    @Test func aWholeMessageIsMeasuredAndAPartialOneWaits() {
        let bind = BERBytes.bind(dn: "cn=jane,ou=db-ABC", password: "secret")
        #expect(LDAPFrame.measure(bind, limit: 65536) == .complete(length: bind.count))
        #expect(LDAPFrame.measure(bind + BERBytes.unbind(), limit: 65536) == .complete(length: bind.count))
        #expect(LDAPFrame.measure(bind.dropLast(), limit: 65536) == .incomplete)
        #expect(LDAPFrame.measure([0x30], limit: 65536) == .incomplete)
        #expect(LDAPFrame.measure([], limit: 65536) == .incomplete)
    }

    @Test func longFormLengthsAreRead() {
        let bind = BERBytes.bind(dn: "cn=jane,ou=db-ABC", password: String(repeating: "t", count: 1500), longForm: true)
        #expect(bind[1] == 0x82)
        #expect(LDAPFrame.measure(bind, limit: 65536) == .complete(length: bind.count))
        // The length octets themselves may arrive late.
        #expect(LDAPFrame.measure(bind.prefix(3), limit: 65536) == .incomplete)
    }

    @Test func oversizedMessagesAreUnusableButKeepTheirMessageID() {
        let header: [UInt8] = [0x30, 0x84, 0x00, 0x10, 0x00, 0x00, 0x02, 0x01, 0x07]
        guard case .unusable(let id, let reason) = LDAPFrame.measure(header, limit: 65536) else {
            Issue.record("an oversized message was accepted")
            return
        }
        #expect(id == 7)
        #expect(reason.contains("65536"))
        // The ID is unknown when its bytes have not arrived.
        guard case .unusable(nil, _) = LDAPFrame.measure(header.prefix(7), limit: 65536) else {
            Issue.record("expected no message ID")
            return
        }
    }

    @Test func otherTagsAndIndefiniteLengthsAreUnusable() {
        guard case .unusable(nil, _) = LDAPFrame.measure(Array("GET / HTTP/1.1\r\n".utf8), limit: 65536),
              case .unusable(nil, _) = LDAPFrame.measure([0x30, 0x80, 0x02, 0x01, 0x01], limit: 65536),
              case .unusable(nil, _) = LDAPFrame.measure([0x30, 0x85, 1, 0, 0, 0, 0], limit: 65536)
        else {
            Issue.record("a non-LDAP stream was accepted")
            return
        }
    }
}

@Suite struct LDAPRequestTests {
    @Test func aSimpleBindIsDecoded() throws {
        let request = try LDAPRequest.decode(BERBytes.bind(id: 9, dn: "cn=jane,ou=db-ABC", password: "token"))
        #expect(request == .bind(messageID: 9, version: 3, name: "cn=jane,ou=db-ABC", authentication: .simple(Array("token".utf8))))
    }

    @Test func aBindWithLongFormLengthsIsDecoded() throws {
        let token = String(repeating: "x", count: 2000)
        let request = try LDAPRequest.decode(BERBytes.bind(dn: "cn=jane,ou=db-ABC", password: token, longForm: true))
        #expect(request == .bind(messageID: 1, version: 3, name: "cn=jane,ou=db-ABC", authentication: .simple(Array(token.utf8))))
    }

    @Test func unbindAndOtherOperationsAreNamed() throws {
        #expect(try LDAPRequest.decode(BERBytes.unbind(id: 2)) == .unbind(messageID: 2))
        // A SearchRequest is [APPLICATION 3]; its content does not matter here.
        let search = BERBytes.tlv(0x30, BERBytes.tlv(0x02, [4]) + BERBytes.tlv(0x63, BERBytes.tlv(0x04, [])))
        #expect(try LDAPRequest.decode(search) == .other(messageID: 4, operation: 3))
    }

    @Test func saslIsRecognisedAsUnsupported() throws {
        let sasl = BERBytes.tlv(0xA3, BERBytes.tlv(0x04, Array("EXTERNAL".utf8)))
        let body = BERBytes.tlv(0x02, [3]) + BERBytes.tlv(0x04, []) + sasl
        let message = BERBytes.tlv(0x30, BERBytes.tlv(0x02, [5]) + BERBytes.tlv(0x60, body))
        #expect(try LDAPRequest.decode(message) == .bind(messageID: 5, version: 3, name: "", authentication: .unsupported(tag: 3)))
    }

    @Test func malformedMessagesSayWhetherTheirIDIsKnown() {
        func failure(_ bytes: [UInt8]) -> LDAPDecodingError? {
            do {
                _ = try LDAPRequest.decode(bytes)
                return nil
            } catch {
                return error
            }
        }
        // Truncated inside: not valid BER at all.
        #expect(failure([0x30, 0x05, 0x02, 0x01, 0x01, 0x60, 0x09])?.messageID == nil)
        // No messageID.
        #expect(failure(BERBytes.tlv(0x30, BERBytes.tlv(0x04, [1])))?.messageID == nil)
        // A bind without a version, an operation that is not [APPLICATION n]: the ID is known.
        #expect(failure(BERBytes.tlv(0x30, BERBytes.tlv(0x02, [6]) + BERBytes.tlv(0x60, [])))?.messageID == 6)
        #expect(failure(BERBytes.tlv(0x30, BERBytes.tlv(0x02, [6]) + BERBytes.tlv(0x04, [])))?.messageID == 6)
        // Invalid UTF-8 in the DN.
        let badName = BERBytes.tlv(0x02, [3]) + BERBytes.tlv(0x04, [0xFF]) + BERBytes.tlv(0x80, [1])
        #expect(failure(BERBytes.tlv(0x30, BERBytes.tlv(0x02, [6]) + BERBytes.tlv(0x60, badName)))?.messageID == 6)
        // A negative message ID.
        #expect(failure(BERBytes.tlv(0x30, BERBytes.tlv(0x02, [0xFF]) + [0x42, 0x00]))?.messageID == nil)
        // Trailing bytes after the message.
        #expect(failure(BERBytes.unbind() + [0x00]) != nil)
    }

    @Test func aSegmentedPasswordIsJoinedAsBERAllows() throws {
        let segmented = BERBytes.tlv(0xA0, BERBytes.tlv(0x04, Array("to".utf8)) + BERBytes.tlv(0x04, Array("ken".utf8)))
        let body = BERBytes.tlv(0x02, [3]) + BERBytes.tlv(0x04, []) + segmented
        let message = BERBytes.tlv(0x30, BERBytes.tlv(0x02, [6]) + BERBytes.tlv(0x60, body))
        #expect(try LDAPRequest.decode(message) == .bind(messageID: 6, version: 3, name: "", authentication: .simple(Array("token".utf8))))
    }

    @Test func deepNestingIsRefusedNotACrash() {
        var bytes: [UInt8] = [0x04, 0x00]
        for _ in 0..<200 { bytes = BERBytes.tlv(0x30, bytes) }
        #expect(throws: LDAPDecodingError.self) { try LDAPRequest.decode(bytes) }
    }
}

@Suite struct LDAPBindResponseTests {
    @Test func successIsEncodedExactly() {
        let bytes = LDAPBindResponse(messageID: 1, resultCode: .success).encoded()
        #expect(bytes == [0x30, 0x0C, 0x02, 0x01, 0x01, 0x61, 0x07, 0x0A, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00])
    }

    @Test func aRefusalCarriesItsDiagnostic() {
        let bytes = LDAPBindResponse(messageID: 300, resultCode: .invalidCredentials, diagnosticMessage: "expired").encoded()
        let expected = BERBytes.tlv(0x30, BERBytes.tlv(0x02, [0x01, 0x2C])
            + BERBytes.tlv(0x61, BERBytes.tlv(0x0A, [49]) + BERBytes.tlv(0x04, []) + BERBytes.tlv(0x04, Array("expired".utf8))))
        #expect(bytes == expected)
    }

    @Test func longDiagnosticsUseLongFormLengths() {
        let diagnostic = String(repeating: "d", count: 300)
        let bytes = LDAPBindResponse(messageID: 1, resultCode: .invalidCredentials, diagnosticMessage: diagnostic).encoded()
        #expect(LDAPFrame.measure(bytes, limit: 65536) == .complete(length: bytes.count))
        #expect(bytes[1] == 0x82)
    }
}

@Suite struct LDAPCodecFuzzTests {
    /// A small deterministic generator (SplitMix64), so a failure can be replayed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func mutatedBindsNeverCrashTheReader() {
        var random = SplitMix(state: 4511)
        let seed = BERBytes.bind(dn: "cn=jane,ou=db-ABC", password: String(repeating: "t", count: 200), longForm: true)
        for _ in 0..<5000 {
            var bytes = seed
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                case 1: bytes.removeSubrange(Int.random(in: 0..<bytes.count, using: &random)..<bytes.count)
                default: bytes.insert(UInt8.random(in: 0...255, using: &random), at: Int.random(in: 0..<bytes.count, using: &random))
                }
                if bytes.isEmpty { bytes = [0x30] }
            }
            if case .complete(let length) = LDAPFrame.measure(bytes, limit: 65536) {
                _ = try? LDAPRequest.decode(Array(bytes.prefix(length)))
            }
            _ = try? LDAPRequest.decode(bytes)
        }
    }
}
