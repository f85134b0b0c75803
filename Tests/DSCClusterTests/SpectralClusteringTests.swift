import DSCNeighbors
import DSCTensor
import XCTest

@testable import DSCCluster

final class SpectralClusteringTests: XCTestCase {
    /// Two concentric noisy rings in the plane (radii 1 and 4), interleaved.
    private func rings(perRing: Int, seed: UInt64) -> (data: [Float], labels: [Int]) {
        var g = SeededGenerator(seed: seed)
        var data = [Float]()
        var labels = [Int]()
        for i in 0..<(2 * perRing) {
            let ring = i % 2
            let radius = (ring == 0 ? 1.0 : 4.0) + 0.08 * g.nextGaussian()
            let angle = 2 * Double.pi * g.nextUniform()
            data += [Float(radius * cos(angle)), Float(radius * sin(angle))]
            labels.append(ring)
        }
        return (data, labels)
    }

    func testConcentricRingsAreSeparated() throws {
        let (x, truth) = rings(perRing: 200, seed: 31)
        let sc = SpectralClustering(clusters: 2, neighbors: 10, weighting: .gaussian, metric: .euclidean)
        let result = try sc.fit(ArraySamples(values: x, shape: [truth.count, 2]))
        XCTAssertTrue(samePartition(result.labels, truth))
        // k-means on the raw points cannot separate nested rings.
        var km = KMeans(clusters: 2, restarts: 10, seed: 0)
        XCTAssertFalse(samePartition(try km.fit(data: x, rows: truth.count, columns: 2).labels, truth))
    }

    func testBlobsAreRecoveredWithResultShapes() throws {
        let d = 6
        let centres: [[Float]] = (0..<4).map { c in (0..<d).map { $0 == c ? 10 : 0 } }
        let (x, truth) = blobs(centres: centres, perCluster: 75, spread: 0.6, seed: 32)
        let n = truth.count
        let sc = SpectralClustering(clusters: 4, neighbors: 8)
        let result = try sc.fit(ArraySamples(values: x, shape: [n, d]))
        XCTAssertTrue(samePartition(result.labels, truth))
        XCTAssertEqual(result.embedding.count, n * 4)
        for i in stride(from: 0, to: n, by: 17) {
            let norm = (0..<4).reduce(Float(0)) { $0 + result.embedding[i * 4 + $1] * result.embedding[i * 4 + $1] }
            XCTAssertEqual(norm, 1, accuracy: 1e-4)
        }
        XCTAssertEqual(result.eigenvalues.count, 5)
        XCTAssertEqual(result.eigenvalues, result.eigenvalues.sorted())
        XCTAssertGreaterThan(result.eigengap ?? 0, 10 * max(result.eigenvalues[3], 1e-3))
        XCTAssertEqual(result.timings.names, ["graph", "eigen", "kmeans", "total"])
        XCTAssertNotNil(result.graphGFLOPS)
        XCTAssertEqual(result.affinity.rows, n)
        // Separated blobs: no kNN edge between them.
        XCTAssertEqual(result.components, 4)
        XCTAssertEqual(result.warnings.count, 1)
        XCTAssertTrue(result.warnings.first?.contains("4 connected components") ?? false)
    }

    func testSameSeedSameLabelsOnConnectedCloud() throws {
        let n = 300
        let source = ArraySamples(values: gaussianData(rows: n, columns: 3, seed: 33), shape: [n, 3])
        var sc = SpectralClustering(clusters: 5, neighbors: 6, metric: .euclidean, seed: 9)
        sc.spectral.kmeansRestarts = 3
        let a = try sc.fit(source)
        let b = try sc.fit(source)
        XCTAssertEqual(a.labels, b.labels)
        XCTAssertEqual(a.embedding, b.embedding)
        XCTAssertEqual(a.components, 1)
        XCTAssertTrue(a.warnings.isEmpty, "\(a.warnings)")
        XCTAssertEqual(Set(a.labels), Set(0..<5))
    }

    func testDisconnectedAffinityWarnsAndFollowsComponents() throws {
        // Three cliques of 5 nodes with no edges between them.
        var triplets: [(row: Int, column: Int, value: Float)] = []
        for c in 0..<3 {
            for i in 0..<5 { for j in 0..<5 where i != j { triplets.append((5 * c + i, 5 * c + j, 1)) } }
        }
        let w = SparseMatrix(rows: 15, columns: 15, triplets: triplets)
        let result = try SpectralClustering(clusters: 3).fit(affinity: w)
        XCTAssertEqual(result.components, 3)
        XCTAssertEqual(result.warnings.count, 1)
        XCTAssertEqual(
            result.warnings[0],
            "the affinity graph has 3 connected components (the largest 5 samples, the smallest 5); "
                + "spectral clustering tends to follow them (try more neighbors or a union graph)")
        var hinted = SpectralClustering(clusters: 3)
        hinted.connectivityHint = "try keeping more coefficients per sample"
        XCTAssertTrue(try hinted.fit(affinity: w).warnings[0].hasSuffix("(try keeping more coefficients per sample)"))
        XCTAssertTrue(samePartition(result.labels, (0..<15).map { $0 / 5 }))
        XCTAssertEqual(result.timings.names, ["eigen", "kmeans", "total"])
        XCTAssertNil(result.graphGFLOPS)
        XCTAssertEqual(result.eigenvalues[0...2].map { abs($0) < 1e-9 }, [true, true, true])
    }

    func testValidationErrorsCarryValues() {
        let x = gaussianData(rows: 10, columns: 3, seed: 34)
        let source = ArraySamples(values: x, shape: [10, 3])
        func message(_ sc: SpectralClustering, _ s: any SampleSource) -> String? {
            do {
                _ = try sc.fit(s)
                return nil
            } catch { return error.localizedDescription }
        }
        XCTAssertEqual(message(SpectralClustering(clusters: 12), source), "clusters=12 must be <= n_samples=10")
        XCTAssertEqual(message(SpectralClustering(clusters: 1), source), "clusters=1 must be >= 2")
        XCTAssertEqual(
            message(SpectralClustering(clusters: 2, neighbors: 10), source), "neighbors=10 must be < n_samples=10")
        XCTAssertEqual(message(SpectralClustering(clusters: 2, neighbors: 0), source), "neighbors=0 must be >= 1")
        XCTAssertEqual(
            message(SpectralClustering(clusters: 2, spectral: SpectralSettings(kmeansRestarts: 0)), source),
            "kmeansRestarts=0 must be >= 1")
        XCTAssertThrowsError(try SpectralClustering(clusters: 2).fit(ArraySamples(values: [], shape: [0, 3]))) {
            error in
            XCTAssertEqual(error as? ClusterError, .emptyInput(samples: 0, features: 3))
        }
        let rectangular = SparseMatrix(rows: 3, columns: 4, triplets: [(0, 1, 1)])
        XCTAssertThrowsError(try SpectralClustering(clusters: 2).fit(affinity: rectangular)) { error in
            XCTAssertEqual(error as? ClusterError, .notSquare(rows: 3, columns: 4))
        }
    }

    func testStageTimingsKeepOrderAndEncodeAsObject() throws {
        var t = StageTimings()
        t.record("graph", seconds: 0.5)
        t.record("eigen", seconds: 0.25)
        t.record("graph", seconds: 0.25)
        XCTAssertEqual(t.names, ["graph", "eigen"])
        XCTAssertEqual(t["graph"], 0.75)
        XCTAssertNil(t["kmeans"])
        XCTAssertEqual(t.orderedJSON, #"{"graph":0.75,"eigen":0.25}"#)
        let encoded = try JSONEncoder().encode(t)
        let object = try JSONSerialization.jsonObject(with: encoded) as? [String: Double]
        XCTAssertEqual(object, ["graph": 0.75, "eigen": 0.25])
        let back = try JSONDecoder().decode(StageTimings.self, from: encoded)
        XCTAssertEqual(Set(back.names), ["graph", "eigen"])
        XCTAssertEqual(back["eigen"], 0.25)
    }
}
