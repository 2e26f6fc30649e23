import NIOCore

/// The MySQL client/server protocol's framing: a 3-byte little-endian payload length, a
/// sequence id, then the payload. Only what Kerbside's front door reads or writes is here: the
/// server's greeting, a client's first packet (a TLS request or its login), and error packets.
public struct MySQLPacket: Equatable, Sendable {
    public var sequence: UInt8
    public var payload: ByteBuffer

    public init(sequence: UInt8, payload: ByteBuffer) {
        self.sequence = sequence
        self.payload = payload
    }

    /// Takes one whole packet off the front of `buffer`, or nil (leaving it as it was) when it
    /// holds less than one.
    public static func read(from buffer: inout ByteBuffer) -> MySQLPacket? {
        guard buffer.readableBytes >= 4,
              let header = buffer.getBytes(at: buffer.readerIndex, length: 4) else { return nil }
        let length = Int(header[0]) | Int(header[1]) << 8 | Int(header[2]) << 16
        guard buffer.readableBytes >= 4 + length else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        let payload = buffer.readSlice(length: length)!
        return MySQLPacket(sequence: header[3], payload: payload)
    }

    public func write(to buffer: inout ByteBuffer) {
        let length = payload.readableBytes
        buffer.writeBytes([UInt8(length & 0xff), UInt8(length >> 8 & 0xff), UInt8(length >> 16 & 0xff), sequence])
        buffer.writeImmutableBuffer(payload)
    }

    public func encoded(allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 4 + payload.readableBytes)
        write(to: &buffer)
        return buffer
    }

    /// An error packet: `ERROR <code> (<state>): <message>` in a client.
    public static func error(code: UInt16, state: String, message: String, sequence: UInt8) -> MySQLPacket {
        var payload = ByteBuffer()
        payload.writeInteger(UInt8(0xff))
        payload.writeInteger(code, endianness: .little)
        payload.writeString("#" + state)
        payload.writeString(message)
        return MySQLPacket(sequence: sequence, payload: payload)
    }

    public var isError: Bool { payload.getInteger(at: payload.readerIndex, as: UInt8.self) == 0xff }
}

/// The capability flags the front door looks at or changes.
public struct MySQLCapabilities: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let compress = MySQLCapabilities(rawValue: 0x20)
    public static let ssl = MySQLCapabilities(rawValue: 0x800)
    public static let zstdCompression = MySQLCapabilities(rawValue: 0x400_0000)
}

/// The server's first packet (protocol version 10), of which the front door changes the
/// capabilities it offers (TLS, its own, and no compression: it reads the client's packets)
/// and, for replicas, the version.
public struct MySQLGreeting: Sendable {
    public private(set) var payload: ByteBuffer
    /// Where the two halves of the capability flags are in the payload.
    private var lowerFlags: Int
    private var upperFlags: Int { lowerFlags + 5 }

    public init?(_ payload: ByteBuffer) {
        guard payload.getInteger(at: payload.readerIndex, as: UInt8.self) == 10,
              let versionEnd = payload.readableBytesView.dropFirst().firstIndex(of: 0) else { return nil }
        // version NUL, connection id (4), first part of the scramble (8), filler (1)
        let lower = versionEnd - payload.readableBytesView.startIndex + 1 + 4 + 8 + 1
        guard payload.readableBytes >= lower + 7 else { return nil }
        self.payload = payload
        lowerFlags = lower
    }

    /// The server's version, NUL-terminated after the protocol byte.
    public var version: String {
        get { payload.getString(at: payload.readerIndex + 1, length: versionLength) ?? "" }
        set {
            var rewritten = ByteBuffer()
            rewritten.writeInteger(UInt8(10))
            rewritten.writeString(newValue)
            var rest = payload.getSlice(at: payload.readerIndex + 1 + versionLength, length: payload.readableBytes - 1 - versionLength)!
            rewritten.writeBuffer(&rest)
            lowerFlags += newValue.utf8.count - versionLength
            payload = rewritten
        }
    }

    private var versionLength: Int { lowerFlags - 1 - 4 - 8 - 1 - 1 }

    public var capabilities: MySQLCapabilities {
        get {
            let low = UInt32(payload.getInteger(at: payload.readerIndex + lowerFlags, endianness: .little, as: UInt16.self)!)
            let high = UInt32(payload.getInteger(at: payload.readerIndex + upperFlags, endianness: .little, as: UInt16.self)!)
            return MySQLCapabilities(rawValue: low | high << 16)
        }
        set {
            payload.setInteger(UInt16(newValue.rawValue & 0xffff), at: payload.readerIndex + lowerFlags, endianness: .little)
            payload.setInteger(UInt16(newValue.rawValue >> 16), at: payload.readerIndex + upperFlags, endianness: .little)
        }
    }
}

/// A client's first packet after the greeting: a request to start TLS (the fixed 32-byte head
/// of a login with the TLS flag), or the login itself.
public struct MySQLClientHello: Sendable {
    public let capabilities: MySQLCapabilities
    public let isTLSRequest: Bool

    public init?(_ payload: ByteBuffer) {
        guard let flags = payload.getInteger(at: payload.readerIndex, endianness: .little, as: UInt32.self) else { return nil }
        capabilities = MySQLCapabilities(rawValue: flags)
        isTLSRequest = capabilities.contains(.ssl) && payload.readableBytes == 32
    }
}
