import DSCMetrics
import DSCTensor
import XCTest

@testable import DSCCluster

final class EnSCTests: XCTestCase {
    typealias F = SelfExpressiveFixture

    func testUnionOfSubspacesIsSubspacePreservingAndClustered() throws {
        let (x, truth) = F.unionOfSubspaces()
        let n = truth.count
        let ensc = ElasticNetSubspaceClustering(clusters: 5, lambda: 0.9, gamma: 50, seed: 0)
        let result = try ensc.fit(ArraySamples(values: x, shape: [n, 30]))
        let c = result.coefficients
        XCTAssertEqual(c.rows, n)
        XCTAssertEqual(c.columns, n)
        XCTAssertFalse(F.hasDiagonal(c))
        XCTAssertGreaterThanOrEqual(F.subspacePreservingShare(c, labels: truth), 0.95)
        XCTAssertGreaterThanOrEqual(Metrics.accuracy(truth: truth, predicted: result.labels), 0.95)
        XCTAssertEqual(result.coding.notConverged, 0)
        // Only the spectral stage may warn (a perfectly subspace-preserving C splits into components).
        XCTAssertFalse(result.warnings.contains { $0.hasPrefix("EnSC") }, "\(result.warnings)")
        XCTAssertEqual(result.timings.names, ["coefficients", "affinity", "eigen", "kmeans", "total"])
        for i in 0..<n { XCTAssertLessThanOrEqual(c.row(i).count, 50) }
    }

    /// The optimality conditions of `min λ‖c‖₁ + (1−λ)/2‖c‖² + γ/2‖x_j − Σ c_k x_k‖²`, c_j = 0, over
    /// all atoms: with `g_k = γ x_kᵀ r − (1−λ) c_k`, `g_k = λ sign(c_k)` on the support and
    /// `|γ x_kᵀ r| ≤ λ` off it. A small support size forces several active-set iterations.
    func testSolutionSatisfiesElasticNetOptimality() throws {
        let n = 40
        let d = 10
        let x = F.gaussian(rows: n, columns: d, seed: 21)
        let unit = F.unitRows(x, columns: d)
        for (lambda, scale, gamma) in [
            (0.7, ElasticNetGammaScale.absolute, 20.0), (0.9, .relative, 50), (1.0, .absolute, 8),
        ] {
            var ensc = ElasticNetSubspaceClustering(clusters: 2, lambda: lambda, gamma: gamma)
            ensc.gammaScale = scale
            ensc.supportSize = 3
            ensc.maxNonzeros = nil
            let coded = try ensc.coefficients(ArraySamples(values: x, shape: [n, d]))
            let c = coded.matrix
            XCTAssertFalse(F.hasDiagonal(c))
            XCTAssertEqual(coded.stats.notConverged, 0)
            XCTAssertGreaterThan(coded.stats.iterations, n, "the active set should have grown at least once")
            func dot(_ a: Int, _ r: [Double]) -> Double { (0..<d).reduce(0.0) { $0 + unit[a * d + $1] * r[$1] } }
            for j in 0..<n {
                var g = gamma
                if scale == .relative {
                    let xj = (0..<d).map { unit[j * d + $0] }
                    let largest = (0..<n).filter { $0 != j }.map { abs(dot($0, xj)) }.max()!
                    g = gamma * lambda / largest
                }
                let r = F.residual(c, row: j, unit: unit, columns: d)
                let stored = Dictionary(uniqueKeysWithValues: c.row(j))
                XCTAssertFalse(stored.isEmpty, "row \(j) is empty")
                for k in 0..<n where k != j {
                    let correlation = g * dot(k, r)
                    if let v = stored[k] {
                        let subgradient = correlation - (1 - lambda) * Double(v)
                        XCTAssertEqual(
                            subgradient, v > 0 ? lambda : -lambda, accuracy: 1e-4 * lambda,
                            "λ=\(lambda) row \(j) atom \(k) on the support")
                    } else {
                        XCTAssertLessThanOrEqual(
                            abs(correlation), lambda * (1 + 1e-4), "λ=\(lambda) row \(j) atom \(k) off the support")
                    }
                }
            }
            // The active-set path gives the solution of the full problem.
            ensc.supportSize = n
            let full = try ensc.coefficients(ArraySamples(values: x, shape: [n, d])).matrix
            XCTAssertEqual(full.indptr, c.indptr, "λ=\(lambda)")
            XCTAssertEqual(full.indices, c.indices, "λ=\(lambda)")
            for (u, v) in zip(full.values, c.values) { XCTAssertEqual(u, v, accuracy: 1e-5 * max(1, abs(v))) }
        }
    }

    /// The inner solver reaches the exact optimum of small Gram-form problems.
    func testInnerSolverMeetsOptimalityToRounding() {
        let t = 12
        let d = 8
        let a = SelfExpressiveFixture.gaussian(rows: t + 1, columns: d, seed: 22).map(Double.init)
        var gram = [Double](repeating: 0, count: t * t)
        for p in 0..<t {
            for q in 0..<t { gram[p * t + q] = (0..<d).reduce(0.0) { $0 + a[p * d + $1] * a[q * d + $1] } }
        }
        let rhs = (0..<t).map { p in (0..<d).reduce(0.0) { $0 + a[p * d + $1] * a[t * d + $1] } }
        for lambda in [1.0, 0.5, 0.05] {
            let problem = ElasticNetSubproblem(size: t, gram: gram, rhs: rhs, lambda: lambda, gamma: 3)
            let s = ElasticNetSolver.solve(
                problem, start: [Double](repeating: 0, count: t), tolerance: 1e-10,
                maxSweeps: 100_000)
            XCTAssertTrue(s.converged)
            let c = s.coefficients
            XCTAssertTrue(c.contains { $0 != 0 })
            for k in 0..<t {
                let q = rhs[k] - (0..<t).reduce(0.0) { $0 + gram[k * t + $1] * c[$1] }
                let g = 3 * q - (1 - lambda) * c[k]
                if c[k] != 0 {
                    XCTAssertEqual(g, c[k] > 0 ? lambda : -lambda, accuracy: 1e-9)
                } else {
                    XCTAssertLessThanOrEqual(abs(3 * q), lambda + 1e-9)
                }
            }
            // A warm start at the optimum returns it at once.
            let again = ElasticNetSolver.solve(problem, start: c, tolerance: 1e-10, maxSweeps: 100_000)
            XCTAssertEqual(again.sweeps, 1)
            for (u, v) in zip(again.coefficients, c) { XCTAssertEqual(u, v, accuracy: 1e-12) }
            XCTAssertLessThanOrEqual(problem.objective(c), problem.objective(c.map { $0 * 0.99 }))
        }
    }

    func testMaxNonzerosKeepsTheLargestCoefficients() throws {
        let (x, _) = F.unionOfSubspaces(subspaces: 2, rank: 6, ambient: 20, perSubspace: 15, noise: 0.05, seed: 23)
        let source = ArraySamples(values: x, shape: [30, 20])
        var ensc = ElasticNetSubspaceClustering(clusters: 2, lambda: 0.5, gamma: 50)
        ensc.maxNonzeros = nil
        let full = try ensc.coefficients(source).matrix
        ensc.maxNonzeros = 3
        let top = try ensc.coefficients(source).matrix
        var checked = 0
        for i in 0..<30 {
            let all = full.row(i)
            let kept = top.row(i)
            XCTAssertEqual(kept.count, min(3, all.count))
            let expected = all.sorted { abs($0.value) > abs($1.value) }.prefix(3).map(\.column).sorted()
            XCTAssertEqual(kept.map(\.column), expected)
            if all.count > 3 { checked += 1 }
        }
        XCTAssertGreaterThan(checked, 0, "no row had more than 3 coefficients; the test checks nothing")
    }

    func testSameSeedSameOutput() throws {
        let (x, _) = F.unionOfSubspaces(seed: 24)
        let source = ArraySamples(values: x, shape: [200, 30])
        let ensc = ElasticNetSubspaceClustering(clusters: 5, seed: 5)
        let a = try ensc.fit(source)
        let b = try ensc.fit(source)
        XCTAssertEqual(a.coefficients, b.coefficients)
        XCTAssertEqual(a.labels, b.labels)
        XCTAssertEqual(a.embedding, b.embedding)
    }

    func testZeroSampleGetsAnEmptyRow() throws {
        var x = F.gaussian(rows: 12, columns: 5, seed: 25)
        for c in 0..<5 { x[4 * 5 + c] = 0 }
        let c = try ElasticNetSubspaceClustering(clusters: 2).coefficients(ArraySamples(values: x, shape: [12, 5]))
            .matrix
        XCTAssertTrue(c.row(4).isEmpty)
        for i in 0..<12 where i != 4 {
            XCTAssertFalse(c.row(i).isEmpty)
            XCTAssertFalse(c.row(i).contains { $0.column == 4 })
        }
    }

    func testValidationErrorsCarryValues() {
        let x = F.gaussian(rows: 10, columns: 3, seed: 26)
        let source = ArraySamples(values: x, shape: [10, 3])
        func message(_ configure: (inout ElasticNetSubspaceClustering) -> Void) -> String? {
            var e = ElasticNetSubspaceClustering(clusters: 2)
            configure(&e)
            return F.message { _ = try e.fit(source) }
        }
        XCTAssertEqual(message { $0.clusters = 11 }, "clusters=11 must be <= n_samples=10")
        XCTAssertEqual(message { $0.lambda = 0 }, "lambda=0.0 must be in (0, 1]")
        XCTAssertEqual(message { $0.lambda = 1.5 }, "lambda=1.5 must be in (0, 1]")
        XCTAssertEqual(message { $0.lambda = .nan }, "lambda=nan must be in (0, 1]")
        XCTAssertEqual(
            message { $0.gamma = 1 },
            "gamma=1.0 must be finite and > 1 with gammaScale=relative (gamma <= 1 gives C = 0)")
        XCTAssertEqual(
            message {
                $0.gammaScale = .absolute
                $0.gamma = 0
            }, "gamma=0.0 must be finite and > 0")
        XCTAssertEqual(
            message {
                $0.gammaScale = .absolute
                $0.gamma = .infinity
            }, "gamma=inf must be finite and > 0")
        XCTAssertEqual(message { $0.supportSize = 0 }, "supportSize=0 must be >= 1")
        XCTAssertEqual(message { $0.maxIterations = 0 }, "maxIterations=0 must be >= 1")
        XCTAssertEqual(message { $0.maxNonzeros = 0 }, "maxNonzeros=0 must be >= 1 or nil")
        XCTAssertEqual(message { $0.tolerance = 0 }, "tolerance=0.0 must be finite and > 0")
        XCTAssertEqual(message { $0.maxSweeps = 0 }, "maxSweeps=0 must be >= 1")
        XCTAssertEqual(message { $0.blockSize = -1 }, "blockSize=-1 must be >= 1")
        XCTAssertNil(
            message {
                $0.gammaScale = .absolute
                $0.gamma = 5
            })
        var bad = x
        bad[2 * 3] = .infinity
        let nonFinite = ArraySamples(values: bad, shape: [10, 3])
        XCTAssertThrowsError(try ElasticNetSubspaceClustering(clusters: 2).coefficients(nonFinite)) { error in
            XCTAssertEqual(error as? ClusterError, .nonFiniteValue(row: 2))
        }
    }
}
