import NIOCore

/// On the client's side of a spliced MySQL connection: Aurora MySQL's account statements
/// (`CREATE USER alice IDENTIFIED WITH 'authentication_kerberos' BY 'CORP.EXAMPLE.COM'`, and
/// `ALTER USER` alike), which MariaDB cannot parse, go on as MariaDB's own form (`… WITH
/// authentication_kerberos AS '…'`); every other byte goes on as it came.
///
/// Only a command can be one: a packet with sequence id 0 (each command starts one), small
/// enough to hold whole (64 KiB); anything else streams through without waiting for its end.
final class AccountStatementRewriter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// Commands are held whole up to this size; longer packets pass as they arrive.
    static let largestHeld = 64 * 1024
    private static let comQuery: UInt8 = 0x03

    private var pending: ByteBuffer?
    /// Bytes of the current packet still to pass through unread.
    private var passing = 0

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if var held = pending {
            held.writeBuffer(&bytes)
            bytes = held
            pending = nil
        }
        while bytes.readableBytes > 0 {
            if passing > 0 {
                let slice = bytes.readSlice(length: min(passing, bytes.readableBytes))!
                passing -= slice.readableBytes
                context.fireChannelRead(wrapInboundOut(slice))
                continue
            }
            guard let header = bytes.getBytes(at: bytes.readerIndex, length: 4) else { break }
            let length = Int(header[0]) | Int(header[1]) << 8 | Int(header[2]) << 16
            guard header[3] == 0, length <= Self.largestHeld else {
                passing = 4 + length
                continue
            }
            guard let packet = MySQLPacket.read(from: &bytes) else { break }
            context.fireChannelRead(wrapInboundOut(Self.rewritten(packet).encoded(allocator: context.channel.allocator)))
        }
        if bytes.readableBytes > 0 { pending = bytes }
    }

    func channelReadComplete(context: ChannelHandlerContext) { context.fireChannelReadComplete() }

    /// The packet, with an Aurora account statement in MariaDB's words.
    static func rewritten(_ packet: MySQLPacket) -> MySQLPacket {
        var payload = packet.payload
        guard payload.readInteger(as: UInt8.self) == comQuery,
              let text = payload.readString(length: payload.readableBytes),
              text.range(of: "authentication_kerberos", options: .caseInsensitive) != nil,
              let statement = mariadbStatement(text) else { return packet }
        var rewritten = ByteBuffer(bytes: [comQuery])
        rewritten.writeString(statement)
        return MySQLPacket(sequence: packet.sequence, payload: rewritten)
    }

    /// `IDENTIFIED WITH 'authentication_kerberos' BY '<realm>'` (quoted or not) as
    /// `IDENTIFIED WITH authentication_kerberos AS '<realm>'`; nil when there is none.
    static func mariadbStatement(_ sql: String) -> String? {
        let rewritten = sql.replacing(auroraForm) { _ in "IDENTIFIED WITH authentication_kerberos AS " }
        return rewritten == sql ? nil : rewritten
    }

    nonisolated(unsafe) private static let auroraForm = try! Regex(#"(?i)IDENTIFIED\s+WITH\s+['"`]?authentication_kerberos['"`]?\s+BY\s+"#)
}
