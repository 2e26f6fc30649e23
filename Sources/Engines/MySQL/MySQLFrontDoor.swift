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
///    and `Ssl_cipher` behave); the server's answers pass through, unless the account's plugin
///    is one of Kerbside's (`kerbside_auth.so`): then the door speaks the client's side of that
///    plugin (an IAM token over `mysql_clear_password`), has the decider judge it, and answers
///    the server with the server's secret and the principal, or the client with MySQL's 1045;
/// 5. once the server accepts or refuses the login, the two sides talk through a byte splice,
///    with Aurora's account statements MariaDB cannot parse put in its words on the way in.
public struct MySQLFrontDoor: RelaySession {
    /// How the door treats logins to one server.
    public struct Server: Sendable {
        /// The server's certificate, as the client sees it.
        public let tls: NIOSSLContext
        /// Kerbside's side of the TLS link to the server itself.
        public let serverLink: NIOSSLContext
        public let requireSecureTransport: Bool
        /// The server's `DbiResourceId`, for the decider.
        public let resourceId: String
        /// What proves to the server's Kerbside plugins that the door decided a login.
        public let secret: [UInt8]
        /// The principal Kerberos clients get tickets for, while the server is joined to a directory.
        public let servicePrincipal: String?

        public init(certificateFile: String, keyFile: String, requireSecureTransport: Bool, resourceId: String, secret: [UInt8],
                    servicePrincipal: String?) throws {
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
            self.resourceId = resourceId
            self.secret = secret
            self.servicePrincipal = servicePrincipal
        }
    }

    /// The servers the door knows, by their socket; a target it does not know is refused.
    public final class Servers: Sendable {
        private let servers = Mutex<[String: Server]>([:])

        public init() {}

        public func set(_ server: Server?, socket: String) { servers.withLock { $0[socket] = server } }

        func server(_ socket: String) -> Server? { servers.withLock { $0[socket] } }
    }

    /// The client plugin Kerbside's server plugins name: no real client has it.
    static let doorPlugin = "kerbside_front_door"

    private let servers: Servers
    private let decider: any MySQLLoginDecider
    /// How long a client may take to log in before the door closes.
    private let loginTimeout: TimeAmount
    /// The version the greeting names instead of the server's, if any.
    private let greetingVersion: String?

    public init(servers: Servers, decider: any MySQLLoginDecider, loginTimeout: TimeAmount = .seconds(30), greetingVersion: String? = nil) {
        self.servers = servers
        self.decider = decider
        self.loginTimeout = loginTimeout
        self.greetingVersion = greetingVersion
    }

    public func serve(_ inbound: any Channel, toward target: ConnectionRelay.Target) throws {
        guard let socket = target.socketPath, let server = servers.server(socket) else {
            throw EngineError("no MySQL server behind \(target)")
        }
        try inbound.pipeline.syncOperations.addHandler(FrontDoorLogin(target: target, server: server, decider: decider,
                                                                     timeout: loginTimeout, greetingVersion: greetingVersion))
    }
}

/// The opening of one login, on the client's connection, until the splice takes over.
private final class FrontDoorLogin: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Stage: Equatable {
        case connecting
        /// The greeting went out; the client's first packet is next.
        case greeted
        /// The client asked for TLS; its login comes next, inside it.
        case encrypted
        /// The login went to the server; its answers (and the client's) pass through, packet by packet.
        case authenticating
        /// The server's Kerbside plugin was told to go on; its question comes next.
        case askingServer(switchSequence: UInt8)
        /// The client was asked for its token or password (or gave it in its login).
        case awaitingClientSecret(plugin: String, accountString: String, serverSequence: UInt8)
        case deciding
        /// The door answered the server; its OK goes to the client, renumbered.
        case awaitingServerVerdict(clientSequence: UInt8)
        case spliced
    }

    private let target: ConnectionRelay.Target
    private let server: MySQLFrontDoor.Server
    private let decider: any MySQLLoginDecider
    private let timeout: TimeAmount
    private let greetingVersion: String?
    private var stage = Stage.connecting
    private var received: ByteBuffer?
    private var backend: (any Channel)?
    private var serverSide: ServerSide?
    private var context: ChannelHandlerContext?
    private var deadline: Scheduled<Void>?
    private var overTLS = false
    private var login: MySQLLoginRequest?
    /// The sequence id of the last packet the client sent or was sent.
    private var clientSequence: UInt8 = 0

    init(target: ConnectionRelay.Target, server: MySQLFrontDoor.Server, decider: any MySQLLoginDecider, timeout: TimeAmount,
         greetingVersion: String?) {
        self.target = target
        self.server = server
        self.decider = decider
        self.timeout = timeout
        self.greetingVersion = greetingVersion
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
                    let side = ServerSide(login: self)
                    try backend.pipeline.syncOperations.addHandler(side, name: ServerSide.name)
                    serverSide = side
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
        if let greetingVersion { greeting.version = greetingVersion }
        greeting.capabilities.subtract([.compress, .zstdCompression])
        greeting.capabilities.insert(.ssl)
        stage = .greeted
        context.writeAndFlush(wrapOutboundOut(MySQLPacket(sequence: packet.sequence, payload: greeting.payload).encoded()), promise: nil)
        context.channel.setOption(.autoRead, value: true).whenFailure { [weak self] _ in self?.close() }
        context.read()
    }

    /// A packet the server sends during the login.
    func fromServer(_ packet: MySQLPacket) {
        guard let context else { return }
        switch stage {
        case .authenticating:
            if let request = MySQLAuthSwitch(packet.payload), request.plugin == MySQLFrontDoor.doorPlugin {
                // One of Kerbside's plugins: it is the door's to answer (anything), then to ask.
                stage = .askingServer(switchSequence: packet.sequence)
                backend?.writeAndFlush(MySQLPacket(sequence: packet.sequence &+ 1, payload: ByteBuffer(string: "door")).encoded(), promise: nil)
                return
            }
            clientSequence = packet.sequence
            context.writeAndFlush(wrapOutboundOut(packet.encoded(allocator: context.channel.allocator)), promise: nil)
            if Self.isFinal(packet) { splice() }
        case .askingServer:
            askClient(for: packet)
        case .awaitingServerVerdict(let sequence):
            // The server's OK (or error), numbered as the client's conversation goes.
            context.writeAndFlush(wrapOutboundOut(MySQLPacket(sequence: sequence &+ 1, payload: packet.payload).encoded()), promise: nil)
            splice()
        default:
            close()
        }
    }

    /// OK and error packets end a login; anything else (a plugin switch, plugin data) goes on.
    private static func isFinal(_ packet: MySQLPacket) -> Bool {
        let first = packet.payload.getInteger(at: packet.payload.readerIndex, as: UInt8.self)
        return first == 0x00 || first == 0xff
    }

    /// The server's plugin says what the account is (`kerbside <plugin> <AS string>`); the client
    /// is asked for what that plugin takes.
    private func askClient(for question: MySQLPacket) {
        guard let context, let login else { return close() }
        let words = (question.payload.getString(at: question.payload.readerIndex, length: question.payload.readableBytes) ?? "")
            .split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard words.count >= 2, words[0] == "kerbside" else { return close() }
        let plugin = words[1], accountString = words.count > 2 ? words[2] : ""
        stage = .awaitingClientSecret(plugin: plugin, accountString: accountString, serverSequence: question.sequence)
        if plugin == Self.kerberosPlugin {
            return askForTicket(realm: accountString)
        }
        // A client that logged in with the cleartext plugin already gave its token or password.
        if login.plugin == "mysql_clear_password" && !login.authResponse.isEmpty {
            decide(secret: login.authResponse)
            return
        }
        clientSequence &+= 1
        context.writeAndFlush(wrapOutboundOut(MySQLAuthSwitch.packet(plugin: "mysql_clear_password", sequence: clientSequence).encoded()),
                              promise: nil)
    }

    /// Aurora MySQL's Kerberos accounts, as MySQL's `authentication_kerberos` asks its client:
    /// the service principal to get a ticket for and the account's realm (so a user of a trusted
    /// forest is asked for a ticket of its own realm), each a little-endian 16-bit length and text.
    static let kerberosPlugin = "authentication_kerberos"

    private func askForTicket(realm: String) {
        guard let context else { return close() }
        guard let service = server.servicePrincipal else {
            // Not joined (the decider records why); the client is refused as MySQL refuses it.
            return decide(secret: [])
        }
        var data: [UInt8] = []
        for text in [service, realm] {
            let bytes = Array(text.utf8)
            data += [UInt8(bytes.count & 0xff), UInt8(bytes.count >> 8)] + bytes
        }
        clientSequence &+= 1
        context.writeAndFlush(wrapOutboundOut(MySQLAuthSwitch.packet(plugin: "authentication_kerberos_client", data: data,
                                                                     sequence: clientSequence).encoded()), promise: nil)
    }

    /// The decider judges the login; the door answers the server (secret and principal) or
    /// refuses the client with MySQL's own words.
    private func decide(secret: [UInt8]) {
        guard case .awaitingClientSecret(_, _, let serverSequence) = stage, let context, let login,
              let question = question(secret: secret) else { return }
        stage = .deciding
        let decider = self.decider, loop = context.eventLoop
        let promise = loop.makePromise(of: MySQLLoginVerdict.self)
        promise.completeWithTask { await decider.decide(question) }
        promise.futureResult.whenSuccess { [self] verdict in
            switch verdict {
            case .allowed(let principal, let reply):
                if !reply.isEmpty {
                    // After a status byte, as MySQL sends a plugin's data during a login.
                    clientSequence &+= 1
                    var payload = ByteBuffer(bytes: [0x01])
                    payload.writeBytes(reply)
                    context.writeAndFlush(wrapOutboundOut(MySQLPacket(sequence: clientSequence, payload: payload).encoded()), promise: nil)
                }
                stage = .awaitingServerVerdict(clientSequence: clientSequence)
                var answer = ByteBuffer(bytes: server.secret)
                answer.writeString(" " + principal)
                backend?.writeAndFlush(MySQLPacket(sequence: serverSequence &+ 1, payload: answer).encoded(), promise: nil)
            case .refused:
                refuse(code: 1045, state: "28000", "Access denied for user '\(login.user)'@'\(question.clientAddress)' (using password: YES)",
                       sequence: clientSequence &+ 1)
            }
        }
    }

    /// What the decider is asked about the login the client is in, with what it sent.
    private func question(secret: [UInt8]) -> MySQLAccountLogin? {
        guard case .awaitingClientSecret(let plugin, let accountString, _) = stage, let context, let login else { return nil }
        return MySQLAccountLogin(resourceId: server.resourceId, user: login.user, plugin: plugin, accountString: accountString,
                                 secret: secret, overTLS: overTLS, clientAddress: Self.address(of: context.channel))
    }

    private static func address(of channel: any Channel) -> String { channel.remoteAddress?.ipAddress ?? "localhost" }

    // MARK: - From the client

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if received == nil {
            received = bytes
        } else {
            received!.writeBuffer(&bytes)
        }
        while var buffer = received, let packet = MySQLPacket.read(from: &buffer) {
            received = buffer.readableBytes > 0 ? buffer : nil
            fromClient(packet, context)
            if case .spliced = stage { return }
        }
    }

    private func fromClient(_ packet: MySQLPacket, _ context: ChannelHandlerContext) {
        switch stage {
        case .greeted, .encrypted:
            guard let hello = MySQLClientHello(packet.payload) else {
                return refuse(code: 1043, state: "08S01", "Bad handshake", sequence: packet.sequence &+ 1)
            }
            if case .greeted = stage, hello.isTLSRequest {
                startTLS(context, request: packet)
            } else if case .greeted = stage, server.requireSecureTransport {
                refuse(code: 3159, state: "HY000", "Connections using insecure transport are prohibited while --require_secure_transport=ON.",
                       sequence: packet.sequence &+ 1)
            } else {
                forwardLogin(packet)
            }
        case .authenticating:
            clientSequence = packet.sequence
            backend?.writeAndFlush(packet.encoded(), promise: nil)
        case .awaitingClientSecret:
            clientSequence = packet.sequence
            var secret = packet.payload.getBytes(at: packet.payload.readerIndex, length: packet.payload.readableBytes) ?? []
            if case .awaitingClientSecret(let plugin, _, _) = stage, plugin != Self.kerberosPlugin, secret.last == 0 { secret.removeLast() }
            decide(secret: secret)
        default:
            close()
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
            overTLS = true
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
    /// handshake is done); the server's answers come back packet by packet.
    private func forwardLogin(_ packet: MySQLPacket) {
        guard let backend, let request = MySQLLoginRequest(packet.payload) else {
            return refuse(code: 1043, state: "08S01", "Bad handshake", sequence: packet.sequence &+ 1)
        }
        login = request
        clientSequence = packet.sequence
        stage = .authenticating
        backend.writeAndFlush(packet.encoded(allocator: backend.allocator), promise: nil)
    }

    /// The login is over: from now on the two sides talk through a byte splice.
    private func splice() {
        guard let context, let backend else { return close() }
        stage = .spliced
        deadline?.cancel()
        let client = context.channel
        if let rest = received {
            received = nil
            backend.writeAndFlush(rest, promise: nil)
        }
        if let early = serverSide?.takeLeftover() { client.writeAndFlush(early, promise: nil) }
        // All on the connection's one event loop: no read can slip in between the handlers.
        context.pipeline.syncOperations.removeHandler(self)
            .flatMap { backend.pipeline.syncOperations.removeHandler(name: ServerSide.name) }
            .flatMapThrowing { try client.pipeline.syncOperations.addHandler(AccountStatementRewriter()) }
            .flatMap { ByteSplice.join(client, backend) }
            .whenFailure { _ in
                client.close(promise: nil)
                backend.close(promise: nil)
            }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if case .awaitingClientSecret(Self.kerberosPlugin, _, _) = stage, let question = question(secret: []) {
            // A Kerberos client with no ticket (and no password to get one) gives up on its own
            // side, without a word; the decider records the refusal all the same.
            let decider = self.decider
            Task { _ = await decider.decide(question) }
        }
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
/// the server's side of the login, packet by packet.
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
        if buffer == nil { buffer = bytes } else { buffer!.writeBuffer(&bytes) }
        while var pending = buffer, let packet = MySQLPacket.read(from: &pending) {
            buffer = pending.readableBytes > 0 ? pending : nil
            if greeted {
                login?.fromServer(packet)
            } else {
                greeted = true
                login?.greeting(packet)
            }
        }
    }

    /// What the server sent after the login's last packet (nothing, as clients speak first).
    func takeLeftover() -> ByteBuffer? {
        defer { buffer = nil }
        return buffer
    }

    func channelInactive(context: ChannelHandlerContext) {
        login?.close()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { login?.close() }
}
