import DSCMetrics
import XCTest

/// Every score against scikit-learn 1.9.1 / SciPy (values and snippet in GoldenCases.swift,
/// produced by make_golden.py), to 1e-10 absolute.
final class GoldenTests: XCTestCase {
    let tolerance = 1e-10

    func testGoldenCasesAreReproduced() {
        XCTAssertEqual(goldenCases.count, 16)
        for golden in goldenCases {
            let (truth, predicted) = golden.labels.arrays
            XCTAssertEqual(truth.first, golden.firstLabels.0, golden.name)
            XCTAssertEqual(predicted.first, golden.firstLabels.1, golden.name)
            XCTAssertEqual(truth.reduce(0, +), golden.sums.0, golden.name)
            XCTAssertEqual(predicted.reduce(0, +), golden.sums.1, golden.name)
        }
    }

    func testAccuracy() {
        for golden in goldenCases {
            let (truth, predicted) = golden.labels.arrays
            XCTAssertEqual(
                Metrics.accuracy(truth: truth, predicted: predicted), golden.acc,
                accuracy: tolerance, golden.name)
        }
    }

    func testMutualInformationAndEntropy() {
        for golden in goldenCases {
            let (truth, predicted) = golden.labels.arrays
            XCTAssertEqual(
                Metrics.mutualInformation(truth: truth, predicted: predicted), golden.mi,
                accuracy: tolerance, golden.name)
            XCTAssertEqual(
                Metrics.entropy(of: truth), golden.entropyTruth,
                accuracy: tolerance, golden.name)
        }
    }

    func testNormalizedMutualInformationAllAveragings() {
        for golden in goldenCases {
            let (truth, predicted) = golden.labels.arrays
            let expected: [(Metrics.Averaging, Double)] = [
                (.arithmetic, golden.nmiArithmetic), (.geometric, golden.nmiGeometric),
                (.min, golden.nmiMin), (.max, golden.nmiMax),
            ]
            for (averaging, value) in expected {
                let nmi = Metrics.normalizedMutualInformation(
                    truth: truth, predicted: predicted,
                    averaging: averaging)
                XCTAssertEqual(nmi, value, accuracy: tolerance, "\(golden.name) \(averaging)")
            }
            XCTAssertEqual(
                Metrics.normalizedMutualInformation(truth: truth, predicted: predicted),
                golden.nmiArithmetic, accuracy: tolerance, "default is arithmetic")
        }
    }

    func testAdjustedRandIndex() {
        for golden in goldenCases {
            let (truth, predicted) = golden.labels.arrays
            XCTAssertEqual(
                Metrics.adjustedRandIndex(truth: truth, predicted: predicted), golden.ari,
                accuracy: tolerance, golden.name)
        }
    }

    func testAdjustedMutualInformation() {
        for golden in goldenCases {
            let (truth, predicted) = golden.labels.arrays
            XCTAssertEqual(
                Metrics.adjustedMutualInformation(truth: truth, predicted: predicted),
                golden.ami, accuracy: tolerance, golden.name)
        }
    }

    func testClusteringMetricsAgreesWithGolden() {
        for golden in goldenCases {
            let (truth, predicted) = golden.labels.arrays
            let metrics = ClusteringMetrics(truth: truth, predicted: predicted)
            XCTAssertEqual(metrics.acc, golden.acc, accuracy: tolerance, golden.name)
            XCTAssertEqual(metrics.nmi, golden.nmiArithmetic, accuracy: tolerance, golden.name)
            XCTAssertEqual(metrics.nmiGeometric, golden.nmiGeometric, accuracy: tolerance, golden.name)
            XCTAssertEqual(metrics.ari, golden.ari, accuracy: tolerance, golden.name)
            XCTAssertEqual(metrics.ami, golden.ami, accuracy: tolerance, golden.name)
        }
    }

    /// Values from scikit-learn's own docstrings, small enough to check by hand.
    func testDocumentedExamples() {
        // adjusted_rand_score([0, 0, 1, 2], [0, 0, 1, 1]) = 0.5714285714285714 (4/7)
        XCTAssertEqual(
            Metrics.adjustedRandIndex(truth: [0, 0, 1, 2], predicted: [0, 0, 1, 1]),
            4.0 / 7.0, accuracy: 1e-15)
        // normalized_mutual_info_score([0, 1, 2, 3], [0, 0, 1, 1]) = 0.6666666666666666
        XCTAssertEqual(
            Metrics.normalizedMutualInformation(truth: [0, 1, 2, 3], predicted: [0, 0, 1, 1]),
            2.0 / 3.0, accuracy: 1e-15)
        // mutual_info_score([0, 1, 1, 0, 1, 0], [0, 1, 0, 0, 1, 1]) ≈ 0.0566
        XCTAssertEqual(
            Metrics.mutualInformation(truth: [0, 1, 1, 0, 1, 0], predicted: [0, 1, 0, 0, 1, 1]),
            0.0566, accuracy: 5e-5)
    }
}
