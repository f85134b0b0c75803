import DSCCluster
import DSCSynthetic
import Foundation
import XCTest

final class EigensolverInputTests: XCTestCase {
    func testBadAffinitiesAreRejectedWithTheirValues() {
        let asymmetric = SparseMatrix(rows: 3, columns: 3, triplets: [(0, 1, 1), (1, 0, 2), (1, 2, 1), (2, 1, 1)])
        XCTAssertThrowsError(try Eigensolver.laplacianEigenpairs(affinity: asymmetric, count: 1)) {
            XCTAssertEqual($0 as? EigensolverError, .notSymmetric(row: 0, column: 1, value: 1, transposed: 2))
        }
        let oneSided = SparseMatrix(rows: 3, columns: 3, triplets: [(0, 2, 1)])
        XCTAssertThrowsError(try Eigensolver.laplacianEigenpairs(affinity: oneSided, count: 1)) {
            XCTAssertEqual($0 as? EigensolverError, .notSymmetric(row: 0, column: 2, value: 1, transposed: 0))
        }
        let negative = SparseMatrix(rows: 2, columns: 2, triplets: [(0, 1, -1), (1, 0, -1)])
        XCTAssertThrowsError(try Eigensolver.laplacianEigenpairs(affinity: negative, count: 1)) {
            XCTAssertEqual($0 as? EigensolverError, .invalidEntry(row: 0, column: 1, value: -1))
        }
        let nan = SparseMatrix(rows: 2, columns: 2, triplets: [(0, 1, .nan), (1, 0, 1)])
        XCTAssertThrowsError(try Eigensolver.laplacianEigenpairs(affinity: nan, count: 1)) {
            guard case .invalidEntry(0, 1, _)? = $0 as? EigensolverError else { return XCTFail("\($0)") }
        }
        let outside = SparseMatrix(rows: 2, columns: 2, indptr: [0, 1, 1], indices: [5], values: [1])
        XCTAssertThrowsError(try Eigensolver.laplacianEigenpairs(affinity: outside, count: 1)) {
            XCTAssertEqual($0 as? EigensolverError, .invalidEntry(row: 0, column: 5, value: 1))
        }
        let rectangular = SparseMatrix(rows: 2, columns: 3, triplets: [])
        XCTAssertThrowsError(try Eigensolver.laplacianEigenpairs(affinity: rectangular, count: 1)) {
            XCTAssertEqual($0 as? EigensolverError, .notSquare(rows: 2, columns: 3))
            XCTAssertEqual($0.localizedDescription, "affinity is [2, 3], it must be square")
        }
    }

    func testCountAndSizeLimits() {
        let w = EigenTestGraphs.path(10)
        for count in [0, 11] {
            XCTAssertThrowsError(try Eigensolver.laplacianEigenpairs(affinity: w, count: count)) {
                XCTAssertEqual($0 as? EigensolverError, .invalidCount(count: count, nodes: 10))
                XCTAssertTrue($0.localizedDescription.contains("count=\(count)"))
            }
        }
        let big = 10_001
        let huge = SparseMatrix(
            rows: big, columns: big, indptr: [Int](repeating: 0, count: big + 1), indices: [], values: [])
        XCTAssertThrowsError(try Eigensolver.laplacianEigenpairs(affinity: huge, count: 2, solver: .dense)) {
            XCTAssertEqual($0 as? EigensolverError, .denseTooLarge(nodes: big, limit: 10_000))
        }
    }

    func testAutoPicksBySizeAndCountEqualToNodesWorks() throws {
        let small = EigenTestGraphs.cycle(12)
        XCTAssertEqual(try Eigensolver.laplacianEigenpairs(affinity: small, count: 2).solver, .dense)
        let large = SyntheticGraphs.syntheticKNNGraph(nodes: 3001, neighbors: 6, clusters: 3, seed: 4)
        XCTAssertEqual(try Eigensolver.laplacianEigenpairs(affinity: large, count: 3).solver, .lanczos)
        // Every eigenpair of a small graph: Lanczos fills the whole space.
        let w = EigenTestGraphs.path(7)
        let all = try Eigensolver.laplacianEigenpairs(affinity: w, count: 7, solver: .lanczos)
        let expected = (0..<7).map { 1 - cos(Double.pi * Double($0) / 6) }
        for j in 0..<7 { XCTAssertEqual(all.values[j], expected[j], accuracy: 1e-10) }
    }

    func testUnsortedRowsWithDuplicatesGiveTheSameAnswer() throws {
        let sorted = EigenTestGraphs.cycle(9)
        // Same matrix with each row reversed and its first weight split into two duplicate entries.
        var indptr = [0]
        var indices = [Int32]()
        var values = [Float]()
        for i in 0..<9 {
            let row = sorted.row(i).reversed()
            for (k, e) in row.enumerated() {
                if k == 0 {
                    indices += [Int32(e.column), Int32(e.column)]
                    values += [e.value / 2, e.value / 2]
                } else {
                    indices.append(Int32(e.column))
                    values.append(e.value)
                }
            }
            indptr.append(indices.count)
        }
        let messy = SparseMatrix(rows: 9, columns: 9, indptr: indptr, indices: indices, values: values)
        let a = try Eigensolver.laplacianEigenpairs(affinity: sorted, count: 3, solver: .lanczos)
        let b = try Eigensolver.laplacianEigenpairs(affinity: messy, count: 3, solver: .lanczos)
        for j in 0..<3 { XCTAssertEqual(a.values[j], b.values[j], accuracy: 1e-12) }
    }
}

final class EigenSyntheticGraphTests: XCTestCase {
    func testGraphIsSymmetricLoopFreeAndDeterministic() {
        let n = 2000
        let k = 10
        let w = SyntheticGraphs.syntheticKNNGraph(nodes: n, neighbors: k, clusters: 7, seed: 1)
        XCTAssertEqual(w.rows, n)
        XCTAssertEqual(w, w.transposed(), "not symmetric")
        for i in 0..<n {
            let row = w.row(i)
            XCTAssertFalse(row.contains { $0.column == i }, "self-loop at \(i)")
            XCTAssertTrue(row.allSatisfy { $0.value >= 0.25 && $0.value < 1 }, "row \(i): \(row)")
            XCTAssertGreaterThanOrEqual(row.count, k)
        }
        let mean = Double(w.nonzeroCount) / Double(n)
        XCTAssertGreaterThan(mean, Double(k))
        XCTAssertLessThan(mean, Double(2 * k))
        XCTAssertEqual(w, SyntheticGraphs.syntheticKNNGraph(nodes: n, neighbors: k, clusters: 7, seed: 1))
        XCTAssertNotEqual(w, SyntheticGraphs.syntheticKNNGraph(nodes: n, neighbors: k, clusters: 7, seed: 2))
    }

    func testPlantedClustersDominateTheSpectrum() throws {
        let n = 900
        let c = 6
        let w = SyntheticGraphs.syntheticKNNGraph(nodes: n, neighbors: 10, clusters: c, seed: 8)
        let labels = SyntheticGraphs.syntheticKNNLabels(nodes: n, clusters: c)
        var inside = 0.0
        var total = 0.0
        for i in 0..<n {
            for e in w.row(i) {
                total += Double(e.value)
                if labels[i] == labels[e.column] { inside += Double(e.value) }
            }
        }
        XCTAssertGreaterThan(inside / total, 0.9)
        XCTAssertLessThan(inside / total, 0.99)
        XCTAssertEqual(w.connectedComponents().count, 1)
        // c small eigenvalues, then a clear gap.
        let e = try Eigensolver.laplacianEigenpairs(affinity: w, count: c + 1, solver: .dense)
        XCTAssertGreaterThan(e.values[c], 2 * e.values[c - 1], "\(e.values)")
    }
}
