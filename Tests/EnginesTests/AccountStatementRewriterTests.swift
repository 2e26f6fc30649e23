@testable import Engines
import NIOCore
import NIOEmbedded
import Testing

/// Aurora's account statements in MariaDB's words, and every other byte untouched, however the
/// client's bytes arrive.
struct AccountStatementRewriterTests {
    @Test func auroraKerberosAccountsTakeMariaDBsForm() {
        #expect(AccountStatementRewriter.mariadbStatement("CREATE USER Admin@'%' IDENTIFIED WITH 'authentication_kerberos' BY 'CORP.EXAMPLE.COM';")
                == "CREATE USER Admin@'%' IDENTIFIED WITH authentication_kerberos AS 'CORP.EXAMPLE.COM';")
        #expect(AccountStatementRewriter.mariadbStatement("alter user bob identified  with authentication_kerberos\n by 'ONPREM.EXAMPLE.COM'")
                == "alter user bob IDENTIFIED WITH authentication_kerberos AS 'ONPREM.EXAMPLE.COM'")
        #expect(AccountStatementRewriter.mariadbStatement("CREATE USER a IDENTIFIED WITH authentication_kerberos AS 'R'") == nil)
        #expect(AccountStatementRewriter.mariadbStatement("SELECT 'IDENTIFIED BY authentication_kerberos'") == nil)
    }

    static func command(_ sql: String, sequence: UInt8 = 0) -> ByteBuffer {
        var payload = ByteBuffer(bytes: [0x03])
        payload.writeString(sql)
        return MySQLPacket(sequence: sequence, payload: payload).encoded()
    }

    /// What the server side receives when `stream` arrives in pieces of `size` bytes.
    static func passed(_ stream: ByteBuffer, inPiecesOf size: Int) throws -> ByteBuffer {
        let channel = EmbeddedChannel(handler: AccountStatementRewriter())
        var input = stream
        while input.readableBytes > 0 {
            try channel.writeInbound(input.readSlice(length: min(size, input.readableBytes))!)
        }
        var output = ByteBuffer()
        while var piece = try channel.readInbound(as: ByteBuffer.self) { output.writeBuffer(&piece) }
        _ = try channel.finish()
        return output
    }

    @Test func onlyCommandsAreRewrittenWhateverThePieces() throws {
        let create = "CREATE USER alice IDENTIFIED WITH 'authentication_kerberos' BY 'CORP.EXAMPLE.COM'"
        var stream = Self.command("SELECT 1")
        var data = Self.command(create, sequence: 2)                 // LOAD DATA bytes, not a command
        stream.writeBuffer(&data)
        var statement = Self.command(create)
        stream.writeBuffer(&statement)
        var expected = Self.command("SELECT 1")
        var same = Self.command(create, sequence: 2)
        expected.writeBuffer(&same)
        var rewritten = Self.command("CREATE USER alice IDENTIFIED WITH authentication_kerberos AS 'CORP.EXAMPLE.COM'")
        expected.writeBuffer(&rewritten)
        for size in [1, 3, 7, 64, 10_000] {
            #expect(try Self.passed(stream, inPiecesOf: size) == expected, "pieces of \(size)")
        }
    }

    @Test func largePacketsStreamThroughUnheld() throws {
        let large = Self.command(String(repeating: "x", count: AccountStatementRewriter.largestHeld + 10) + " authentication_kerberos")
        #expect(try Self.passed(large, inPiecesOf: 4096) == large)
    }
}
