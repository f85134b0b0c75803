import DSCTensor
import XCTest

@testable import DSCCluster

/// Whether two labelings are the same partition (equal up to renaming the clusters).
func samePartition(_ a: [Int], _ b: [Int]) -> Bool {
    guard a.count == b.count else { return false }
    var forward = [Int: Int]()
    var backward = [Int: Int]()
    for (x, y) in zip(a, b) {
        if forward[x, default: y] != y || backward[y, default: x] != x { return false }
        forward[x] = y
        backward[y] = x
    }
    return true
}

/// `perCluster` samples around each of `centres` (`[k, d]`), Gaussian noise of std `spread`;
/// returns the samples `[k·perCluster, d]` and their true clusters.
func blobs(centres: [[Float]], perCluster: Int, spread: Double, seed: UInt64) -> (data: [Float], labels: [Int]) {
    var g = SeededGenerator(seed: seed)
    var data = [Float]()
    var labels = [Int]()
    for i in 0..<(centres.count * perCluster) {
        let c = i % centres.count  // interleaved, so no cluster is a contiguous range
        labels.append(c)
        data += centres[c].map { $0 + Float(spread * g.nextGaussian()) }
    }
    return (data, labels)
}

final class KMeansTests: XCTestCase {
    func testSamePartitionHelper() {
        XCTAssertTrue(samePartition([0, 0, 1, 2], [2, 2, 0, 1]))
        XCTAssertFalse(samePartition([0, 0, 1, 1], [0, 1, 1, 1]))
        XCTAssertFalse(samePartition([0, 1, 2], [0, 1, 1]))
    }

    func testSeparatedBlobsArePerfectlyRecovered() throws {
        let centres: [[Float]] = [[0, 0, 0], [10, 0, 0], [0, 10, 0], [0, 0, 10], [10, 10, 10]]
        let (x, truth) = blobs(centres: centres, perCluster: 60, spread: 0.5, seed: 11)
        var km = KMeans(clusters: 5, restarts: 10, maxIterations: 300, seed: 0)
        let result = try km.fit(data: x, rows: truth.count, columns: 3)
        XCTAssertTrue(samePartition(result.labels, truth))
        XCTAssertTrue(result.converged)
        XCTAssertEqual(km.result, result)
        XCTAssertEqual(try km.predict(data: x, rows: truth.count, columns: 3), result.labels)
        // Inertia is the sum of squared distances to the returned centroids.
        var inertia = 0.0
        for i in 0..<truth.count {
            for f in 0..<3 { inertia += pow(Double(x[i * 3 + f] - result.centroids[result.labels[i] * 3 + f]), 2) }
        }
        XCTAssertEqual(result.inertia, inertia, accuracy: 1e-6 * inertia)
    }

    func testWideBlobsThroughGEMMPath() throws {
        // 4000·8·40 ≥ 2²⁰, d ≥ 16: distances go through sgemm.
        let d = 40
        var g = SeededGenerator(seed: 12)
        let centres = (0..<8).map { _ in (0..<d).map { _ in Float(6 * g.nextGaussian()) } }
        let (x, truth) = blobs(centres: centres, perCluster: 500, spread: 1, seed: 13)
        x.withUnsafeBufferPointer { xb in
            XCTAssertTrue(KMeansData(x: xb.baseAddress!, rows: truth.count, columns: d).usesGEMM(k: 8))
        }
        var km = KMeans(clusters: 8, restarts: 3, seed: 5)
        let result = try km.fit(data: x, rows: truth.count, columns: d)
        XCTAssertTrue(samePartition(result.labels, truth))
    }

    func testAssignmentMatchesBruteForceOnBothPaths() {
        let n = 3000
        let k = 12
        for d in [3, 32] {
            var g = SeededGenerator(seed: 14)
            let x = (0..<(n * d)).map { _ in Float(g.nextGaussian()) }
            let c = (0..<(k * d)).map { _ in Float(g.nextGaussian()) }
            x.withUnsafeBufferPointer { xb in
                let data = KMeansData(x: xb.baseAddress!, rows: n, columns: d)
                XCTAssertEqual(data.usesGEMM(k: k), d == 32)
                let (labels, distances) = data.assign(centroids: c, k: k)
                for i in stride(from: 0, to: n, by: 7) {
                    let exact = (0..<k).map { j in
                        (0..<d).reduce(0.0) { $0 + pow(Double(x[i * d + $1] - c[j * d + $1]), 2) }
                    }
                    let best = exact.indices.min { exact[$0] < exact[$1] }!
                    let second = exact.filter { $0 > exact[best] }.min() ?? .infinity
                    if second - exact[best] > 1e-3 { XCTAssertEqual(Int(labels[i]), best, "d=\(d) row \(i)") }
                    XCTAssertEqual(Double(distances[i]), exact[Int(labels[i])], accuracy: 1e-3 * max(1, exact[best]))
                }
            }
        }
    }

    func testSameSeedSameLabelsAndDifferentSeedsCanDiffer() throws {
        var g = SeededGenerator(seed: 15)
        let n = 400
        let d = 2
        let x = (0..<(n * d)).map { _ in Float(g.nextUniform()) }  // no cluster structure at all
        func run(_ seed: UInt64) throws -> KMeansResult {
            var km = KMeans(clusters: 7, restarts: 1, seed: seed)
            return try km.fit(data: x, rows: n, columns: d)
        }
        let a = try run(3)
        let b = try run(3)
        XCTAssertEqual(a, b)
        let others = try (0..<6).map { try run(UInt64(100 + $0)).labels }
        XCTAssertTrue(others.contains { !samePartition($0, a.labels) }, "six seeds gave one partition of uniform noise")
    }

    func testRestartsKeepLowestInertia() throws {
        var g = SeededGenerator(seed: 16)
        let n = 300
        let d = 3
        let x = (0..<(n * d)).map { _ in Float(g.nextGaussian()) }
        var single = KMeans(clusters: 9, restarts: 1, seed: 21)
        var many = KMeans(clusters: 9, restarts: 10, seed: 21)
        let one = try single.fit(data: x, rows: n, columns: d)
        let best = try many.fit(data: x, rows: n, columns: d)
        // Restart 0 draws from the same stream in both fits.
        XCTAssertLessThanOrEqual(best.inertia, one.inertia)
        XCTAssertTrue((0..<10).contains(best.restart))
    }

    func testEmptyClusterTakesFarthestSample() {
        let x: [Float] = [0, 1, 2, 10]
        x.withUnsafeBufferPointer { xb in
            let data = KMeansData(x: xb.baseAddress!, rows: 4, columns: 1)
            // Everything in cluster 0 around centre 0: sample 3 (distance² 100) is the farthest.
            let centres = data.updateCentroids(labels: [0, 0, 0, 0], distances: [0, 1, 4, 100], k: 2)
            XCTAssertEqual(centres, [1, 10])
        }
        // Two distinct values, three clusters: seeds coincide, a cluster empties; centres stay finite.
        var km = KMeans(clusters: 3, restarts: 2, seed: 1)
        let result = try? km.fit(data: [5, 5, 5, 5, 6], rows: 5, columns: 1)
        XCTAssertNotNil(result)
        XCTAssertEqual(result?.centroids.allSatisfy(\.isFinite), true)
        XCTAssertEqual(result.map { Set($0.centroids).sorted() }, [5, 6])
        XCTAssertEqual(result.map { $0.inertia }, 0)
    }

    func testValidationErrors() {
        var km = KMeans(clusters: 12)
        let x = [Float](repeating: 1, count: 20)
        XCTAssertThrowsError(try km.fit(data: x, rows: 10, columns: 2)) { error in
            XCTAssertEqual(error.localizedDescription, "clusters=12 must be <= n_samples=10")
        }
        km.clusters = 2
        XCTAssertThrowsError(try km.fit(data: x, rows: 10, columns: 3)) { error in
            XCTAssertEqual(error as? ClusterError, .shapeMismatch(name: "data", count: 20, expected: 30))
        }
        km.restarts = 0
        XCTAssertThrowsError(try km.fit(data: x, rows: 10, columns: 2)) { error in
            XCTAssertEqual(error.localizedDescription, "restarts=0 must be >= 1")
        }
        km.restarts = 1
        var bad = x
        bad[7] = .infinity
        XCTAssertThrowsError(try km.fit(data: bad, rows: 10, columns: 2)) { error in
            XCTAssertEqual(error as? ClusterError, .nonFiniteValue(row: 3))
        }
        XCTAssertThrowsError(try KMeans(clusters: 2).predict(data: x, rows: 10, columns: 2))
    }
}
