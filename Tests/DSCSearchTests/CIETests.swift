import DSCNeighbors
import DSCTensor
import DSCTestSupport
import XCTest

@testable import DSCSearch

/// Collaborative index embedding: mutual neighbours, the pull, the agreement, and a run that makes a
/// noisy space agree with a clean one.
final class CIETests: XCTestCase {
    func testMutualNeighboursPullAndAgreement() {
        // 0 ↔ 1 mutual; 2 → 1 is not returned (1's neighbour is 0).
        let lists: [Int32] = [1, 0, 1]
        XCTAssertEqual(CIE.mutual(lists, k: 1), [[1], [0], []])
        let pulled = CIE.pulled([1, 0, 0, 1, 1, 1], 2, towards: [[1], [0], []], weight: 1)
        let h = Float(0.5).squareRoot()
        assertClose(pulled, [h, h, h, h, h, h], accuracy: 1e-6, "pulled")
        XCTAssertEqual(CIE.agreement(lists, [1, 2, 1], k: 1), 2.0 / 3.0, accuracy: 1e-12)
    }

    func testARunRaisesAgreementAndTheNoisySpacesPurity() throws {
        // Five classes; space A separates them well, space B is noisier.
        var g = SeededGenerator(seed: 3)
        let n = 300
        var a = [Float]()
        var b = [Float]()
        var labels = [Int]()
        for i in 0..<n {
            let c = i % 5
            labels.append(c)
            a += (0..<10).map { j in Float(g.nextGaussian()) * 0.2 + (j % 5 == c ? 1.5 : 0) }
            b += (0..<8).map { j in Float(g.nextGaussian()) * 0.6 + (j % 5 == c ? 1 : 0) }
        }
        func purity(_ x: [Float], _ d: Int) throws -> Double {
            let lists = try ExactSearch(k: 10, metric: .cosine).neighbors(
                within: ArraySamples(values: x, shape: [n, d])
            ).0
            return Double(
                (0..<n).reduce(0) { s, i in s + lists.neighbors(of: i).filter { labels[Int($0)] == labels[i] }.count })
                / Double(n * 10)
        }
        let (improved, report) = try CIE().improve(first: a, dimension: 10, second: b, dimension: 8)
        XCTAssertGreaterThan(report.agreement.last!, report.agreement.first! + 0.05)
        XCTAssertGreaterThan(try purity(improved, 8), try purity(b, 8) + 0.05)
        for i in 0..<n {
            let norm = (0..<8).reduce(Float(0)) { $0 + improved[i * 8 + $1] * improved[i * 8 + $1] }
            XCTAssertEqual(norm, 1, accuracy: 1e-4)
        }
    }
}
