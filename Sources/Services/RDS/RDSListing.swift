/// RDS's listings: `MaxRecords` (20 to 100 by default, 100 if not given) and opaque markers.
enum RDSListing {
    static func limit(_ maxRecords: Int?, maximum: Int = 100) throws -> Int {
        let limit = maxRecords ?? 100
        guard (20...maximum).contains(limit) else {
            throw RDSError.invalidParameterValue("Invalid value \(limit) for MaxRecords. Must be between 20 and \(maximum)")
        }
        return limit
    }

    /// Pages items in the order given (by position; markers are Kerbside's own).
    static func page<Element: Sendable>(_ items: [Element], after marker: String?, limit: Int) throws -> Page<Element> {
        let numbered = items.enumerated().map { (key: String(format: "%08d", $0.offset), item: $0.element) }
        do {
            let page = try Paging.page(numbered, after: marker, limit: limit, key: \.key)
            return Page(items: page.items.map(\.item), nextMarker: page.nextMarker)
        } catch {
            throw RDSError.invalidMarker
        }
    }

    /// Pages items already sorted by a lower-case name.
    static func page<Element: Sendable>(_ items: [Element], after marker: String?, limit: Int, key: (Element) -> String) throws -> Page<Element> {
        do {
            return try Paging.page(items, after: marker, limit: limit, key: key)
        } catch {
            throw RDSError.invalidMarker
        }
    }
}
