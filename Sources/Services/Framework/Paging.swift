import Foundation

/// IAM-style paging: `MaxItems` bounds a page and an opaque `Marker` resumes after the last
/// item returned. Markers carry the last sort key, so items deleted between pages do not shift
/// the next page.
public struct Page<Element: Sendable>: Sendable {
    public let items: [Element]
    public let nextMarker: String?

    public var isTruncated: Bool { nextMarker != nil }
}

public enum Paging {
    public static func limit(_ maxItems: Int?, default defaultLimit: Int = 100) -> Int {
        max(1, min(maxItems ?? defaultLimit, 1000))
    }

    public static func marker(after key: String) -> String {
        Data(key.utf8).base64EncodedString()
    }

    /// The sort key a marker resumes after; nil for a marker Kerbside did not issue.
    public static func key(from marker: String) -> String? {
        Data(base64Encoded: marker).flatMap { String(data: $0, encoding: .utf8) }
    }

    /// Pages an already sorted array by `key`.
    public static func page<Element: Sendable>(
        _ sorted: [Element], after marker: String?, limit: Int, key: (Element) -> String
    ) throws(MarkerError) -> Page<Element> {
        var remaining = sorted[...]
        if let marker {
            guard let last = Self.key(from: marker) else { throw MarkerError() }
            remaining = remaining.drop { key($0).lowercased() <= last.lowercased() }
        }
        let items = Array(remaining.prefix(limit))
        let next = remaining.count > limit ? items.last.map { Self.marker(after: key($0)) } : nil
        return Page(items: items, nextMarker: next)
    }
}

public struct MarkerError: Error, Sendable {}
