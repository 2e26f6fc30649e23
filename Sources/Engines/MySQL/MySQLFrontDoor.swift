import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Runtime
import Synchronization

/// Kerbside's own MySQL-protocol door in front of every MySQL-family endpoint (see
/// docs/architecture.md, "The MySQL family"). It is a `RelaySession`: the endpoint's relay picks
/// the server, and the door opens the login on Kerbside's side before the bytes are spliced:
///
/// 1. it connects to the server's private Unix socket and announces the client's real address
///    (a PROXY header, so accounts, `USER()` and refusals name the client's host);
/// 2. it passes on the server's greeting (its scramble, so password logins still go end to end),
///    offering TLS itself and no compression;
/// 3. TLS is Kerbside's, with the server's certificate (every endpoint name it answers for);
///    `require_secure_transport` refuses a plaintext login here, with MySQL's error;
/// 4. the login goes to the server over TLS when the client used TLS (so `REQUIRE SSL` accounts
///    and `Ssl_cipher` behave), and from then on the two sides talk through a byte splice.
public struct MySQLFrontDoor: RelaySession {
    /// How the door treats logins to one server.
    public struct Server: Sendable {
        /// The server's certificate, as the client sees it.
        public let tls: NIOSSLContext
        /// Kerbside's side of the TLS link to the server itself.
        public let serverLink: NIOSSLContext
        public let requireSecureTransport: Bool

        public init(certificateFile: String, keyFile: String, requireSecureTransport: Bool) throws {
            var outside = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(certificateFile).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem)))
            outside.minimumTLSVersion = .tlsv12
            tls = try NIOSSLContext(configuration: outside)
            // The link never leaves the machine and ends at a socket only Kerbside and the
            // server's user can open: it is encrypted for the server's sake, not verified.
            var inside = TLSConfiguration.makeClientConfiguration()
            inside.certificateVerification = .none
            serverLink = try NIOSSLContext(configuration: inside)
            self.requireSecureTransport = requireSecureTransport
        }
    }

    /// The servers the door knows, by their socket; a target it does not know is refused.
    public final class Servers: Sendable {
        private let servers = Mutex<[String: Server]>([:])

        public init() {}

        public func set(_ server: Server?, socket: String) { servers.withLock { $0[socket] = server } }

        func server(_ socket: String) -> Server? { servers.withLock { $0[socket] } }
    }

    private let servers: Servers
    /// How long a client may take to log in before the door closes.
    private let loginTimeout: TimeAmount

    public init(servers: Servers, loginTimeout: TimeAmount = .seconds(30)) {
        self.servers = servers
        self.loginTimeout = loginTimeout
    }

    public func serve(_ inbound: any Channel, toward target: ConnectionRelay.Target) throws {
        guard let socket = target.socketPath, let server = servers.server(socket) else {
            throw EngineError("no MySQL server behind \(target)")
        }
        try inbound.pipeline.syncOperations.addHandler(FrontDoorLogin(target: target, server: server, timeout: loginTimeout))
    }
}

/// The opening of one login, on the client's connection, until the splice takes over.
private final class FrontDoorLogin: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Stage {
        case connecting
        /// The greeting went out; the client's first packet is next.
        case greeted
        /// The client asked for TLS; its login comes next, inside it.
        case encrypted
        case spliced
    }

    private let target: ConnectionRelay.Target
    private let server: MySQLFrontDoor.Server
    private let timeout: TimeAmount
    private var stage = Stage.connecting
    private var received: ByteBuffer?
    private var backend: (any Channel)?
    private var context: ChannelHandlerContext?
    private var deadline: Scheduled<Void>?

    init(target: ConnectionRelay.Target, server: MySQLFrontDoor.Server, timeout: TimeAmount) {
        self.target = target
        self.server = server
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func channelActive(context: ChannelHandlerContext) {
        let client = context.channel
        deadline = context.eventLoop.scheduleTask(in: timeout) { [weak self] in self?.abandon() }
        target.connect(on: context.eventLoop).whenComplete { [self] result in
            switch result {
            case .success(let backend):
                self.backend = backend
                do {
                    try backend.pipeline.syncOperations.addHandler(ServerSide(login: self), name: ServerSide.name)
                } catch {
                    abandon()
                    return
                }
                backend.writeAndFlush(Self.proxyHeader(client), promise: nil)
            case .failure:
                refuse(code: 2013, state: "HY000", "Lost connection to server at 'handshake': the database server does not answer", sequence: 0)
            }
        }
        context.fireChannelActive()
    }

    /// PROXY protocol v1: the server sees the client's address instead of the door's socket.
    private static func proxyHeader(_ client: any Channel) -> ByteBuffer {
        var header = "PROXY UNKNOWN\r\n"
        if let remote = client.remoteAddress, let local = client.localAddress,
           let from = remote.ipAddress, let to = local.ipAddress, let fromPort = remote.port, let toPort = local.port {
            let family = remote.protocol == .inet6 ? "TCP6" : "TCP4"
            header = "PROXY \(family) \(from) \(to) \(fromPort) \(toPort)\r\n"
        }
        return client.allocator.buffer(string: header)
    }

    // MARK: - From the server

    /// The server's greeting: passed on with the door's capabilities, then the client speaks.
    func greeting(_ packet: MySQLPacket) {
        guard let context, stage == .connecting else { return }
        guard !packet.isError, var greeting = MySQLGreeting(packet.payload) else {
            // Too many connections, or the server is shutting down: the client reads its reason.
            context.writeAndFlush(wrapOutboundOut(packet.encoded()), promise: nil)
            close()
            return
        }
        greeting.capabilities.subtract([.compress, .zstdCompression])
        greeting.capabilities.insert(.ssl)
        stage = .greeted
        context.writeAndFlush(wrapOutboundOut(MySQLPacket(sequence: packet.sequence, payload: greeting.payload).encoded()), promise: nil)
        context.channel.setOption(.autoRead, value: true).whenFailure { [weak self] _ in self?.close() }
        context.read()
    }

    /// What the server says after the greeting, before the splice (its answer to the login).
    func fromServer(_ bytes: ByteBuffer) {
        context?.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
    }

    // MARK: - From the client

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if received == nil {
            received = bytes
        } else {
            received!.writeBuffer(&bytes)
        }
        guard stage == .greeted || stage == .encrypted, var buffer = received else { return }
        guard let packet = MySQLPacket.read(from: &buffer) else { return }
        received = buffer.readableBytes > 0 ? buffer : nil
        guard let hello = MySQLClientHello(packet.payload) else {
            refuse(code: 1043, state: "08S01", "Bad handshake", sequence: packet.sequence &+ 1)
            return
        }
        if stage == .greeted && hello.isTLSRequest {
            startTLS(context, request: packet)
        } else if stage == .greeted && server.requireSecureTransport {
            refuse(code: 3159, state: "HY000", "Connections using insecure transport are prohibited while --require_secure_transport=ON.",
                   sequence: packet.sequence &+ 1)
        } else {
            forwardLogin(packet)
        }
    }

    /// TLS with the client on the door's side, and with the server on the door's link to it;
    /// what the client sent after its request is already TLS, so it goes through the new handler.
    private func startTLS(_ context: ChannelHandlerContext, request: MySQLPacket) {
        guard let backend else { return close() }
        do {
            let leftover = received
            received = nil
            stage = .encrypted
            try context.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: server.tls), position: .first)
            backend.write(request.encoded(allocator: backend.allocator), promise: nil)
            try backend.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: server.serverLink, serverHostname: nil),
                                                           position: .first)
            backend.flush()
            if let leftover { context.pipeline.syncOperations.fireChannelRead(NIOAny(leftover)) }
        } catch {
            close()
        }
    }

    /// The client's login goes to the server (writes wait inside the TLS handler until its
    /// handshake is done); the server's answers and everything after pass straight through.
    private func forwardLogin(_ login: MySQLPacket) {
        guard let context, let backend else { return close() }
        stage = .spliced
        deadline?.cancel()
        backend.writeAndFlush(login.encoded(allocator: backend.allocator), promise: nil)
        if let rest = received {
            received = nil
            backend.writeAndFlush(rest, promise: nil)
        }
        let client = context.channel
        // All on the connection's one event loop: no read can slip in between the handlers.
        context.pipeline.syncOperations.removeHandler(self)
            .flatMap { backend.pipeline.syncOperations.removeHandler(name: ServerSide.name) }
            .flatMap { ByteSplice.join(client, backend) }
            .whenFailure { _ in
                client.close(promise: nil)
                backend.close(promise: nil)
            }
    }

    func channelInactive(context: ChannelHandlerContext) {
        backend?.close(promise: nil)
        deadline?.cancel()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { close() }

    // MARK: - Ending

    /// Sends the client MySQL's error and closes both sides.
    private func refuse(code: UInt16, state: String, _ message: String, sequence: UInt8) {
        guard let context else { return }
        let packet = MySQLPacket.error(code: code, state: state, message: message, sequence: sequence)
        context.writeAndFlush(wrapOutboundOut(packet.encoded(allocator: context.channel.allocator))).whenComplete { [weak self] _ in
            self?.close()
        }
    }

    private func abandon() {
        guard stage != .spliced else { return }
        close()
    }

    func close() {
        deadline?.cancel()
        backend?.close(promise: nil)
        context?.close(promise: nil)
    }
}

/// The door's handler on its connection to the server, until the splice: the greeting, then
/// whatever the server sends before the splice is in place.
private final class ServerSide: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    static let name = "kerbside.mysql.server-side"

    private weak var login: FrontDoorLogin?
    private var buffer: ByteBuffer?
    private var greeted = false

    init(login: FrontDoorLogin) {
        self.login = login
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        guard !greeted else {
            login?.fromServer(bytes)
            return
        }
        if buffer == nil { buffer = bytes } else { buffer!.writeBuffer(&bytes) }
        guard var pending = buffer, let greeting = MySQLPacket.read(from: &pending) else { return }
        greeted = true
        buffer = nil
        login?.greeting(greeting)
        if pending.readableBytes > 0 { login?.fromServer(pending) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        login?.close()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { login?.close() }
}
