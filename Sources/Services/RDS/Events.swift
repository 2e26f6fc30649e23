import AWSWire
import Foundation
import GRDB
import State

extension RDSService {
    struct DescribeEventsRequest: Decodable, Sendable {
        var sourceIdentifier: String?
        var sourceType: String?
        var startTime: Date?
        var endTime: Date?
        var duration: Int?
        var eventCategories: [String]?
        var maxRecords: Int?
        var marker: String?
    }

    struct EventShape: Encodable, Sendable {
        var sourceIdentifier: String
        var sourceType: String
        var message: String
        var eventCategories: [String]
        var date: Date
        var sourceArn: String
    }

    struct DescribeEventsResponse: Encodable, Sendable {
        var marker: String?
        var events: [EventShape]
    }

    static let sourceTypes: Set<String> = ["db-instance", "db-parameter-group", "db-security-group", "db-snapshot", "db-cluster",
                                           "db-cluster-snapshot", "custom-engine-version", "db-proxy", "blue-green-deployment"]

    /// What happened to the account's RDS resources: by default the last hour, as RDS answers.
    mutating func registerEvents() {
        let store = store

        operations.on("DescribeEvents") { (input: DescribeEventsRequest, call) -> DescribeEventsResponse in
            if let type = input.sourceType, !Self.sourceTypes.contains(type) {
                throw RDSError.invalidParameterValue("Invalid source type: \(type)")
            }
            if input.sourceIdentifier != nil && input.sourceType == nil {
                throw RDSError.invalidParameterCombination("Cannot specify source identifier without source type")
            }
            let limit = try RDSListing.limit(input.maxRecords)
            let end = input.endTime ?? call.now
            let start = input.startTime ?? end.addingTimeInterval(-TimeInterval((input.duration ?? 60) * 60))
            return try await store.read { db in
                var request = RDSEvent.filter(Column("accountId") == call.accountId && Column("region") == call.region
                                              && Column("date") >= start && Column("date") <= end)
                if let type = input.sourceType { request = request.filter(Column("sourceType") == type) }
                if let source = input.sourceIdentifier { request = request.filter(Column("sourceIdentifier") == source.lowercased()) }
                var events = try request.order(Column("date"), Column("id")).fetchAll(db)
                if let categories = input.eventCategories, !categories.isEmpty {
                    events = events.filter { !Set($0.categories).isDisjoint(with: categories) }
                }
                let page = try RDSListing.page(events, after: input.marker, limit: limit)
                return DescribeEventsResponse(marker: page.nextMarker, events: page.items.map {
                    EventShape(sourceIdentifier: $0.sourceIdentifier, sourceType: $0.sourceType, message: $0.message,
                               eventCategories: $0.categories, date: $0.date, sourceArn: $0.sourceArn)
                })
            }
        }
    }
}
