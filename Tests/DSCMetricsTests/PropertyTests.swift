import DSCMetrics
import DSCTestSupport
import XCTest

/// Properties every score must have, on seeded random labelings: invariance to renaming labels,
/// symmetry, bounds, and the degenerate cases (perfect match, one cluster, one sample, empty).
final class PropertyTests: XCTestCase {
    /// Seeded random labeling pairs of varied sizes and label counts, some correlated.
    func randomPairs(seed: UInt64, count: Int = 40) -> [(truth: [Int], predicted: [Int])] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            let n = 1 + rng.below(120)
            let classes = 1 + rng.below(8)
            let clusters = 1 + rng.below(12)
            let agreement = rng.below(1001)
            let truth = rng.labels(count: n, classes: classes)
            let predicted = truth.map { t in
                rng.below(1000) < agreement ? t % clusters : rng.below(clusters)
            }
            return (truth, predicted)
        }
    }

    /// Every score, in a fixed order, for comparisons.
    func allScores(_ truth: [Int], _ predicted: [Int]) -> [Double] {
        var scores = [
            Metrics.accuracy(truth: truth, predicted: predicted),
            Metrics.mutualInformation(truth: truth, predicted: predicted),
            Metrics.adjustedRandIndex(truth: truth, predicted: predicted),
            Metrics.adjustedMutualInformation(truth: truth, predicted: predicted),
        ]
        for averaging in Metrics.Averaging.allCases {
            scores.append(
                Metrics.normalizedMutualInformation(
                    truth: truth, predicted: predicted,
                    averaging: averaging))
            scores.append(
                Metrics.adjustedMutualInformation(
                    truth: truth, predicted: predicted,
                    averaging: averaging))
        }
        return scores
    }

    func testInvariantToRenamingLabels() {
        var rng = SplitMix64(seed: 11)
        for (truth, predicted) in randomPairs(seed: 1) {
            // Bijective renamings with gaps and negative values on both sides.
            let classNames = (0..<8).map { $0 * 37 - 100 }.shuffled(using: &rng)
            let clusterNames = (0..<12).map { 1_000 - $0 * $0 }.shuffled(using: &rng)
            let renamedTruth = truth.map { classNames[$0] }
            let renamedPredicted = predicted.map { clusterNames[$0] }
            assertClose(
                allScores(truth, predicted), allScores(renamedTruth, renamedPredicted), accuracy: 1e-12,
                "renamed n=\(truth.count)")
        }
    }

    func testSymmetricInTruthAndPrediction() {
        for (truth, predicted) in randomPairs(seed: 2) {
            assertClose(
                allScores(truth, predicted), allScores(predicted, truth), accuracy: 1e-12,
                "swapped n=\(truth.count)")
        }
    }

    func testBounds() {
        for (truth, predicted) in randomPairs(seed: 3, count: 60) {
            let table = ContingencyTable(truth: truth, predicted: predicted)
            let acc = Metrics.accuracy(table)
            XCTAssertGreaterThanOrEqual(acc, Double(table.flatCounts.max()!) / Double(truth.count))
            XCTAssertLessThanOrEqual(acc, 1)
            for averaging in Metrics.Averaging.allCases {
                let nmi = Metrics.normalizedMutualInformation(table, averaging: averaging)
                XCTAssertGreaterThanOrEqual(nmi, 0)
                XCTAssertLessThanOrEqual(nmi, 1 + 1e-12, "\(averaging)")
                XCTAssertLessThanOrEqual(
                    Metrics.adjustedMutualInformation(table, averaging: averaging),
                    1 + 1e-12)
            }
            let ari = Metrics.adjustedRandIndex(table)
            XCTAssertLessThanOrEqual(ari, 1)
            XCTAssertGreaterThanOrEqual(ari, -0.5 - 1e-12)
            let mi = Metrics.mutualInformation(table)
            XCTAssertGreaterThanOrEqual(mi, 0)
            let entropyBound = min(Metrics.entropy(of: truth), Metrics.entropy(of: predicted))
            XCTAssertLessThanOrEqual(mi, entropyBound + 1e-12)
            let emi = Metrics.expectedMutualInformation(table)
            XCTAssertGreaterThanOrEqual(emi, -1e-12)
        }
    }

    func testPerfectMatchGivesOne() {
        var rng = SplitMix64(seed: 4)
        for classes in [2, 3, 7, 30] {
            let truth = rng.labels(count: 30, classes: classes)
            let renamed = truth.map { 5 - 3 * $0 }
            // NMI and AMI are ratios of separately rounded sums: 1 within a few ulps, as in sklearn.
            let metrics = ClusteringMetrics(truth: truth, predicted: renamed)
            XCTAssertEqual(metrics.acc, 1, "classes=\(classes)")
            XCTAssertEqual(metrics.ari, 1, "classes=\(classes)")
            XCTAssertEqual(metrics.nmi, 1, accuracy: 1e-14, "classes=\(classes)")
            XCTAssertEqual(metrics.nmiGeometric, 1, accuracy: 1e-14, "classes=\(classes)")
            XCTAssertEqual(metrics.ami, 1, accuracy: 1e-14, "classes=\(classes)")
            for averaging in Metrics.Averaging.allCases {
                XCTAssertEqual(
                    Metrics.normalizedMutualInformation(
                        truth: truth, predicted: renamed,
                        averaging: averaging),
                    1, accuracy: 1e-15)
            }
        }
        // Every sample its own cluster on both sides: E[MI] = MI = H, AMI's eps/eps gives 1.
        let distinct = Array(0..<9)
        XCTAssertEqual(Metrics.adjustedMutualInformation(truth: distinct, predicted: distinct.reversed()), 1)
    }

    func testSingleClusterCases() {
        let one = [Int](repeating: 7, count: 12)
        XCTAssertEqual(
            ClusteringMetrics(truth: one, predicted: one.map { _ in -1 }),
            ClusteringMetrics(acc: 1, nmi: 1, nmiGeometric: 1, ari: 1, ami: 1))
        let split = [0, 0, 0, 1, 1, 2, 2, 2, 2, 3, 3, 3]
        for (truth, predicted) in [(one, split), (split, one)] {
            let metrics = ClusteringMetrics(truth: truth, predicted: predicted)
            XCTAssertEqual(
                metrics,
                ClusteringMetrics(
                    acc: 4.0 / 12.0, nmi: 0, nmiGeometric: 0,
                    ari: 0, ami: 0))
            XCTAssertEqual(Metrics.mutualInformation(truth: truth, predicted: predicted), 0)
        }
        XCTAssertEqual(Metrics.entropy(of: one), 0)
    }

    func testSingleSampleAndEmptyInput() {
        let perfect = ClusteringMetrics(acc: 1, nmi: 1, nmiGeometric: 1, ari: 1, ami: 1)
        XCTAssertEqual(ClusteringMetrics(truth: [3], predicted: [-8]), perfect)
        XCTAssertEqual(ClusteringMetrics(truth: [], predicted: []), perfect)
        XCTAssertEqual(Metrics.mutualInformation(truth: [], predicted: []), 0)
        XCTAssertEqual(Metrics.entropy(of: []), 0)
        XCTAssertEqual(Metrics.accuracyMapping(truth: [], predicted: []), [:])
        for averaging in Metrics.Averaging.allCases {
            XCTAssertEqual(
                Metrics.normalizedMutualInformation(
                    truth: [], predicted: [],
                    averaging: averaging), 1)
        }
    }

    /// The hypergeometric E[MI] is the mean MI over all N! orderings of the predicted labels.
    func testExpectedMutualInformationIsPermutationAverage() {
        let cases: [([Int], [Int])] = [
            ([0, 0, 1, 1, 2], [0, 1, 1, 1, 0]),
            ([0, 0, 0, 1, 1, 2, 2], [0, 1, 2, 3, 0, 1, 2]),
            ([0, 1, 2, 3, 4, 5], [0, 0, 1, 1, 2, 2]),
        ]
        for (truth, predicted) in cases {
            var sum = 0.0
            var permutations = 0
            forEachPermutation(of: predicted) { shuffled in
                sum += Metrics.mutualInformation(truth: truth, predicted: shuffled)
                permutations += 1
            }
            let table = ContingencyTable(truth: truth, predicted: predicted)
            XCTAssertEqual(
                Metrics.expectedMutualInformation(table), sum / Double(permutations),
                accuracy: 1e-12, "\(truth) \(predicted)")
        }
    }

    /// ARI against the textbook pair-counting formula with binomial coefficients.
    func testAdjustedRandIndexMatchesBinomialFormula() {
        func choose2(_ n: Int) -> Double { Double(n) * Double(n - 1) / 2 }
        for (truth, predicted) in randomPairs(seed: 5) {
            let table = ContingencyTable(truth: truth, predicted: predicted)
            guard table.sampleCount >= 2 else { continue }  // no pairs at all
            let index = table.flatCounts.map(choose2).reduce(0, +)
            let rows = table.classSizes.map(choose2).reduce(0, +)
            let columns = table.clusterSizes.map(choose2).reduce(0, +)
            let expected = rows * columns / choose2(table.sampleCount)
            let maximum = (rows + columns) / 2
            guard maximum != expected else { continue }  // degenerate: scikit-learn's special case
            XCTAssertEqual(
                Metrics.adjustedRandIndex(table), (index - expected) / (maximum - expected),
                accuracy: 1e-12)
        }
    }

    /// Pair counts of order N⁴ overflow 64 bits for N = 200 000; the result must stay exact.
    func testAdjustedRandIndexLargeCountsDoNotOverflow() {
        let n = 200_000
        let truth = (0..<n).map { $0 % 2 }
        let predicted = (0..<n).map { $0 < n / 2 ? 0 : 1 }
        // Each cell holds N/4: Σ C(nij,2) − Σ C(ai,2) Σ C(bj,2) / C(N,2) = 4·C(N/4,2) − 4·C(N/2,2)²/C(N,2).
        func choose2(_ n: Double) -> Double { n * (n - 1) / 2 }
        let N = Double(n)
        let index = 4 * choose2(N / 4)
        let marginal = 2 * choose2(N / 2)
        let expected = marginal * marginal / choose2(N)
        let reference = (index - expected) / (marginal - expected)
        XCTAssertEqual(
            Metrics.adjustedRandIndex(truth: truth, predicted: predicted), reference,
            accuracy: 1e-12)
    }
}

/// Calls `body` with every ordering of `values` (Heap's algorithm; duplicates repeated).
func forEachPermutation(of values: [Int], _ body: ([Int]) -> Void) {
    var items = values
    func permute(_ k: Int) {
        if k <= 1 {
            body(items)
            return
        }
        for i in 0..<(k - 1) {
            permute(k - 1)
            items.swapAt(k % 2 == 0 ? i : 0, k - 1)
        }
        permute(k - 1)
    }
    permute(items.count)
}
