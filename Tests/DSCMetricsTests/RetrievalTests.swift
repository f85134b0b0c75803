import DSCMetrics
import XCTest

/// Retrieval scores on hand-worked rankings.
final class RetrievalTests: XCTestCase {
    func testAveragePrecision() {
        // Relevant at ranks 1, 3, 6: (1/1 + 2/3 + 3/6) / 3.
        let r = [true, false, true, false, false, true, false]
        XCTAssertEqual(Retrieval.averagePrecision(r), (1 + 2.0 / 3 + 0.5) / 3, accuracy: 1e-12)
        // Over the top 4: the relevant items found there, ranks 1 and 3.
        XCTAssertEqual(Retrieval.averagePrecision(r, limit: 4), (1 + 2.0 / 3) / 2, accuracy: 1e-12)
        XCTAssertEqual(Retrieval.averagePrecision([false, false]), 0)
        XCTAssertEqual(Retrieval.averagePrecision([true, true, true]), 1)
    }

    func testPrecisionAndRadius() {
        let r = [true, false, true, true]
        XCTAssertEqual(Retrieval.precision(r, at: 2), 0.5)
        XCTAssertEqual(Retrieval.precision(r, at: 8), 3.0 / 8)
        XCTAssertEqual(Retrieval.precisionWithin(radius: 2, distances: [0, 3, 2, 5], relevant: r), 1)
        XCTAssertEqual(Retrieval.precisionWithin(radius: 2, distances: [0, 1, 9, 9], relevant: r), 0.5)
        XCTAssertEqual(Retrieval.precisionWithin(radius: 2, distances: [4, 4, 4, 4], relevant: r), 0)
    }

    func testRankingBreaksTiesByIndex() {
        XCTAssertEqual(Retrieval.ranking([2, 1, 2, 0, 1]), [3, 1, 4, 0, 2])
    }
}
