import NIOCore
import NIOPosix

/// The LDAP server PostgreSQL's `ldap` pg_hba method talks to for IAM database authentication.
///
/// Each instance's pg_hba line reads
/// `hostssl all +rds_iam 127.0.0.0/8 ldap ldapserver=127.0.0.1 ldapport=<port> ldapprefix="cn=" ldapsuffix=",ou=<DbiResourceId>"`,
/// so every IAM login opens a connection here, sends one simple BindRequest whose password is the
/// token, and unbinds. The responder answers each bind with what `verify` decides; it speaks
/// nothing else of LDAP. Malformed or oversized messages and other operations get
/// `protocolError` (when their messageID can be read) and the connection is closed; so is a
/// connection idle for `idleTimeout`. Passwords are never logged or echoed.
public actor LDAPBindResponder {
    public typealias Verify = @Sendable (LDAPBind) async -> LDAPBindVerdict

    /// Far above a token (1–2 KB) and its DN; anything larger is not a login.
    public static let maximumMessageSize = 64 * 1024
    /// Diagnostics are cut to this many characters, so a reply stays small.
    static let maximumDiagnosticLength = 1024

    private let requestedPort: Int
    private let idleTimeout: Duration
    private let group: any EventLoopGroup
    private let verify: Verify
    private var serving: Task<Void, Never>?
    /// The port bound by `start()` (the kernel's choice when asked for port 0); nil when stopped.
    public private(set) var port: Int?

    public init(port: Int = 0, idleTimeout: Duration = .seconds(10),
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, verify: @escaping Verify) {
        self.requestedPort = port
        self.idleTimeout = idleTimeout
        self.group = group
        self.verify = verify
    }

    /// Binds 127.0.0.1 and starts answering; returns the port. Calling it while running returns
    /// the port already bound.
    @discardableResult
    public func start() async throws -> Int {
        if let port { return port }
        let idle = TimeAmount(idleTimeout)
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: requestedPort) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(
                        IdleStateHandler(readTimeout: idle),
                        IdleConnectionCloser(),
                        ByteToMessageHandler(LDAPFrameDecoder(limit: Self.maximumMessageSize)))
                    return try NIOAsyncChannel<LDAPFrame, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        // Another start() may have finished while this one waited for the bind.
        if let port {
            try? await server.channel.close()
            return port
        }
        guard let bound = server.channel.localAddress?.port else {
            try? await server.channel.close()
            throw LDAPResponderError(description: "the LDAP bind responder's socket has no local port")
        }
        let verify = self.verify
        serving = Task { await Self.serve(server, verify: verify) }
        port = bound
        return bound
    }

    /// Stops accepting and closes every connection; returns when all are closed.
    public func stop() async {
        guard let serving else { return }
        self.serving = nil
        port = nil
        serving.cancel()
        await serving.value
    }

    private static func serve(_ server: NIOAsyncChannel<NIOAsyncChannel<LDAPFrame, ByteBuffer>, Never>, verify: @escaping Verify) async {
        do {
            try await server.executeThenClose { connections in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in connections {
                        group.addTask { await converse(connection, verify: verify) }
                    }
                }
            }
        } catch {
            // Cancelled by stop(), or the listening socket failed: either way, nothing to serve.
        }
    }

    private static func converse(_ connection: NIOAsyncChannel<LDAPFrame, ByteBuffer>, verify: @escaping Verify) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                for try await frame in inbound {
                    let answer = await reply(to: frame, verify: verify)
                    if let bytes = answer.bytes { try await outbound.write(ByteBuffer(bytes: bytes)) }
                    if answer.close { return }
                }
            }
        } catch {
            // The peer went away, or the idle timer closed the connection.
        }
    }

    /// What to send for one frame, and whether to close the connection afterwards.
    static func reply(to frame: LDAPFrame, verify: Verify) async -> (bytes: [UInt8]?, close: Bool) {
        func protocolError(_ messageID: Int?, _ reason: String) -> (bytes: [UInt8]?, close: Bool) {
            let bytes = messageID.map { LDAPBindResponse(messageID: $0, resultCode: .protocolError, diagnosticMessage: reason).encoded() }
            return (bytes, true)
        }
        let request: LDAPRequest
        switch frame {
        case .unusable(let messageID, let reason):
            return protocolError(messageID, reason)
        case .message(let bytes):
            do {
                request = try LDAPRequest.decode(bytes)
            } catch {
                return protocolError(error.messageID, error.reason)
            }
        }
        switch request {
        case .unbind:
            return (nil, true)
        case .other(let messageID, let operation):
            return protocolError(messageID, "this server only answers simple binds; operation [APPLICATION \(operation)] is not supported")
        case .bind(let messageID, let version, let name, let authentication):
            let (resultCode, diagnostic) = await bindResult(version: version, name: name, authentication: authentication, verify: verify)
            let response = LDAPBindResponse(messageID: messageID, resultCode: resultCode,
                                            diagnosticMessage: String(diagnostic.prefix(maximumDiagnosticLength)))
            return (response.encoded(), false)
        }
    }

    private static func bindResult(version: Int, name: String, authentication: LDAPRequest.Authentication,
                                   verify: Verify) async -> (resultCode: LDAPResultCode, diagnosticMessage: String) {
        guard version == 3 else { return (.protocolError, "LDAP version \(version) is not supported; use version 3") }
        guard case .simple(let secret) = authentication else {
            return (.authMethodNotSupported, "only simple binds are supported")
        }
        guard !secret.isEmpty else { return (.invalidCredentials, "an empty password (an unauthenticated bind) is refused") }
        guard let password = String(validating: secret, as: UTF8.self) else {
            return (.invalidCredentials, "the password is not valid UTF-8, so it is not an IAM authentication token")
        }
        guard let bind = LDAPBind(dn: name, password: password) else {
            return (.invalidDNSyntax, "the bind DN \"\(name.prefix(256))\" is not cn=<database user>,ou=<resource id>")
        }
        switch await verify(bind) {
        case .success: return (.success, "")
        case .refused(let diagnostic): return (.invalidCredentials, diagnostic)
        }
    }
}

public struct LDAPResponderError: Error, CustomStringConvertible {
    public let description: String
}

/// Cuts a byte stream into LDAP messages. After an unusable frame it reads nothing more: the
/// connection is about to close.
struct LDAPFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = LDAPFrame

    let limit: Int
    private var finished = false

    init(limit: Int) {
        self.limit = limit
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard !finished else {
            buffer.moveReaderIndex(to: buffer.writerIndex)
            return .needMoreData
        }
        switch LDAPFrame.measure(buffer.readableBytesView, limit: limit) {
        case .incomplete:
            return .needMoreData
        case .complete(let length):
            let bytes = buffer.readBytes(length: length) ?? []
            context.fireChannelRead(wrapInboundOut(.message(bytes)))
            return .continue
        case .unusable(let messageID, let reason):
            finished = true
            buffer.moveReaderIndex(to: buffer.writerIndex)
            context.fireChannelRead(wrapInboundOut(.unusable(messageID: messageID, reason: reason)))
            return .needMoreData
        }
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        // A message cut short by the peer closing is dropped, not an error.
        buffer.moveReaderIndex(to: buffer.writerIndex)
        return .needMoreData
    }
}

/// Closes a connection when `IdleStateHandler` reports it idle.
final class IdleConnectionCloser: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
