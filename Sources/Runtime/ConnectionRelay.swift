import NIOCore
import NIOPosix
import Synchronization

/// A listening address that passes every connection it accepts to a server chosen when the
/// connection arrives: round robin over the current targets. It is how an endpoint that is not
/// one server (an Aurora cluster's writer, reader and custom endpoints) gets an address of its
/// own, and how the MySQL family's endpoints reach their servers. What happens on the connection
/// is its `RelaySession`'s: `ByteSplice` looks at no byte, so TLS, Kerberos and passwords pass
/// end to end between the client and the server. With no target, a connection is closed at once.
public final class ConnectionRelay: Sendable {
    /// A server a relay leads to: a TCP address and port, or a Unix socket.
    public struct Target: Sendable, Hashable, CustomStringConvertible {
        public let address: String
        public let port: Int
        public let socketPath: String?

        public init(address: String, port: Int) {
            self.address = address
            self.port = port
            socketPath = nil
        }

        public init(socketPath: String) {
            address = "localhost"
            port = 0
            self.socketPath = socketPath
        }

        public var description: String { socketPath ?? "\(address):\(port)" }

        /// A connection to the target on `eventLoop` (where the accepted connection lives, so
        /// both sides of a relayed connection share one thread).
        public func connect(on eventLoop: any EventLoop) -> EventLoopFuture<any Channel> {
            let bootstrap = ClientBootstrap(group: eventLoop).connectTimeout(.seconds(5))
            if let socketPath { return bootstrap.connect(unixDomainSocketPath: socketPath) }
            return bootstrap.channelOption(.socketOption(.tcp_nodelay), value: 1).connect(host: address, port: port)
        }
    }

    public let address: String
    public let port: Int
    private let group: any EventLoopGroup
    private let session: any RelaySession
    private let state = Mutex<(targets: [Target], next: Int)>(([], 0))
    private let listener = Mutex<(any Channel)?>(nil)

    public init(address: String, port: Int, session: any RelaySession = ByteSplice(),
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.address = address
        self.port = port
        self.session = session
        self.group = group
    }

    /// New connections go to these (existing ones stay where they are).
    public func route(to targets: [Target]) {
        state.withLock { $0.targets = targets }
    }

    public var targets: [Target] { state.withLock { $0.targets } }

    /// The target for the next connection.
    func nextTarget() -> Target? {
        state.withLock { state in
            guard !state.targets.isEmpty else { return nil }
            defer { state.next &+= 1 }
            return state.targets[state.next % state.targets.count]
        }
    }

    public func start() async throws {
        let group = self.group
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.autoRead, value: false)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] inbound in self.relay(inbound, group: group) }
            .bind(host: address, port: port).get()
        listener.withLock { $0 = channel }
    }

    /// Stops listening; relayed connections end when either side closes.
    public func stop() async {
        let channel = listener.withLock { current -> (any Channel)? in
            defer { current = nil }
            return current
        }
        try? await channel?.close()
    }

    private func relay(_ inbound: any Channel, group: any EventLoopGroup) -> EventLoopFuture<Void> {
        guard let target = nextTarget() else {
            return inbound.close()
        }
        return inbound.eventLoop.makeCompletedFuture { try session.serve(inbound, toward: target) }
    }
}

/// What a relay does with one accepted connection once it has chosen the connection's target.
/// The connection does not read yet; the session starts reading (or closes it).
public protocol RelaySession: Sendable {
    /// Called on the connection's event loop, before it is active.
    func serve(_ inbound: any Channel, toward target: ConnectionRelay.Target) throws
}

/// The session that looks at no byte: the client and the server talk end to end.
public struct ByteSplice: RelaySession {
    public init() {}

    public func serve(_ inbound: any Channel, toward target: ConnectionRelay.Target) throws {
        try inbound.pipeline.syncOperations.addHandler(RelayConnector(target: target))
    }

    /// Joins two connected channels: from now on what one reads, the other writes, with
    /// backpressure both ways; either closing closes the other once its writes are out. The
    /// halves go last in each pipeline (after any TLS handler a session put there).
    public static func join(_ inbound: any Channel, _ outbound: any Channel) -> EventLoopFuture<Void> {
        let (toServer, toClient) = RelayHalf.pair()
        return inbound.pipeline.addHandler(toServer)
            .flatMap { outbound.pipeline.addHandler(toClient) }
            .flatMap { inbound.setOption(.autoRead, value: true) }
            .flatMap { outbound.setOption(.autoRead, value: true) }
    }
}

/// Connects an accepted connection to its target once it is active, then hands both channels
/// to a pair of `RelayHalf`s and starts reading (nothing is read before: no byte is lost).
private final class RelayConnector: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = NIOAny

    private let target: ConnectionRelay.Target

    init(target: ConnectionRelay.Target) {
        self.target = target
    }

    func channelActive(context: ChannelHandlerContext) {
        let inbound = context.channel
        target.connect(on: context.eventLoop)
            .flatMap { outbound in
                inbound.pipeline.removeHandler(self).flatMap { ByteSplice.join(inbound, outbound) }
            }
            .whenFailure { _ in inbound.close(promise: nil) }
        context.fireChannelActive()
    }
}

/// One side of a relayed connection: what it reads is written to its partner's channel, and
/// reading pauses while the partner cannot take more (so a slow reader slows the writer).
private final class RelayHalf: ChannelDuplexHandler, @unchecked Sendable {
    typealias InboundIn = NIOAny
    typealias OutboundIn = NIOAny
    typealias OutboundOut = NIOAny

    private var partner: RelayHalf?
    private var context: ChannelHandlerContext?
    private var pendingRead = false

    static func pair() -> (RelayHalf, RelayHalf) {
        let first = RelayHalf(), second = RelayHalf()
        first.partner = second
        second.partner = first
        return (first, second)
    }

    private var partnerWritable: Bool { partner?.context?.channel.isWritable ?? false }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        partner = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        partner?.context?.write(data, promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        partner?.context?.flush()
    }

    /// The other side is closed once what it still has to send has gone (a server's last
    /// error message reaches the client).
    func channelInactive(context: ChannelHandlerContext) {
        if let other = partner?.context?.channel {
            other.writeAndFlush(ByteBuffer()).whenComplete { _ in other.close(promise: nil) }
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { partner?.resumeReading() }
        context.fireChannelWritabilityChanged()
    }

    func read(context: ChannelHandlerContext) {
        if partnerWritable {
            context.read()
        } else {
            pendingRead = true
        }
    }

    private func resumeReading() {
        guard pendingRead, let context else { return }
        pendingRead = false
        context.read()
    }
}
