/// External clustering metrics: scores that compare predicted cluster labels with true class labels.
///
/// Every score is a function of the `ContingencyTable` of the two labelings, so each comes in two
/// forms: one taking the label arrays (`truth:predicted:`), which validates them, and one taking
/// a table, for callers that compute several scores from one table (as `ClusteringMetrics` does).
///
/// | score | function | range | chance level |
/// | --- | --- | --- | --- |
/// | ACC | `accuracy` | [0, 1] | ≥ largest class share |
/// | MI | `mutualInformation` | [0, min(H(U), H(V))] nats | > 0 |
/// | NMI | `normalizedMutualInformation` | [0, 1] | > 0 |
/// | ARI | `adjustedRandIndex` | [−0.5, 1] | 0 |
/// | AMI | `adjustedMutualInformation` | ≤ 1 (may be < 0) | 0 |
///
/// NMI, ARI, AMI, MI and entropy follow scikit-learn 1.9's `sklearn.metrics.cluster` semantics
/// exactly, special cases included; logarithms are natural (nats). All scores are invariant to
/// renaming the labels on either side; all but ACC are also symmetric in `truth` and `predicted`.
///
/// Validation happens at this boundary only: the two arrays must have the same length, else a
/// `precondition` fails with both lengths in the message (user input is validated earlier, by the
/// CLI). Empty labelings are allowed: two empty partitions are taken to agree perfectly, so ACC,
/// NMI, ARI and AMI are 1 (as scikit-learn returns for NMI, ARI and AMI), and MI and entropy are 0.
public enum Metrics {
    /// How NMI and AMI combine the two entropies `H(U)`, `H(V)` into a normaliser, as
    /// scikit-learn's `average_method`.
    public enum Averaging: String, CaseIterable, Codable, Sendable {
        /// `(H(U) + H(V)) / 2` — scikit-learn's default since 0.22 (equals the V-measure for NMI).
        case arithmetic
        /// `sqrt(H(U) · H(V))` — the NMI of Strehl & Ghosh (2002) used by older papers.
        case geometric
        /// `min(H(U), H(V))`.
        case min
        /// `max(H(U), H(V))`.
        case max

        /// The normaliser for entropies `u`, `v`.
        public func average(_ u: Double, _ v: Double) -> Double {
            switch self {
            case .arithmetic: return (u + v) / 2
            case .geometric: return (u * v).squareRoot()
            case .min: return Swift.min(u, v)
            case .max: return Swift.max(u, v)
            }
        }
    }

    /// The boundary check shared by every label-array entry point, then the table.
    static func table(_ function: String, truth: [Int], predicted: [Int]) -> ContingencyTable {
        precondition(
            truth.count == predicted.count,
            "Metrics.\(function): truth.count=\(truth.count) != predicted.count=\(predicted.count)")
        return ContingencyTable(truth: truth, predicted: predicted)
    }
}
