@testable import Engines
import Foundation
import NIOCore
import Testing

/// The parts of the MySQL protocol the front door reads and writes: framing, the server's
/// greeting (of which it changes only capability flags), a client's TLS request, error packets;
/// and what the MariaDB engine reads back from its servers' logs.
@Suite struct MySQLWireTests {
    /// A MariaDB 10.11 greeting as the server sent it (version `8.0.39`, compression and no TLS offered).
    static func greeting(flags: UInt32 = 0x81ff_f7fe | 0x20) -> ByteBuffer {
        var payload = ByteBuffer()
        payload.writeInteger(UInt8(10))
        payload.writeString("8.0.39")
        payload.writeInteger(UInt8(0))
        payload.writeInteger(UInt32(6), endianness: .little)                 // connection id
        payload.writeString("abcdefgh")                                      // scramble, part 1
        payload.writeInteger(UInt8(0))
        payload.writeInteger(UInt16(flags & 0xffff), endianness: .little)
        payload.writeInteger(UInt8(45))                                      // utf8mb4_general_ci
        payload.writeInteger(UInt16(2), endianness: .little)                 // status
        payload.writeInteger(UInt16(flags >> 16), endianness: .little)
        payload.writeInteger(UInt8(21))
        payload.writeBytes([UInt8](repeating: 0, count: 6))
        payload.writeInteger(UInt32(0x1d), endianness: .little)              // MariaDB's own flags
        payload.writeString("ijklmnopqrst")
        payload.writeInteger(UInt8(0))
        payload.writeString("mysql_native_password")
        payload.writeInteger(UInt8(0))
        return payload
    }

    @Test func packetsAreFramedAndReadOnlyWhenWhole() throws {
        let packet = MySQLPacket(sequence: 3, payload: ByteBuffer(string: "hello"))
        var stream = packet.encoded()
        stream.writeBytes([9, 0])                            // the start of the next packet
        var partial = stream.getSlice(at: 0, length: 6)!
        #expect(MySQLPacket.read(from: &partial) == nil)
        #expect(partial.readableBytes == 6)                  // nothing taken from an incomplete packet
        let read = try #require(MySQLPacket.read(from: &stream))
        #expect(read == packet)
        #expect(stream.readableBytes == 2)
    }

    @Test func theGreetingOffersTLSAndNoCompressionAndKeepsTheRest() throws {
        let original = Self.greeting()
        var greeting = try #require(MySQLGreeting(original))
        #expect(greeting.capabilities.contains(.compress) && !greeting.capabilities.contains(.ssl))
        greeting.capabilities.subtract([.compress, .zstdCompression])
        greeting.capabilities.insert(.ssl)
        let changed = try #require(MySQLGreeting(greeting.payload))
        #expect(changed.capabilities.contains(.ssl) && !changed.capabilities.contains(.compress))
        #expect(changed.capabilities.rawValue == (0x81ff_f7fe & ~0x20) | 0x800)
        // Version, scramble and plugin name are untouched: password logins stay end to end.
        #expect(greeting.payload.readableBytes == original.readableBytes)
        let differing = zip(greeting.payload.readableBytesView, original.readableBytesView).enumerated().filter { $0.element.0 != $0.element.1 }
        #expect(differing.allSatisfy { [21, 22, 26, 27].contains($0.offset) })
    }

    @Test func aReplicasGreetingNamesAnotherVersionAndKeepsTheRest() throws {
        let original = Self.greeting()
        var greeting = try #require(MySQLGreeting(original))
        #expect(greeting.version == "8.0.39")
        greeting.version = "10.11.11-MariaDB-log"
        greeting.capabilities.insert(.ssl)
        let changed = try #require(MySQLGreeting(greeting.payload))
        #expect(changed.version == "10.11.11-MariaDB-log")
        #expect(changed.capabilities.rawValue == 0x81ff_f7fe | 0x800)
        // Everything after the version (connection id, scramble, plugin name) is as it was.
        let delta = "10.11.11-MariaDB-log".count - "8.0.39".count
        #expect(greeting.payload.readableBytes == original.readableBytes + delta)
        #expect(Array(greeting.payload.readableBytesView.suffix(original.readableBytes - 30)) == Array(original.readableBytesView.suffix(original.readableBytes - 30)))
    }

    @Test func aGreetingThatIsNotProtocolTenIsNotOne() {
        #expect(MySQLGreeting(ByteBuffer(bytes: [9, 0x38, 0])) == nil)
        #expect(MySQLGreeting(ByteBuffer(bytes: [10, 0x38, 0x2e, 0x30])) == nil)
    }

    @Test func aTLSRequestIsTheLoginsFixedHeadWithTheTLSFlag() {
        var request = ByteBuffer()
        request.writeInteger(UInt32(0x800 | 0x8000 | 0x80000), endianness: .little)
        request.writeBytes([UInt8](repeating: 0, count: 28))
        #expect(MySQLClientHello(request)?.isTLSRequest == true)
        var login = request
        login.writeString("admin\0")
        #expect(MySQLClientHello(login)?.isTLSRequest == false)
    }

    /// A HandshakeResponse41 as PyMySQL sends it for `app` with a database and a plugin.
    static func login(user: String, response: [UInt8], database: String?, plugin: String, lengthEncoded: Bool) -> ByteBuffer {
        var flags: UInt32 = 0x8000 | 0x8_0000 | (lengthEncoded ? 0x20_0000 : 0)
        if database != nil { flags |= 0x8 }
        var payload = ByteBuffer()
        payload.writeInteger(flags, endianness: .little)
        payload.writeInteger(UInt32(1 << 24), endianness: .little)
        payload.writeInteger(UInt8(45))
        payload.writeBytes([UInt8](repeating: 0, count: 23))
        payload.writeString(user + "\0")
        payload.writeInteger(UInt8(response.count))
        payload.writeBytes(response)
        if let database { payload.writeString(database + "\0") }
        payload.writeString(plugin + "\0")
        return payload
    }

    @Test func aLoginSaysWhoWithWhichPluginAndItsFirstAnswer() throws {
        let scrambled = try #require(MySQLLoginRequest(Self.login(user: "admin", response: Array(repeating: 7, count: 20),
                                                                  database: "orders", plugin: "mysql_native_password", lengthEncoded: true)))
        #expect(scrambled.user == "admin" && scrambled.plugin == "mysql_native_password" && scrambled.authResponse == Array(repeating: 7, count: 20))
        // The cleartext plugin's answer is the password (a token) and its NUL.
        let token = Array("rds.example:3306/?Action=connect".utf8)
        let clear = try #require(MySQLLoginRequest(Self.login(user: "app", response: token + [0], database: nil,
                                                              plugin: "mysql_clear_password", lengthEncoded: false)))
        #expect(clear.user == "app" && clear.plugin == "mysql_clear_password" && clear.authResponse == token)
        #expect(MySQLLoginRequest(ByteBuffer(bytes: [1, 2, 3])) == nil)
    }

    @Test func aPluginSwitchNamesThePlugin() throws {
        let packet = MySQLAuthSwitch.packet(plugin: "mysql_clear_password", data: [1, 2], sequence: 4)
        let read = try #require(MySQLAuthSwitch(packet.payload))
        #expect(read == MySQLAuthSwitch(MySQLAuthSwitch.packet(plugin: "mysql_clear_password", data: [1, 2], sequence: 0).payload))
        #expect(read.plugin == "mysql_clear_password" && read.data == [1, 2] && packet.sequence == 4)
        #expect(MySQLAuthSwitch(ByteBuffer(bytes: [0x00, 0x01])) == nil)     // an OK packet is no switch
    }

    @Test func errorPacketsReadAsMySQLErrors() {
        let packet = MySQLPacket.error(code: 3159, state: "HY000", message: "Connections using insecure transport are prohibited", sequence: 2)
        #expect(packet.isError && packet.sequence == 2)
        var payload = packet.payload
        #expect(payload.readInteger(as: UInt8.self) == 0xff)
        #expect(payload.readInteger(endianness: .little, as: UInt16.self) == 3159)
        #expect(payload.readString(length: 6) == "#HY000")
        #expect(payload.readString(length: payload.readableBytes) == "Connections using insecure transport are prohibited")
    }

    @Test func refusedLoginsAreReadFromTheServerLog() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("mariadb-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: file) }
        try """
            2026-12-02 18:41:39 5 [Warning] Access denied for user 'admin'@'127.0.0.1' (using password: YES)
            2026-12-02 18:41:40 0 [Note] mariadbd: ready for connections.
            2026-12-02 18:41:41 6 [Warning] Access denied for user 'app'@'10.0.0.7' (using password: NO)
            2026-12-02 18:41:42 7 [Warning] Access denied for user 'half
            """.write(to: file, atomically: true, encoding: .utf8)
        var log = MariaDBLoginLog(file: file)
        let refusals = log.newRefusals()
        #expect(refusals.map(\.user) == ["admin", "app"])
        #expect(refusals[0] == LoginRefusal(user: "admin", method: "password",
                                            reason: "Access denied for user 'admin'@'127.0.0.1' (using password: YES)"))
        #expect(log.newRefusals().isEmpty)                    // each line is read once
    }

    @Test func mysqlNativePasswordVerifiersAreTheServersOwn() throws {
        // `SELECT PASSWORD('Master-Pass-123')` on MariaDB.
        let verifier = "*515011581BAA78797135F558E09B87F67E56362A"
        #expect(MariaDBEngine.nativePasswordVerifier(for: "Master-Pass-123") == verifier)
    }
}
