@testable import Engines
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// What PostgreSQL does for one IAM login, over a real socket.
@Suite struct LDAPBindResponderTests {
    /// Connects, sends `chunks` one write each, and reads until the server closes or `timeout`.
    static func exchange(_ port: Int, _ chunks: [[UInt8]], timeout: Duration = .seconds(5)) async throws -> (bytes: [UInt8], closed: Bool) {
        let channel = try await connect(port)
        return try await channel.executeThenClose { inbound, outbound in
            // A write can fail when the server has already closed; what it sent is still read.
            for chunk in chunks {
                do { try await outbound.write(ByteBuffer(bytes: chunk)) } catch { break }
            }
            return try await withThrowingTaskGroup(of: (bytes: [UInt8], closed: Bool)?.self) { group in
                let received = Mutex<[UInt8]>([])
                group.addTask {
                    for try await buffer in inbound { received.withLock { $0 += Array(buffer.readableBytesView) } }
                    return (received.withLock { $0 }, true)
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                let first = try await group.next()!
                group.cancelAll()
                return first ?? (received.withLock { $0 }, false)
            }
        }
    }

    static func connect(_ port: Int) async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
    }

    /// Reads `30 {02 id} {61 {0a code} {04 matchedDN} {04 diagnostic}}`, the first message in `bytes`.
    static func response(_ bytes: [UInt8]) throws -> (id: Int, code: Int, diagnostic: String) {
        guard case .complete(let total) = LDAPFrame.measure(bytes, limit: 65536) else { throw ResponseError() }
        var offset = 0
        /// Moves into the element's content and returns it; `enter` stays at its start.
        func element(_ tag: UInt8, enter: Bool = false) throws -> ArraySlice<UInt8> {
            guard offset < total, bytes[offset] == tag,
                  case .definite(let length, let end) = BERLength.read(bytes, at: offset + 1), end + length <= total
            else { throw ResponseError() }
            offset = enter ? end : end + length
            return bytes[end..<(end + length)]
        }
        func integer(_ slice: ArraySlice<UInt8>) -> Int { slice.reduce(0) { $0 << 8 | Int($1) } }
        _ = try element(0x30, enter: true)
        let id = integer(try element(0x02))
        _ = try element(0x61, enter: true)
        let code = integer(try element(0x0A))
        _ = try element(0x04)
        let diagnostic = String(decoding: try element(0x04), as: UTF8.self)
        return (id, code, diagnostic)
    }

    struct ResponseError: Error {}

    static func responder(idle: Duration = .seconds(10), _ verify: @escaping LDAPBindResponder.Verify) async throws -> (LDAPBindResponder, Int) {
        let responder = LDAPBindResponder(idleTimeout: idle, verify: verify)
        let port = try await responder.start()
        return (responder, port)
    }

    @Test func aLoginBindsThenUnbindsAndTheServerCloses() async throws {
        let seen = Mutex<[LDAPBind]>([])
        let (responder, port) = try await Self.responder { bind in
            seen.withLock { $0.append(bind) }
            return .success
        }
        defer { Task { await responder.stop() } }
        #expect(port > 0)
        let token = "host:5432/?Action=connect&" + String(repeating: "X", count: 1500)
        let bind = BERBytes.bind(id: 1, dn: "cn=jane@example.com,ou=db-ABC", password: token)
        let result = try await Self.exchange(port, [bind, BERBytes.unbind(id: 2)])
        #expect(result.closed)
        let reply = try Self.response(result.bytes)
        #expect(reply.id == 1 && reply.code == 0 && reply.diagnostic == "")
        let binds = seen.withLock { $0 }
        #expect(binds.count == 1)
        #expect(binds.first?.user == "jane@example.com")
        #expect(binds.first?.resource == "db-ABC")
        #expect(binds.first?.password == token)
    }

    @Test func aRefusalIsInvalidCredentialsWithTheDiagnostic() async throws {
        let (responder, port) = try await Self.responder { _ in .refused(diagnostic: "the token expired at 2026-11-30T12:15:00Z") }
        defer { Task { await responder.stop() } }
        // Written a few bytes at a time, as a slow peer might.
        let bind = BERBytes.bind(id: 3, dn: "cn=jane,ou=db-ABC", password: "token")
        let chunks = stride(from: 0, to: bind.count, by: 5).map { Array(bind[$0..<min($0 + 5, bind.count)]) }
        let result = try await Self.exchange(port, chunks + [BERBytes.unbind(id: 4)])
        let reply = try Self.response(result.bytes)
        #expect(reply.id == 3 && reply.code == 49)
        #expect(reply.diagnostic == "the token expired at 2026-11-30T12:15:00Z")
    }

    @Test func theConnectionStaysOpenAfterABind() async throws {
        let (responder, port) = try await Self.responder { _ in .success }
        defer { Task { await responder.stop() } }
        let result = try await Self.exchange(port, [BERBytes.bind(dn: "cn=a,ou=db-1", password: "t")], timeout: .seconds(1))
        #expect(!result.closed)
        #expect(try Self.response(result.bytes).code == 0)
    }

    @Test func bindsTheResponderCannotReadAreRefusedWithoutAskingTheVerifier() async throws {
        let asked = Mutex(0)
        let (responder, port) = try await Self.responder { _ in
            asked.withLock { $0 += 1 }
            return .success
        }
        defer { Task { await responder.stop() } }
        let cases: [([UInt8], Int)] = [
            (BERBytes.bind(dn: "cn=a,ou=db-1", password: ""), 49),
            (BERBytes.bind(dn: "uid=a,dc=example", password: "t"), 34),
            (BERBytes.bind(version: 2, dn: "cn=a,ou=db-1", password: "t"), 2),
        ]
        for (bytes, code) in cases {
            let result = try await Self.exchange(port, [bytes, BERBytes.unbind()])
            #expect(try Self.response(result.bytes).code == code)
        }
        #expect(asked.withLock { $0 } == 0)
    }

    @Test func strangersAreAnsweredWithProtocolErrorOrJustClosed() async throws {
        let (responder, port) = try await Self.responder { _ in .success }
        defer { Task { await responder.stop() } }
        // Not LDAP at all: closed without a word.
        let http = try await Self.exchange(port, [Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)])
        #expect(http.closed && http.bytes.isEmpty)
        // Oversized: protocolError to message 7, then closed.
        let huge = try await Self.exchange(port, [[0x30, 0x84, 0x00, 0x10, 0x00, 0x00, 0x02, 0x01, 0x07]])
        #expect(huge.closed)
        let hugeReply = try Self.response(huge.bytes)
        #expect(hugeReply.id == 7 && hugeReply.code == 2)
        // A search: protocolError, closed.
        let search = BERBytes.tlv(0x30, BERBytes.tlv(0x02, [4]) + BERBytes.tlv(0x63, BERBytes.tlv(0x04, [])))
        let searched = try await Self.exchange(port, [search])
        #expect(searched.closed)
        #expect(try Self.response(searched.bytes).code == 2)
        // Garbage inside a well-framed message: closed, with protocolError when the ID was read.
        let broken = try await Self.exchange(port, [BERBytes.tlv(0x30, [0x02, 0x01, 0x09, 0x60, 0x03, 0x02, 0x01])])
        #expect(broken.closed)
        // The responder still answers afterwards.
        let fine = try await Self.exchange(port, [BERBytes.bind(dn: "cn=a,ou=db-1", password: "t"), BERBytes.unbind()])
        #expect(try Self.response(fine.bytes).code == 0)
    }

    @Test func anIdleConnectionIsClosed() async throws {
        let (responder, port) = try await Self.responder(idle: .milliseconds(500)) { _ in .success }
        defer { Task { await responder.stop() } }
        let clock = ContinuousClock()
        let start = clock.now
        let result = try await Self.exchange(port, [[0x30]], timeout: .seconds(5))
        #expect(result.closed && result.bytes.isEmpty)
        #expect(clock.now - start < .seconds(3))
    }

    @Test func stopClosesTheListenerAndOpenConnections() async throws {
        let (responder, port) = try await Self.responder { _ in .success }
        let connection = try await Self.connect(port)
        try await connection.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(bytes: BERBytes.bind(dn: "cn=a,ou=db-1", password: "t")))
            var replies = inbound.makeAsyncIterator()
            var received: [UInt8] = []
            while LDAPFrame.measure(received, limit: 65536) == .incomplete, let buffer = try await replies.next() {
                received += Array(buffer.readableBytesView)
            }
            #expect(try Self.response(received).code == 0)
            await responder.stop()
            // The open connection was closed by stop() (an end of stream, or a reset).
            let after = try? await replies.next()
            #expect(after == nil)
        }
        #expect(await responder.port == nil)
        await #expect(throws: (any Error).self) { _ = try await Self.exchange(port, [BERBytes.unbind()]) }
    }
}

extension LDAPBindResponderTests {
    @Test func concurrentLoginsAreAnsweredEachOnItsOwn() async throws {
        let (responder, port) = try await Self.responder { bind in
            bind.password == "ok-\(bind.user)" ? .success : .refused(diagnostic: "wrong token for \(bind.user)")
        }
        defer { Task { await responder.stop() } }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<64 {
                group.addTask {
                    let password = index % 2 == 0 ? "ok-user\(index)" : "bad"
                    let bind = BERBytes.bind(id: UInt8(index + 1), dn: "cn=user\(index),ou=db-1", password: password)
                    let reply = try Self.response(try await Self.exchange(port, [bind, BERBytes.unbind()]).bytes)
                    #expect(reply.id == index + 1)
                    #expect(reply.code == (index % 2 == 0 ? 0 : 49))
                    if index % 2 == 1 { #expect(reply.diagnostic == "wrong token for user\(index)") }
                }
            }
            try await group.waitForAll()
        }
    }
}
