import DSCNeighbors
import DSCTensor
import XCTest

/// Exact search against a brute-force oracle in Double, for every metric.
final class ExactSearchTests: XCTestCase {
    func gaussian(_ rows: Int, _ d: Int, seed: UInt64) -> [Float] {
        var g = SeededGenerator(seed: seed)
        return (0..<(rows * d)).map { _ in Float(g.nextGaussian()) }
    }

    /// The oracle's score of (x, y): larger is better.
    func score(_ x: ArraySlice<Float>, _ y: ArraySlice<Float>, _ metric: KNNMetric) -> Double {
        let dot = zip(x, y).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let nx = x.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        let ny = y.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        switch metric {
        case .cosine: return nx > 0 && ny > 0 ? dot / (nx * ny) : 0
        case .euclidean: return -(nx * nx + ny * ny - 2 * dot)
        case .innerProduct: return dot
        case .absoluteInnerProduct: return abs(dot)
        }
    }

    func oracle(_ q: [Float], _ db: [Float], d: Int, k: Int, metric: KNNMetric, excludingSelf: Bool) -> [[Int32]] {
        let n = q.count / d
        let m = db.count / d
        return (0..<n).map { i in
            let x = q[(i * d)..<((i + 1) * d)]
            let candidates = (0..<m).filter { !excludingSelf || $0 != i }
            let ranked = candidates.map { j in (j, score(x, db[(j * d)..<((j + 1) * d)], metric)) }
                .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
            return ranked.prefix(k).map { Int32($0.0) }
        }
    }

    func testQuerySearchMatchesBruteForceForEveryMetric() {
        let d = 7
        let k = 5
        let db = gaussian(300, d, seed: 1)
        let q = gaussian(37, d, seed: 2)
        for metric in KNNMetric.allCases {
            var search = ExactSearch(k: k, metric: metric)
            search.queryBlock = 16  // several blocks of queries
            search.databaseBlock = 37  // and of the database
            let found = search.search(queries: q, database: db, dimension: d)
            XCTAssertEqual(found.queries, 37)
            let expected = oracle(q, db, d: d, k: k, metric: metric, excludingSelf: false)
            for i in 0..<37 {
                XCTAssertEqual(found.results(of: i).map(\.id), expected[i], "\(metric), query \(i)")
            }
        }
    }

    func testScoresAreTheMetricsOwn() {
        let d = 4
        let db = gaussian(50, d, seed: 3)
        let q = gaussian(3, d, seed: 4)
        for metric in KNNMetric.allCases {
            let found = ExactSearch(k: 3, metric: metric).search(queries: q, database: db, dimension: d)
            for i in 0..<3 {
                for (id, s) in found.results(of: i) {
                    let x = q[(i * d)..<((i + 1) * d)]
                    let y = db[(Int(id) * d)..<((Int(id) + 1) * d)]
                    let want = metric == .euclidean ? -score(x, y, metric) : score(x, y, metric)
                    XCTAssertEqual(Double(s), want, accuracy: 1e-4 * max(1, abs(want)), "\(metric)")
                }
            }
        }
    }

    /// Within one set: the same neighbours as a query search of the set against itself without
    /// self, and never the row itself; streamed blocks give the same lists as in memory.
    func testWithinSetAgreesWithSelfExcludedQuerySearch() throws {
        let n = 130
        let d = 6
        let k = 4
        let x = gaussian(n, d, seed: 5)
        for metric in KNNMetric.allCases {
            var search = ExactSearch(k: k, metric: metric)
            search.blockSize = 32
            let (lists, stats) = try search.neighbors(within: ArraySamples(values: x, shape: [n, d]))
            XCTAssertEqual(stats.blockPairs, 5 * 6 / 2)
            let expected = oracle(x, x, d: d, k: k, metric: metric, excludingSelf: true)
            for i in 0..<n {
                XCTAssertEqual(Array(lists.neighbors(of: i)), expected[i], "\(metric), row \(i)")
            }
            let queried = search.search(queries: x, database: x, dimension: d, excludingSelf: true)
            XCTAssertEqual(queried.ids, lists.indices, "\(metric)")
        }
    }

    func testTiesGoToTheSmallerRowAndShortDatabasesArePadded() {
        // Four identical database rows: every query ranks them 0, 1, 2, 3.
        let db: [Float] = [1, 0, 1, 0, 1, 0, 1, 0]
        let found = ExactSearch(k: 6, metric: .innerProduct).search(queries: [2, 0], database: db, dimension: 2)
        XCTAssertEqual(found.ids, [0, 1, 2, 3, -1, -1])
        XCTAssertEqual(Array(found.scores.prefix(4)), [2, 2, 2, 2])
        XCTAssertTrue(found.scores[5].isNaN)
    }

    func testNonFiniteRowIsReported() {
        var x = gaussian(20, 3, seed: 6)
        x[3 * 7 + 1] = .nan
        XCTAssertThrowsError(try ExactSearch(k: 2).neighbors(within: ArraySamples(values: x, shape: [20, 3]))) {
            XCTAssertEqual($0 as? NeighborSearchError, .nonFiniteValue(row: 7))
        }
    }
}
