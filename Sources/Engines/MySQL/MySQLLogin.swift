import NIOCore

/// A client's login packet (HandshakeResponse41), as far as the front door reads it: who logs
/// in, with which client plugin, and the plugin's first answer (a cleartext password when the
/// plugin is `mysql_clear_password`).
public struct MySQLLoginRequest: Sendable, Equatable {
    public let user: String
    public let plugin: String?
    public let authResponse: [UInt8]

    static let connectWithDatabase: UInt32 = 0x8
    static let secureConnection: UInt32 = 0x8000
    static let pluginAuth: UInt32 = 0x8_0000
    static let lengthEncodedAuth: UInt32 = 0x20_0000

    public init?(_ payload: ByteBuffer) {
        var buffer = payload
        guard let flags = buffer.readInteger(endianness: .little, as: UInt32.self), buffer.readableBytes >= 28 else { return nil }
        buffer.moveReaderIndex(forwardBy: 28)          // maximum packet size, character set, filler
        guard let user = Self.readNulTerminated(&buffer) else { return nil }
        var response: [UInt8]
        if flags & Self.lengthEncodedAuth != 0 {
            guard let length = Self.readLengthEncoded(&buffer), let bytes = buffer.readBytes(length: length) else { return nil }
            response = bytes
        } else if flags & Self.secureConnection != 0 {
            guard let length = buffer.readInteger(as: UInt8.self), let bytes = buffer.readBytes(length: Int(length)) else { return nil }
            response = bytes
        } else {
            guard let text = Self.readNulTerminated(&buffer) else { return nil }
            response = Array(text.utf8)
        }
        if flags & Self.connectWithDatabase != 0 { _ = Self.readNulTerminated(&buffer) }
        plugin = flags & Self.pluginAuth != 0 ? Self.readNulTerminated(&buffer) : nil
        if response.last == 0 { response.removeLast() }
        self.user = user
        authResponse = response
    }

    static func readNulTerminated(_ buffer: inout ByteBuffer) -> String? {
        guard let end = buffer.readableBytesView.firstIndex(of: 0) else { return nil }
        let text = buffer.readString(length: end - buffer.readerIndex)
        buffer.moveReaderIndex(forwardBy: 1)
        return text
    }

    static func readLengthEncoded(_ buffer: inout ByteBuffer) -> Int? {
        guard let first = buffer.readInteger(as: UInt8.self) else { return nil }
        switch first {
        case 0..<0xfb: return Int(first)
        case 0xfc: return buffer.readInteger(endianness: .little, as: UInt16.self).map(Int.init)
        case 0xfd: return buffer.readBytes(length: 3).map { Int($0[0]) | Int($0[1]) << 8 | Int($0[2]) << 16 }
        default: return nil
        }
    }
}

/// A server's request that its client switch authentication plugin (0xFE, plugin name, data).
public struct MySQLAuthSwitch: Sendable, Equatable {
    public let plugin: String
    public let data: [UInt8]

    public init?(_ payload: ByteBuffer) {
        var buffer = payload
        guard buffer.readInteger(as: UInt8.self) == 0xfe, buffer.readableBytes > 0,
              let plugin = MySQLLoginRequest.readNulTerminated(&buffer) else { return nil }
        self.plugin = plugin
        data = buffer.readBytes(length: buffer.readableBytes) ?? []
    }

    public static func packet(plugin: String, data: [UInt8] = [], sequence: UInt8) -> MySQLPacket {
        var payload = ByteBuffer()
        payload.writeInteger(UInt8(0xfe))
        payload.writeString(plugin)
        payload.writeInteger(UInt8(0))
        payload.writeBytes(data)
        return MySQLPacket(sequence: sequence, payload: payload)
    }
}

/// One login to an account of Kerbside's plugins (`IDENTIFIED WITH AWSAuthenticationPlugin AS
/// 'RDS'` …), for the decider to judge. The secret (a token, a password) is never described.
public struct MySQLAccountLogin: Sendable, CustomStringConvertible {
    /// The server's `DbiResourceId`.
    public let resourceId: String
    public let user: String
    /// The account's plugin: `AWSAuthenticationPlugin`, `authentication_kerberos`, `auth_pam`.
    public let plugin: String
    /// What the account names after `AS` (`RDS`, a realm).
    public let accountString: String
    /// What the client answered: a token or password (text), or a Kerberos AP-REQ.
    public let secret: [UInt8]
    public let overTLS: Bool
    public let clientAddress: String

    public var description: String { "login of \(user)@\(clientAddress) to \(resourceId) with \(plugin)" }
}

public enum MySQLLoginVerdict: Sendable, Equatable {
    /// Logged in as this principal (what `@@external_user` shows); `reply` goes to the client
    /// before the server's OK (a Kerberos AP-REP), when not empty.
    case allowed(principal: String, reply: [UInt8] = [])
    /// Refused; the reason goes to Kerbside's log and health, the client reads MySQL's 1045.
    case refused(reason: String)
}

/// Who decides the logins the front door cannot decide alone: Kerbside's services, which know
/// tokens, keys and policies. The door itself knows only the wire.
public protocol MySQLLoginDecider: Sendable {
    func decide(_ login: MySQLAccountLogin) async -> MySQLLoginVerdict
}
