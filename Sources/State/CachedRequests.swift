import GRDB

extension FetchableRecord where Self: TableRecord {
    /// `SELECT * FROM <table> WHERE a = ? AND b = ? [ORDER BY c]` whose prepared statement
    /// SQLite keeps between calls. GRDB's query interface prepares every request afresh, and on
    /// the lookups most requests make (a key by id, a role by name, a listing) preparing cost more
    /// than the query. Column collations apply: IAM names compare without case.
    static func cachedRequest(
        where columns: [String], _ values: [any DatabaseValueConvertible], orderedBy order: String? = nil
    ) -> SQLRequest<Self> {
        var sql = "SELECT * FROM \(databaseTableName.quotedDatabaseIdentifier) WHERE "
            + columns.map { "\($0.quotedDatabaseIdentifier) = ?" }.joined(separator: " AND ")
        if let order { sql += " ORDER BY \(order.quotedDatabaseIdentifier)" }
        return SQLRequest(sql: sql, arguments: StatementArguments(values), cached: true)
    }
}
