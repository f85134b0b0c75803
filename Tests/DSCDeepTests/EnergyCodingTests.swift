import DSCCluster
import DSCTensor
import XCTest

/// The streamed top-k coding against a brute-force reference on random codes.
final class EnergyCodingTests: XCTestCase {
    func randomCodes(_ n: Int, _ h: Int, seed: UInt64) -> [Float] {
        var g = SeededGenerator(seed: seed)
        return (0..<(n * h)).map { _ in Float(g.nextGaussian()) }
    }

    /// Brute force: all |q·k|, top `keep` by magnitude (ties by lower index), soft-thresholded.
    func reference(
        _ q: [Float], _ k: [Float], h: Int, keep: Int, b: Float, scale: Float, selfExcluded: Bool
    )
        -> [[(Int, Float)]]
    {
        let n = q.count / h
        let m = k.count / h
        return (0..<n).map { i in
            var all: [(Int, Float)] = []
            for j in 0..<m where !(selfExcluded && i == j) {
                var u: Float = 0
                for t in 0..<h { u += q[i * h + t] * k[j * h + t] }
                all.append((j, u))
            }
            all.sort { abs($0.1) != abs($1.1) ? abs($0.1) > abs($1.1) : $0.0 < $1.0 }
            return all.prefix(keep).compactMap { (j, u) in
                let c = EnergyCoding.softThreshold(u, b) * scale
                return c == 0 ? nil : (j, c)
            }.sorted { $0.0 < $1.0 }
        }
    }

    func testMatchesBruteForceWithSelfExclusionAcrossBlocks() {
        let (n, h) = (150, 7)
        let q = randomCodes(n, h, seed: 1)
        let k = randomCodes(n, h, seed: 2)
        var coding = EnergyCoding(keep: 5, threshold: 1.5, scale: 0.25)
        coding.block = 64  // three blocks, the last partial
        coding.keepStrongest = false
        let (c, rescued) = coding.coefficients(queries: q, keys: k, dimension: h, selfExcluded: true)
        XCTAssertEqual(rescued, 0)
        let expected = reference(q, k, h: h, keep: 5, b: 1.5, scale: 0.25, selfExcluded: true)
        XCTAssertEqual(c.rows, n)
        XCTAssertEqual(c.columns, n)
        for i in 0..<n {
            let row = c.row(i)
            XCTAssertEqual(row.map(\.column), expected[i].map(\.0), "row \(i)")
            for (a, e) in zip(row, expected[i]) { XCTAssertEqual(a.value, e.1, accuracy: 1e-4) }
            XCTAssertFalse(row.contains { $0.column == i }, "row \(i) codes itself")
        }
    }

    func testOutOfSampleCodingAndRescueOfEmptyRows() {
        let h = 4
        let q = randomCodes(20, h, seed: 3)
        let k = randomCodes(33, h, seed: 4)
        // A threshold above every |q·k| empties every row; each keeps its strongest pair.
        var coding = EnergyCoding(keep: 3, threshold: 1e6, scale: 1)
        let (c, rescued) = coding.coefficients(queries: q, keys: k, dimension: h, selfExcluded: false)
        XCTAssertEqual(rescued, 20)
        let top1 = reference(q, k, h: h, keep: 1, b: 0, scale: 1, selfExcluded: false)
        for i in 0..<20 {
            XCTAssertEqual(c.row(i).map(\.column), top1[i].map(\.0))
            XCTAssertEqual(c.row(i)[0].value, top1[i][0].1, accuracy: 1e-4)
        }
        coding.keepStrongest = false
        XCTAssertEqual(
            coding.coefficients(queries: q, keys: k, dimension: h, selfExcluded: false).matrix.nonzeroCount, 0)
    }

    /// With a shortlist, row i's pairs are the `keep` largest signed shortlist products (the
    /// energies play no part in the choice), each weighted by its thresholded energy.
    func testShortlistChoosesThePairsAndTheEnergyWeighsThem() {
        let (n, h, g) = (90, 5, 3)
        let q = randomCodes(n, h, seed: 5)
        let k = randomCodes(n, h, seed: 6)
        let z = randomCodes(n, g, seed: 7)
        var coding = EnergyCoding(keep: 4, threshold: 0.3, scale: 0.5)
        coding.block = 32
        coding.keepStrongest = false
        let shortlist = EnergyCoding.Shortlist(queries: z, keys: z, dimension: g)
        let c = coding.coefficients(queries: q, keys: k, dimension: h, selfExcluded: true, shortlist: shortlist).matrix
        var differs = 0
        for i in 0..<n {
            var scored: [(Int, Float)] = []
            for j in 0..<n where j != i {
                var s: Float = 0
                for t in 0..<g { s += z[i * g + t] * z[j * g + t] }
                scored.append((j, s))
            }
            scored.sort { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
            let expected: [(Int, Float)] = scored.prefix(4).compactMap { (j, _) in
                var u: Float = 0
                for t in 0..<h { u += q[i * h + t] * k[j * h + t] }
                let v = EnergyCoding.softThreshold(u, 0.3) * 0.5
                return v == 0 ? nil : (j, v)
            }.sorted { $0.0 < $1.0 }
            let row = c.row(i)
            XCTAssertEqual(row.map(\.column), expected.map(\.0), "row \(i)")
            for (a, e) in zip(row, expected) { XCTAssertEqual(a.value, e.1, accuracy: 1e-4) }
            let byEnergy = reference(q, k, h: h, keep: 4, b: 0.3, scale: 0.5, selfExcluded: true)[i].map(\.0)
            if byEnergy != row.map(\.column) { differs += 1 }
        }
        XCTAssertGreaterThan(differs, n / 2, "the shortlist, not the energy, chose the pairs")
    }
}
