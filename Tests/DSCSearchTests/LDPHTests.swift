import DSCIO
import DSCNeighbors
import DSCTensor
import DSCTestSupport
import XCTest

@testable import DSCSearch

/// LDPH's parts: the least-squares line, the straight-through sign, the hash network's arithmetic,
/// and a fit that is seeded, learns from its reference and keeps distances linear.
final class LDPHTests: XCTestCase {
    /// Four Gaussian blobs in 16 dimensions, of different spreads.
    func blobs(_ perClass: Int, seed: UInt64) -> (values: [Float], labels: [Int]) {
        var g = SeededGenerator(seed: seed)
        var values: [Float] = []
        var labels: [Int] = []
        for i in 0..<(4 * perClass) {
            let c = i % 4
            values += (0..<16).map { j in Float(g.nextGaussian()) * (0.3 + 0.1 * Float(c)) + (j % 4 == c ? 2 : 0) }
            labels.append(c)
        }
        return (values, labels)
    }

    func testLeastSquaresRecoversALineAndItsResidual() {
        let x: [Float] = [0, 1, 2, 3, 4]
        let fit = LDPH.leastSquares(x: x, y: x.map { 2 * $0 + 1 })
        XCTAssertEqual(fit.slope, 2, accuracy: 1e-6)
        XCTAssertEqual(fit.intercept, 1, accuracy: 1e-6)
        XCTAssertEqual(fit.residual, 0, accuracy: 1e-10)
        // y = x with ±1 alternating noise at x = 0…3: slope 0.6, intercept 0.6, residual 0.8.
        let noisy = LDPH.leastSquares(x: [0, 1, 2, 3], y: [1, 0, 3, 2])
        XCTAssertEqual(noisy.slope, 0.6, accuracy: 1e-6)
        XCTAssertEqual(noisy.intercept, 0.6, accuracy: 1e-6)
        XCTAssertEqual(noisy.residual, 0.8, accuracy: 1e-6)
    }

    func testStraightThroughSignIsTheSignForwardAndTheIdentityBackward() {
        let u = Tensor([-0.5, 0, 0.25, 2], shape: [2, 2], requiresGrad: true)
        let s = LDPH.straightThroughSign(u)
        XCTAssertEqual(s.data, [-1, -1, 1, 1])
        let weights = Tensor([1, 2, 3, 4], shape: [2, 2])
        (s * weights).sum().backward()
        XCTAssertEqual(u.grad?.data, [1, 2, 3, 4])
    }

    func testHashNetworkProjectsAsItsFormula() {
        // d = 2, inputs = 1, hidden = 2, bits = 2.
        let net = HashNetwork(
            mean: [1, 0], projection: [1, 2], scale: [0.5], w1: [1, -1], b1: [0, 0.5], w2: [1, 0, 0, 1],
            b2: [0.1, -0.1])
        let out = net.project([3, 1])
        // v = ((3 − 1)·1 + (1 − 0)·2) · 0.5 = 2; hidden = tanh(2), tanh(−2 + 0.5).
        assertClose(out, [Float(tanh(2.0)) + 0.1, Float(tanh(-1.5)) - 0.1], accuracy: 1e-6, "project")
        XCTAssertEqual(net.encode([3, 1]).bit(0, 0), true)
        XCTAssertEqual(net.encode([3, 1]).bit(0, 1), false)
    }

    func testFitIsSeededLearnsFromItsReferenceAndKeepsDistancesLinear() throws {
        let (x, labels) = blobs(150, seed: 4)
        var ldph = LDPH(bits: 8, seed: 5)
        ldph.pretrainEpochs = 20
        ldph.rounds = 2
        ldph.epochsPerRound = 2
        ldph.batchSize = 100
        let (network, report) = try ldph.fitReporting(x, dimension: 16)
        XCTAssertEqual(try ldph.fit(x, dimension: 16), network, "the same seed gives the same network")
        var other = ldph
        other.seed = 6
        XCTAssertNotEqual(try other.fit(x, dimension: 16), network)
        // It learns from ITQ's codes: most bits agree with the reference.
        XCTAssertGreaterThan(report.agreementWithReference, 0.8)
        XCTAssertEqual(report.fits.count, 2)
        XCTAssertEqual(report.residuals.count, 3)
        // Hamming distance grows with Euclidean distance.
        XCTAssertGreaterThan(report.fits[0].slope, 0)
        // Codes of one blob lie closer together than codes of two.
        let codes = network.encode(x)
        var within = 0.0
        var between = 0.0
        var (w, b) = (0, 0)
        for i in 0..<100 {
            for j in (i + 1)..<100 {
                let d = Double(codes.distance(i, to: codes, j))
                if labels[i] == labels[j] {
                    within += d
                    w += 1
                } else {
                    between += d
                    b += 1
                }
            }
        }
        XCTAssertLessThan(within / Double(w), 0.5 * between / Double(b))
    }

    func testLDPHIndexFileRoundTrips() throws {
        let (x, labels) = blobs(40, seed: 7)
        var ldph = LDPH(bits: 8, seed: 1)
        ldph.pretrainEpochs = 2
        ldph.rounds = 1
        ldph.epochsPerRound = 1
        var index = BinaryIndex(kind: .ldph, encoder: try ldph.fit(x, dimension: 16))
        index.add(x)
        let dir = try TestFiles.scratchDirectory(self)
        let path = dir.appendingPathComponent("ldph.h5").path
        try IndexFile.write(index, metadata: IndexMetadata(sampleShape: [16], labels: labels, seed: 1), to: path)
        let (back, metadata) = try IndexFile.read(path)
        let binary = try XCTUnwrap(back as? BinaryIndex)
        XCTAssertEqual(binary.kind, .ldph)
        XCTAssertEqual(binary.codes, index.codes)
        XCTAssertEqual(binary.encoder as? HashNetwork, index.encoder as? HashNetwork)
        XCTAssertEqual(metadata.labels, labels)
        XCTAssertEqual(back.search(Array(x[0..<32]), k: 3), index.search(Array(x[0..<32]), k: 3))
    }

    /// With a clustering as an extra reference, the samples of a cluster start from one code: the
    /// ITQ code of the cluster's mean; unlabelled samples keep their own.
    func testClusterCodesShareTheCodeOfTheClusterMean() throws {
        let (x, labels) = blobs(30, seed: 8)
        let itq = try BinaryEncoder.itq(training: x, dimension: 16, bits: 8, seed: 1)
        let own = itq.project(x).map { $0 > 0 ? Float(1) : -1 }
        var given = labels
        given[0] = -1
        let codes = LDPH.clusterCodes(x, dimension: 16, labels: given, encoder: itq, own: own)
        XCTAssertEqual(Array(codes[0..<8]), Array(own[0..<8]), "an unlabelled sample keeps its code")
        for c in 0..<4 {
            let members = (1..<120).filter { given[$0] == c }
            var mean = [Float](repeating: 0, count: 16)
            for i in members { for j in 0..<16 { mean[j] += x[i * 16 + j] / Float(members.count) } }
            let expected = itq.project(mean).map { $0 > 0 ? Float(1) : -1 }
            for i in members { XCTAssertEqual(Array(codes[(i * 8)..<(i * 8 + 8)]), expected, "sample \(i)") }
        }
        // Learnt: samples of one blob (here made noisy, so that their own codes differ) lie closer
        // in Hamming space than without the clustering.
        var g = SeededGenerator(seed: 9)
        let noisy = x.map { $0 + Float(g.nextGaussian()) }
        func withinBlob(_ labelsGiven: [Int]?) throws -> Double {
            var ldph = LDPH(bits: 8, seed: 2)
            ldph.referenceLabels = labelsGiven
            ldph.rounds = 1
            let learnt = try ldph.fit(noisy, dimension: 16).encode(noisy)
            let pairs = (0..<120).filter { labels[$0] == labels[($0 + 4) % 120] }
            return Double(pairs.reduce(0) { $0 + learnt.distance($1, to: learnt, ($1 + 4) % 120) })
                / Double(pairs.count)
        }
        XCTAssertLessThan(try withinBlob(labels), try withinBlob(nil))
    }
}
