import DSCNeighbors
import DSCTensor
import XCTest

@testable import DSCCluster

/// A source that is not ``ArraySamples``, so the graph builder must read it block by block;
/// it counts the rows it hands out.
final class CountingRows: SampleSource, @unchecked Sendable {
    let count: Int, sampleShape: [Int], data: [Float]
    private(set) var rowsRead = 0
    init(rows: Int, dimension: Int, data: [Float]) {
        count = rows
        sampleShape = [dimension]
        self.data = data
    }
    func readRows(_ range: Range<Int>, into buffer: UnsafeMutablePointer<Float>) throws {
        let d = dimension
        for (o, v) in data[(range.lowerBound * d)..<(range.upperBound * d)].enumerated() { buffer[o] = v }
        rowsRead += range.count
    }
}

func gaussianData(rows: Int, columns: Int, seed: UInt64) -> [Float] {
    var g = SeededGenerator(seed: seed)
    return (0..<(rows * columns)).map { _ in Float(g.nextGaussian()) }
}

final class KNNGraphTests: XCTestCase {
    /// Brute-force neighbour ids of every row, in Double: best first by the metric.
    private func bruteForce(_ x: [Float], rows n: Int, columns d: Int, k: Int, metric: KNNMetric) -> [[Int]] {
        func dot(_ i: Int, _ j: Int) -> Double {
            (0..<d).reduce(0.0) { $0 + Double(x[i * d + $1]) * Double(x[j * d + $1]) }
        }
        let sq = (0..<n).map { dot($0, $0) }
        return (0..<n).map { i in
            let others = (0..<n).filter { $0 != i }
            let key: (Int) -> Double = { j in
                metric == .cosine ? -dot(i, j) / (sq[i] * sq[j]).squareRoot() : sq[i] + sq[j] - 2 * dot(i, j)
            }
            return Array(others.sorted { key($0) < key($1) }.prefix(k))
        }
    }

    private func assertMatchesBruteForce(
        _ lists: NeighborLists, _ x: [Float], rows n: Int, columns d: Int,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        let truth = bruteForce(x, rows: n, columns: d, k: lists.neighbors, metric: lists.metric)
        for i in 0..<n {
            XCTAssertEqual(lists.neighbors(of: i).map(Int.init), truth[i], "row \(i)", file: file, line: line)
        }
    }

    func testCosineMatchesBruteForceAcrossBlockSizes() throws {
        let n = 301
        let d = 17
        let x = gaussianData(rows: n, columns: d, seed: 1)
        for block in [1000, 64, 7] {
            var graph = KNNGraph(neighbors: 6, metric: .cosine)
            graph.blockSize = block
            let (lists, stats) = try graph.nearestNeighbors(ArraySamples(values: x, shape: [n, d]))
            assertMatchesBruteForce(lists, x, rows: n, columns: d)
            let blocks = (n + min(block, n) - 1) / min(block, n)
            XCTAssertEqual(stats.blockPairs, blocks * (blocks + 1) / 2)
            XCTAssertEqual(
                stats.gemmFlops,
                Double(2 * d)
                    * Double(
                        (0..<blocks).reduce(0) { acc, bi in
                            let mi = min(n, (bi + 1) * min(block, n)) - bi * min(block, n)
                            return acc + mi * (n - bi * min(block, n))
                        }))
        }
    }

    func testEuclideanMatchesBruteForceWithDistances() throws {
        let n = 250
        let d = 9
        var x = gaussianData(rows: n, columns: d, seed: 2)
        for i in 0..<d { x[7 * d + i] += 5 }  // one row far from the origin
        var graph = KNNGraph(neighbors: 5, metric: .euclidean)
        graph.blockSize = 96
        let (lists, _) = try graph.nearestNeighbors(ArraySamples(values: x, shape: [n, d]))
        assertMatchesBruteForce(lists, x, rows: n, columns: d)
        for i in [0, 7, 249] {
            for (slot, j) in lists.neighbors(of: i).enumerated() {
                let exact = (0..<d).reduce(0.0) { $0 + pow(Double(x[i * d + $1] - x[Int(j) * d + $1]), 2) }
                XCTAssertEqual(Double(lists.squaredDistances[i * 5 + slot]), exact, accuracy: 1e-3 * max(1, exact))
            }
        }
    }

    func testStreamedSourceReadsBlocksAndMatches() throws {
        let n = 123
        let d = 5
        let x = gaussianData(rows: n, columns: d, seed: 3)
        for metric in [KNNMetric.cosine, .euclidean] {
            let source = CountingRows(rows: n, dimension: d, data: x)
            var graph = KNNGraph(neighbors: 4, metric: metric)
            graph.blockSize = 20
            graph.cacheLimitBytes = 0
            let (lists, stats) = try graph.nearestNeighbors(source)
            XCTAssertFalse(stats.resident)
            // Norm pass (n rows) + every query block once + every reference block J > I.
            XCTAssertGreaterThan(source.rowsRead, 2 * n)
            assertMatchesBruteForce(lists, x, rows: n, columns: d)

            let cached = CountingRows(rows: n, dimension: d, data: x)
            graph.cacheLimitBytes = 1 << 20
            let (same, cachedStats) = try graph.nearestNeighbors(cached)
            XCTAssertTrue(cachedStats.resident)
            XCTAssertEqual(cached.rowsRead, n)
            XCTAssertEqual(same, lists)
        }
    }

    func testSelfExcludedAndDuplicatesFound() throws {
        // Rows 0 and 1 coincide; row 1 must be row 0's nearest neighbour at distance 0, never row 0 itself.
        var x = gaussianData(rows: 40, columns: 3, seed: 4)
        for c in 0..<3 { x[3 + c] = x[c] }
        let (lists, _) = try KNNGraph(neighbors: 3, metric: .euclidean).nearestNeighbors(
            ArraySamples(values: x, shape: [40, 3]))
        XCTAssertEqual(lists.neighbors(of: 0).first, 1)
        XCTAssertEqual(lists.squaredDistances[0], 0, accuracy: 1e-5)
        for i in 0..<40 { XCTAssertFalse(lists.neighbors(of: i).contains(Int32(i)), "row \(i) lists itself") }
    }

    private func isSymmetric(_ a: SparseMatrix) -> Bool {
        let t = a.transposed()
        return a.sortedIndices() == t
    }

    func testUnionAndMutualSymmetrisation() throws {
        let n = 200
        let d = 6
        let x = gaussianData(rows: n, columns: d, seed: 5)
        let source = ArraySamples(values: x, shape: [n, d])
        let union = try KNNGraph(neighbors: 5, weighting: .connectivity).build(source)
        let mutual = try KNNGraph(neighbors: 5, weighting: .connectivity, mutual: true).build(source)
        XCTAssertTrue(isSymmetric(union.affinity))
        XCTAssertTrue(isSymmetric(mutual.affinity))
        let lists = union.neighbors
        func listed(_ i: Int, _ j: Int) -> Bool { lists.neighbors(of: i).contains(Int32(j)) }
        var oneWay = 0
        for i in 0..<n {
            for (j, w) in union.affinity.row(i) {
                let both = listed(i, j) && listed(j, i)
                XCTAssertTrue(listed(i, j) || listed(j, i))
                XCTAssertEqual(w, both ? 1 : 0.5, "union weight of (\(i), \(j))")
                if !both { oneWay += 1 }
            }
            let mutualRow = mutual.affinity.row(i).map(\.column)
            XCTAssertEqual(mutualRow, (0..<n).filter { listed(i, $0) && listed($0, i) })
            XCTAssertTrue(mutual.affinity.row(i).allSatisfy { $0.value == 1 })
        }
        XCTAssertGreaterThan(oneWay, 0, "random data should have one-way kNN edges")
        XCTAssertLessThan(mutual.affinity.nonzeroCount, union.affinity.nonzeroCount)
    }

    func testGaussianAndCosineWeights() throws {
        let n = 60
        let d = 4
        let x = gaussianData(rows: n, columns: d, seed: 6)
        let source = ArraySamples(values: x, shape: [n, d])
        var graph = KNNGraph(neighbors: 8, metric: .euclidean, weighting: .gaussian, mutual: true)
        graph.scaleNeighbor = 7
        let result = try graph.build(source)
        let lists = result.neighbors
        func distance(_ i: Int, _ j: Int) -> Double {
            (0..<d).reduce(0.0) { $0 + pow(Double(x[i * d + $1] - x[j * d + $1]), 2) }.squareRoot()
        }
        let sigma = (0..<n).map { distance($0, Int(lists.indices[$0 * 8 + 6])) }
        for i in [0, 13, 59] {
            for (j, w) in result.affinity.row(i) {
                let expected = exp(-pow(distance(i, j), 2) / (sigma[i] * sigma[j]))
                XCTAssertEqual(Double(w), expected, accuracy: 1e-4)
            }
        }
        let cosine = try KNNGraph(neighbors: 8, metric: .cosine, weighting: .cosine).build(source)
        for (j, w) in cosine.affinity.row(3)
        where cosine.neighbors.neighbors(of: j).contains(3)
            && cosine.neighbors.neighbors(of: 3).contains(Int32(j))
        {
            let dot = (0..<d).reduce(0.0) { $0 + Double(x[3 * d + $1]) * Double(x[j * d + $1]) }
            let norms =
                (0..<d).reduce(0.0) { $0 + pow(Double(x[3 * d + $1]), 2) }.squareRoot()
                * (0..<d).reduce(0.0) { $0 + pow(Double(x[j * d + $1]), 2) }.squareRoot()
            XCTAssertEqual(Double(w), max(0, dot / norms), accuracy: 1e-5)
        }
    }

    func testValidationErrorsCarryValues() {
        let source = ArraySamples(values: gaussianData(rows: 10, columns: 2, seed: 7), shape: [10, 2])
        XCTAssertThrowsError(try KNNGraph(neighbors: 10).build(source)) { error in
            XCTAssertEqual(error as? ClusterError, .invalidNeighborCount(neighbors: 10, samples: 10))
            XCTAssertEqual(error.localizedDescription, "neighbors=10 must be < n_samples=10")
        }
        XCTAssertThrowsError(try KNNGraph(neighbors: 0).build(source)) { error in
            XCTAssertEqual(error.localizedDescription, "neighbors=0 must be >= 1")
        }
        XCTAssertThrowsError(try KNNGraph(neighbors: 1).build(ArraySamples(values: [], shape: [0, 2]))) { error in
            XCTAssertEqual(error as? ClusterError, .emptyInput(samples: 0, features: 2))
        }
        var bad = gaussianData(rows: 10, columns: 2, seed: 7)
        bad[9] = .nan
        XCTAssertThrowsError(try KNNGraph(neighbors: 2).build(ArraySamples(values: bad, shape: [10, 2]))) { error in
            XCTAssertEqual(error as? ClusterError, .nonFiniteValue(row: 4))
        }
    }

    func testTopKHeapKeepsLargest() {
        let heaps = TopKHeaps(rows: 1, k: 4)
        defer { heaps.deallocate() }
        let offered: [Float] = [3, -1, 7, 2, 9, 0, 7.5, 1, 8]
        for (id, s) in offered.enumerated() where s > heaps.threshold[0] {
            _ = heaps.insert(row: 0, score: s, id: Int32(id))
        }
        XCTAssertEqual(heaps.sortedRow(0).map(\.id), [4, 8, 6, 2])
        XCTAssertEqual(heaps.threshold[0], 7)
    }
}
