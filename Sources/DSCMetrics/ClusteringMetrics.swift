/// The scores a clustering report shows, all computed from one contingency table.
///
/// This is the JSON contract of the `dsc` tool (`dsc evaluate --json` prints it, `dsc cluster
/// --json` nests it under `"metrics"`): keys `acc`, `nmi`, `nmi_geometric`, `ari`, `ami`.
/// Semantics of each field are those of the matching `Metrics` function: `nmi` and `ami` use
/// arithmetic averaging (scikit-learn's default), `nmiGeometric` the geometric mean of the
/// entropies (as older papers report). Empty input gives 1.0 everywhere.
public struct ClusteringMetrics: Codable, Equatable, Sendable {
    /// Clustering accuracy with the Hungarian matching (`Metrics.accuracy`).
    public var acc: Double
    /// NMI, arithmetic averaging (`Metrics.normalizedMutualInformation`).
    public var nmi: Double
    /// NMI, geometric averaging.
    public var nmiGeometric: Double
    /// Adjusted Rand index (`Metrics.adjustedRandIndex`).
    public var ari: Double
    /// Adjusted mutual information, arithmetic averaging (`Metrics.adjustedMutualInformation`).
    public var ami: Double

    enum CodingKeys: String, CodingKey {
        case acc, nmi
        case nmiGeometric = "nmi_geometric"
        case ari, ami
    }

    /// Stores the given values as they are.
    public init(acc: Double, nmi: Double, nmiGeometric: Double, ari: Double, ami: Double) {
        self.acc = acc
        self.nmi = nmi
        self.nmiGeometric = nmiGeometric
        self.ari = ari
        self.ami = ami
    }

    /// Scores `predicted` against `truth`, building the contingency table once.
    ///
    /// - Precondition: `truth.count == predicted.count`; the message names both lengths.
    public init(truth: [Int], predicted: [Int]) {
        self.init(Metrics.table("ClusteringMetrics", truth: truth, predicted: predicted))
    }

    /// Scores the labelings summarised by `table`. Cost dominated by AMI's expected mutual
    /// information (see `Metrics.expectedMutualInformation`).
    public init(_ table: ContingencyTable) {
        self.init(
            acc: Metrics.accuracy(table),
            nmi: Metrics.normalizedMutualInformation(table, averaging: .arithmetic),
            nmiGeometric: Metrics.normalizedMutualInformation(table, averaging: .geometric),
            ari: Metrics.adjustedRandIndex(table),
            ami: Metrics.adjustedMutualInformation(table, averaging: .arithmetic))
    }
}
