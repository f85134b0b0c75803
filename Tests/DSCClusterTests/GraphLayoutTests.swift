import DSCMetrics
import DSCSynthetic
import DSCTensor
import XCTest

@testable import DSCCluster

final class GraphLayoutTests: XCTestCase {
    private func randomStart(nodes n: Int, dimensions d: Int, seed: UInt64) -> [Float] {
        var g = SeededGenerator(seed: seed)
        return (0..<(n * d)).map { _ in Float(g.nextGaussian()) }
    }

    private func meanDistance(_ y: [Float], _ d: Int, pairs: [(Int, Int)]) -> Double {
        var total = 0.0
        for (i, j) in pairs {
            var s: Float = 0
            for c in 0..<d { s += (y[i * d + c] - y[j * d + c]) * (y[i * d + c] - y[j * d + c]) }
            total += Double(s.squareRoot())
        }
        return total / Double(pairs.count)
    }

    /// From a random start, the layout of a planted-cluster graph brings each cluster together
    /// and the clusters apart: k-means on it recovers them, which it cannot on the start.
    func testLayoutGathersPlantedClusters() throws {
        let n = 2000
        let c = 8
        let d = 4
        let w = SyntheticGraphs.syntheticKNNGraph(nodes: n, neighbors: 10, clusters: c, seed: 41)
        let truth = SyntheticGraphs.syntheticKNNLabels(nodes: n, clusters: c)
        let start = randomStart(nodes: n, dimensions: d, seed: 42)
        let y = GraphLayout(epochs: 200, seed: 3).layout(affinity: w, initial: start, dimensions: d)
        XCTAssertEqual(y.count, n * d)
        XCTAssertTrue(y.allSatisfy { $0.isFinite })
        var within: [(Int, Int)] = []
        var across: [(Int, Int)] = []
        for i in stride(from: 0, to: n - c - 1, by: 3) {
            within.append((i, i + c))
            across.append((i, i + 1))
        }
        let ratio = meanDistance(y, d, pairs: within) / meanDistance(y, d, pairs: across)
        XCTAssertLessThan(ratio, 0.2, "within-cluster / across-cluster distance")
        XCTAssertGreaterThan(meanDistance(start, d, pairs: within) / meanDistance(start, d, pairs: across), 0.8)
        var km = KMeans(clusters: c, restarts: 10, seed: 0)
        let acc = Metrics.accuracy(truth: truth, predicted: try km.fit(data: y, rows: n, columns: d).labels)
        XCTAssertGreaterThan(acc, 0.95)
        let before = Metrics.accuracy(truth: truth, predicted: try km.fit(data: start, rows: n, columns: d).labels)
        XCTAssertLessThan(before, 0.3)
    }

    func testSameSeedSameLayoutOtherSeedOther() {
        let w = SyntheticGraphs.syntheticKNNGraph(nodes: 300, neighbors: 6, clusters: 3, seed: 43)
        let start = randomStart(nodes: 300, dimensions: 2, seed: 44)
        let a = GraphLayout(epochs: 30, seed: 1).layout(affinity: w, initial: start, dimensions: 2)
        let b = GraphLayout(epochs: 30, seed: 1).layout(affinity: w, initial: start, dimensions: 2)
        let c = GraphLayout(epochs: 30, seed: 2).layout(affinity: w, initial: start, dimensions: 2)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, c)
        XCTAssertNotEqual(a, start)
    }

    /// Two linked nodes with no repulsion move toward each other, by equal and opposite steps.
    func testAttractionAloneClosesAnEdgeSymmetrically() {
        let w = SparseMatrix(rows: 3, columns: 3, triplets: [(0, 1, 1), (1, 0, 1)])
        var layout = GraphLayout(epochs: 5, seed: 0)
        layout.negativeSamples = 0
        let start: [Float] = [0, 0, 3, 0, 7, 7]
        let y = layout.layout(affinity: w, initial: start, dimensions: 2)
        XCTAssertLessThan(abs(y[2] - y[0]), 3)
        XCTAssertEqual(y[0] + y[2], 3, accuracy: 1e-5, "the pair's centre stays put")
        XCTAssertEqual(y[1], 0)
        XCTAssertEqual(y[3], 0)
        XCTAssertEqual(Array(y[4...5]), [7, 7], "a node without edges is not moved")
    }

    func testEdgesBelowMaxOverEpochsAreNeverSampled() {
        let w = SparseMatrix(
            rows: 3, columns: 3, triplets: [(0, 1, 1), (1, 0, 1), (1, 2, 0.05), (2, 1, 0.05), (2, 2, 1)])
        let edges = GraphLayout.sampledEdges(w, epochs: 10)
        XCTAssertEqual(edges.heads, [0, 1])
        XCTAssertEqual(edges.tails, [1, 0])
        XCTAssertEqual(edges.period, [1, 1])
        XCTAssertEqual(GraphLayout.sampledEdges(w, epochs: 40).period, [1, 1, 20, 20])
        let empty = SparseMatrix(rows: 2, columns: 2, triplets: [])
        XCTAssertEqual(GraphLayout(epochs: 5).layout(affinity: empty, initial: [1, 2], dimensions: 1), [1, 2])
    }

    func testScaledStartPeaksAtTen() {
        XCTAssertEqual(GraphLayout.scaledStart([0.5, -2, 1]), [2.5, -10, 5])
        XCTAssertEqual(GraphLayout.scaledStart([0, 0]), [0, 0])
    }

    /// Spectral clustering with a layout: a stage of its own, deterministic, the layout as embedding.
    func testSpectralClusteringWithLayout() throws {
        let n = 1000
        let c = 5
        let w = SyntheticGraphs.syntheticKNNGraph(nodes: n, neighbors: 10, clusters: c, seed: 45)
        var sc = SpectralClustering(clusters: c, seed: 7)
        sc.spectral.layoutEpochs = 100
        let a = try sc.fit(affinity: w)
        let b = try sc.fit(affinity: w)
        XCTAssertEqual(a.labels, b.labels)
        XCTAssertEqual(a.embedding, b.embedding)
        XCTAssertEqual(a.timings.names, ["eigen", "layout", "kmeans", "total"])
        XCTAssertEqual(a.embedding.count, n * c)
        XCTAssertGreaterThan(a.embedding.map { abs($0) }.max() ?? 0, 1.5, "layout coordinates, not unit rows")
        XCTAssertGreaterThan(
            Metrics.accuracy(truth: SyntheticGraphs.syntheticKNNLabels(nodes: n, clusters: c), predicted: a.labels),
            0.95)
        sc.spectral.layoutEpochs = -1
        XCTAssertThrowsError(try sc.fit(affinity: w)) { error in
            XCTAssertEqual(error.localizedDescription, "layoutEpochs=-1 must be >= 0")
        }
    }
}
