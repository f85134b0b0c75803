import DSCMetrics
import Foundation
import XCTest

/// The contingency table, the ACC matching built on it, and the JSON shape of `ClusteringMetrics`.
final class ContingencyTableTests: XCTestCase {
    func testCountsWithSortedArbitraryLabels() {
        let truth = [10, -3, 10, 10, 4, -3, 4]
        let predicted = [2, 2, 7, 7, 0, 2, 0]
        let table = ContingencyTable(truth: truth, predicted: predicted)
        XCTAssertEqual(table.classes, [-3, 4, 10])
        XCTAssertEqual(table.clusters, [0, 2, 7])
        XCTAssertEqual(table.counts, [[0, 2, 0], [2, 0, 0], [0, 1, 2]])
        XCTAssertEqual(table.flatCounts, [0, 2, 0, 2, 0, 0, 0, 1, 2])
        XCTAssertEqual(table[2, 1], 1)
        XCTAssertEqual(table.classSizes, [2, 2, 3])
        XCTAssertEqual(table.clusterSizes, [2, 3, 2])
        XCTAssertEqual(table.sampleCount, 7)
        XCTAssertEqual(table.classCount, 3)
        XCTAssertEqual(table.clusterCount, 3)
    }

    func testTransposedSwapsRoles() {
        let table = ContingencyTable(truth: [1, 1, 2, 3], predicted: [5, 6, 6, 6])
        let swapped = ContingencyTable(truth: [5, 6, 6, 6], predicted: [1, 1, 2, 3])
        XCTAssertEqual(table.transposed(), swapped)
        XCTAssertEqual(swapped.counts, [[1, 0, 0], [1, 1, 1]])
        XCTAssertEqual(table.transposed().transposed(), table)
    }

    func testPrecomputedCountsRoundTrip() {
        let table = ContingencyTable(truth: [0, 0, 1, 9], predicted: [3, 4, 4, 4])
        let rebuilt = ContingencyTable(
            classes: table.classes, clusters: table.clusters,
            flatCounts: table.flatCounts)
        XCTAssertEqual(rebuilt, table)
        XCTAssertEqual(
            ClusteringMetrics(rebuilt),
            ClusteringMetrics(
                truth: [0, 0, 1, 9],
                predicted: [3, 4, 4, 4]))
    }

    func testEmptyTable() {
        let table = ContingencyTable(truth: [], predicted: [])
        XCTAssertEqual(table.classCount, 0)
        XCTAssertEqual(table.clusterCount, 0)
        XCTAssertEqual(table.counts, [])
        XCTAssertEqual(table.sampleCount, 0)
    }

    func testMatchingWithMoreClustersThanClasses() {
        // Class 0 mostly in cluster 20, class 1 split over 10 and 30 (30 larger).
        let truth = [0, 0, 0, 0, 1, 1, 1, 1, 1]
        let predicted = [20, 20, 20, 10, 10, 10, 30, 30, 30]
        let matching = Metrics.accuracyMatching(truth: truth, predicted: predicted)
        XCTAssertEqual(matching.matchedCount, 6)
        XCTAssertEqual(matching.accuracy, 6.0 / 9.0)
        // Unique optimum 3 + 3: cluster 10 (1 of class 0, 2 of class 1) stays unmatched.
        XCTAssertEqual(matching.clusterToClass, [20: 0, 30: 1])
        XCTAssertEqual(Metrics.accuracyMapping(truth: truth, predicted: predicted), [20: 0, 30: 1])
        XCTAssertEqual(matching.reorderedClasses, [0, 1])
        XCTAssertEqual(matching.reorderedClusters, [20, 30, 10])
        XCTAssertEqual(matching.reorderedCounts, [[3, 0, 1], [0, 3, 2]])
    }

    func testMatchingWithFewerClustersThanClasses() {
        let truth = [0, 0, 1, 1, 1, 2, 2, 2, 2]
        let predicted = [5, 5, 5, 5, 5, 6, 6, 6, 6]
        let matching = Metrics.accuracyMatching(truth: truth, predicted: predicted)
        // Cluster 5 → class 1 (3 samples), cluster 6 → class 2 (4); class 0 unmatched.
        XCTAssertEqual(matching.clusterToClass, [5: 1, 6: 2])
        XCTAssertEqual(matching.matchedCount, 7)
        XCTAssertEqual(matching.reorderedClasses, [1, 2, 0])
        XCTAssertEqual(matching.reorderedClusters, [5, 6])
        XCTAssertEqual(matching.reorderedCounts, [[3, 0], [0, 4], [2, 0]])
    }

    func testReorderedDiagonalHoldsMatchedCount() {
        var rng = SplitMix64(seed: 31)
        for _ in 0..<30 {
            let n = 1 + rng.below(80)
            let truth = rng.labels(count: n, classes: 1 + rng.below(7))
            let predicted = rng.labels(count: n, classes: 1 + rng.below(7))
            let matching = Metrics.accuracyMatching(truth: truth, predicted: predicted)
            let counts = matching.reorderedCounts
            let k = min(matching.table.classCount, matching.table.clusterCount)
            XCTAssertEqual((0..<k).map { counts[$0][$0] }.reduce(0, +), matching.matchedCount)
            XCTAssertEqual(counts.joined().reduce(0, +), n)
            let correct = zip(truth, predicted).filter { matching.clusterToClass[$1] == $0 }.count
            XCTAssertEqual(correct, matching.matchedCount)
        }
    }

    func testClusteringMetricsJSONContract() throws {
        let metrics = ClusteringMetrics(acc: 0.5, nmi: 0.25, nmiGeometric: 0.125, ari: -0.5, ami: 1)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(metrics), as: UTF8.self)
        XCTAssertEqual(json, #"{"acc":0.5,"ami":1,"ari":-0.5,"nmi":0.25,"nmi_geometric":0.125}"#)
        XCTAssertEqual(try JSONDecoder().decode(ClusteringMetrics.self, from: Data(json.utf8)), metrics)
    }
}
