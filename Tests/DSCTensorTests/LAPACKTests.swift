import XCTest

@testable import DSCTensor

final class LinearAlgebraWrapperTests: XCTestCase {
    func testSgemmMatchesHandProduct() {
        // A [2,3], B [3,2]
        let a: [Float] = [1, 2, 3, 4, 5, 6]
        let b: [Float] = [7, 8, 9, 10, 11, 12]
        var c = [Float](repeating: 0, count: 4)
        BLAS.sgemm(m: 2, n: 2, k: 3, a: a, lda: 3, b: b, ldb: 2, c: &c, ldc: 2)
        XCTAssertEqual(c, [58, 64, 139, 154])
        // Aᵀ·A with transposeA: [3,3]
        var g = [Float](repeating: 0, count: 9)
        BLAS.sgemm(transposeA: true, m: 3, n: 3, k: 2, a: a, lda: 3, b: a, ldb: 3, c: &g, ldc: 3)
        XCTAssertEqual(g, [17, 22, 27, 22, 29, 36, 27, 36, 45])
    }

    func testSymmetricEigenOfKnownMatrix() throws {
        // [[2,1],[1,2]] has eigenvalues 1 and 3 with eigenvectors (1,-1)/√2 and (1,1)/√2.
        let e = try LAPACK.symmetricEigen([2.0, 1, 1, 2], n: 2)
        XCTAssertEqual(e.values[0], 1, accuracy: 1e-12)
        XCTAssertEqual(e.values[1], 3, accuracy: 1e-12)
        let v0 = e.vector(0)
        XCTAssertEqual(abs(v0[0] + v0[1]), 0, accuracy: 1e-12)
        let lowest = try LAPACK.symmetricEigen([4.0, 0, 0, 0, 1, 0, 0, 0, 9], n: 3, indices: 0...1)
        XCTAssertEqual(lowest.values, [1, 4])
    }

    func testSVDReconstructs() throws {
        let a: [Float] = [3, 1, 1, -1, 3, 1]
        let (u, s, vt) = try LAPACK.svd(a, rows: 2, columns: 3)
        XCTAssertEqual(s.count, 2)
        XCTAssertGreaterThanOrEqual(s[0], s[1])
        for i in 0..<2 {
            for j in 0..<3 {
                var x: Float = 0
                for r in 0..<2 { x += u[i * 2 + r] * s[r] * vt[r * 3 + j] }
                XCTAssertEqual(x, a[i * 3 + j], accuracy: 1e-5)
            }
        }
    }

    func testCholeskySolveSolvesAndRefusesSingular() throws {
        // A = [[4, 2, 0], [2, 5, 1], [0, 1, 3]] (positive definite) and x = (1, −2, 3): b = A x.
        let a: [Double] = [4, 2, 0, 2, 5, 1, 0, 1, 3]
        let x = try XCTUnwrap(LAPACK.choleskySolve(a, n: 3, [0, -5, 7]))
        for (got, want) in zip(x, [1.0, -2, 3]) { XCTAssertEqual(got, want, accuracy: 1e-12) }
        // Only the lower triangle is read.
        let lowerOnly: [Double] = [4, 99, 99, 2, 5, 99, 0, 1, 3]
        XCTAssertEqual(LAPACK.choleskySolve(lowerOnly, n: 3, [0, -5, 7]), x)
        // Rank one (the second column is twice the first), not positive definite, and a pivot
        // below the relative tolerance: nil.
        XCTAssertNil(LAPACK.choleskySolve([1, 2, 2, 4], n: 2, [1, 1]))
        XCTAssertNil(LAPACK.choleskySolve([1, 0, 0, -1], n: 2, [1, 1]))
        XCTAssertNil(LAPACK.choleskySolve([1, 1, 1, 1 + 1e-14], n: 2, [1, 1], relativeTolerance: 1e-12))
        XCTAssertNotNil(LAPACK.choleskySolve([1, 1, 1, 1 + 1e-6], n: 2, [1, 1], relativeTolerance: 1e-12))
    }
}

/// OpenBLAS's kernels: named from the CPU's features when the environment names none (Debian's
/// OpenBLAS 0.3.21 falls back to its SSE3 kernels on CPUs it does not know).
final class OpenBLASCoreTests: XCTestCase {
    func testKernelsAreNamedByFeaturesWhenTheEnvironmentNamesNone() throws {
        if let chosen = BLAS.coreChosenByFeatures {
            XCTAssertEqual(BLAS.core.lowercased(), chosen.lowercased())
            XCTAssertEqual(ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"], chosen)
        }
        let flags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let hasAVX2 = flags.contains(" avx2") && flags.contains(" fma")
        if hasAVX2 && ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] != nil {
            // Named by the environment or by this process: never the SSE3 fallback on an AVX2 CPU.
            XCTAssertNotEqual(BLAS.core, "Prescott")
        }
    }
}
