import Foundation

/// Follows a server's log file: each call answers the whole lines written since the last one
/// (at most `limit` bytes are read per call; a log that was replaced is read from its start).
public struct LogTail: Sendable {
    public let file: URL
    private var offset: UInt64 = 0
    private var pending = ""

    public init(file: URL) {
        self.file = file
    }

    public mutating func newLines(limit: Int = 1 << 20) -> [String] {
        guard let handle = try? FileHandle(forReadingFrom: file) else { return [] }
        defer { try? handle.close() }
        if let size = try? handle.seekToEnd(), size < offset { offset = 0 }
        try? handle.seek(toOffset: offset)
        guard let data = try? handle.read(upToCount: limit), !data.isEmpty else { return [] }
        offset += UInt64(data.count)
        var lines = (pending + String(decoding: data, as: UTF8.self)).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        pending = lines.removeLast()
        return lines
    }
}
