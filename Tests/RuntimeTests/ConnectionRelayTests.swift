import NIOCore
import NIOPosix
import Runtime
import Testing

/// The relay behind cluster endpoints: bytes pass both ways unchanged, new connections go round
/// robin over the targets, and with no target a connection is closed at once.
@Suite struct ConnectionRelayTests {
    /// A server that answers every read with its own name and the bytes it read.
    final class NamedEcho: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let name: String
        init(_ name: String) { self.name = name }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var reply = context.channel.allocator.buffer(string: name + ":")
            var incoming = unwrapInboundIn(data)
            reply.writeBuffer(&incoming)
            context.writeAndFlush(wrapOutboundOut(reply), promise: nil)
        }
    }

    func echo(_ name: String) async throws -> any Channel {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in channel.pipeline.addHandler(NamedEcho(name)) }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    /// Connects, sends `text`, and returns what came back (empty when the relay closed at once).
    func exchange(_ port: Int, _ text: String) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        var limit = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(connected == 0)
        _ = text.withCString { send(fd, $0, strlen($0), 0) }
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = recv(fd, &buffer, buffer.count, 0)
        return count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : ""
    }

    func freePort() throws -> Int { try #require(Loopback.freePort(on: ["127.0.0.1"])) }

    @Test func relaysBothWaysAndSpreadsNewConnections() async throws {
        let first = try await echo("first"), second = try await echo("second")
        let relay = ConnectionRelay(address: "127.0.0.1", port: try freePort())
        try await relay.start()
        relay.route(to: [first, second].map { ConnectionRelay.Target(address: "127.0.0.1", port: $0.localAddress!.port!) })
        let replies = try (0..<4).map { try exchange(relay.port, "hello \($0)") }
        #expect(replies == ["first:hello 0", "second:hello 1", "first:hello 2", "second:hello 3"])
        await relay.stop()
        try await first.close()
        try await second.close()
    }

    @Test func withoutTargetsConnectionsAreClosed() async throws {
        let relay = ConnectionRelay(address: "127.0.0.1", port: try freePort())
        try await relay.start()
        #expect(try exchange(relay.port, "anyone?") == "")
        await relay.stop()
    }
}

#if canImport(Glibc)
import Glibc
#endif
