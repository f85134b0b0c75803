/// The contingency table of two labelings of the same N samples: how many samples of each true
/// class fall into each predicted cluster.
///
/// Rows are the true classes and columns the predicted clusters, each side in increasing order of
/// its label value: `counts[i][j] = #{ s : truth[s] == classes[i] && predicted[s] == clusters[j] }`.
/// Label values are arbitrary `Int`s (negative values and gaps allowed) and the two sides may have
/// any numbers of distinct labels; only labels that occur get a row or a column, so no row and no
/// column sums to zero.
///
/// Every metric of this module is a function of this table alone (relabelling either side only
/// permutes rows or columns), so `ClusteringMetrics` builds it once and derives all scores from it.
///
/// Storage is dense and row-major: memory O(R·C) for R classes and C clusters, built in
/// O(N log N) time. This mirrors scikit-learn's `contingency_matrix` (which may be sparse there).
/// The empty labeling gives a 0 × 0 table with `sampleCount == 0`.
public struct ContingencyTable: Hashable, Sendable {
    /// Sorted distinct values of the true labels; `classes[i]` labels row `i`.
    public let classes: [Int]
    /// Sorted distinct values of the predicted labels; `clusters[j]` labels column `j`.
    public let clusters: [Int]
    /// Counts in row-major order: entry `(i, j)` is `flatCounts[i * clusters.count + j]`.
    public let flatCounts: [Int]
    /// Row sums `a_i`: the size of each true class.
    public let classSizes: [Int]
    /// Column sums `b_j`: the size of each predicted cluster.
    public let clusterSizes: [Int]
    /// Number of samples N (the sum of all counts).
    public let sampleCount: Int

    /// Counts the pairs `(truth[s], predicted[s])`.
    ///
    /// - Precondition: `truth.count == predicted.count`; the message names both lengths.
    public init(truth: [Int], predicted: [Int]) {
        precondition(
            truth.count == predicted.count,
            "ContingencyTable: truth.count=\(truth.count) != predicted.count=\(predicted.count)")
        let classes = Array(Set(truth)).sorted()
        let clusters = Array(Set(predicted)).sorted()
        let rowOf = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        let columnOf = Dictionary(uniqueKeysWithValues: clusters.enumerated().map { ($1, $0) })
        var counts = [Int](repeating: 0, count: classes.count * clusters.count)
        for (t, p) in zip(truth, predicted) {
            counts[rowOf[t]! * clusters.count + columnOf[p]!] += 1
        }
        self.init(classes: classes, clusters: clusters, flatCounts: counts)
    }

    /// Wraps precomputed counts (for example a table read back from a report).
    ///
    /// - Precondition: `classes` and `clusters` strictly increasing,
    ///   `flatCounts.count == classes.count * clusters.count`, every count `>= 0`, and no row or
    ///   column summing to zero (a label that occurs has at least one sample).
    public init(classes: [Int], clusters: [Int], flatCounts: [Int]) {
        precondition(
            flatCounts.count == classes.count * clusters.count,
            "ContingencyTable: flatCounts.count=\(flatCounts.count) != "
                + "classes.count=\(classes.count) * clusters.count=\(clusters.count)")
        precondition(
            zip(classes, classes.dropFirst()).allSatisfy { $0 < $1 },
            "ContingencyTable: classes must be strictly increasing, got \(classes)")
        precondition(
            zip(clusters, clusters.dropFirst()).allSatisfy { $0 < $1 },
            "ContingencyTable: clusters must be strictly increasing, got \(clusters)")
        if let negative = flatCounts.firstIndex(where: { $0 < 0 }) {
            preconditionFailure("ContingencyTable: flatCounts[\(negative)]=\(flatCounts[negative]) < 0")
        }
        var rowSums = [Int](repeating: 0, count: classes.count)
        var columnSums = [Int](repeating: 0, count: clusters.count)
        for i in 0..<classes.count {
            for j in 0..<clusters.count {
                let n = flatCounts[i * clusters.count + j]
                rowSums[i] += n
                columnSums[j] += n
            }
        }
        if let empty = rowSums.firstIndex(of: 0) {
            preconditionFailure("ContingencyTable: class \(classes[empty]) (row \(empty)) has no samples")
        }
        if let empty = columnSums.firstIndex(of: 0) {
            preconditionFailure("ContingencyTable: cluster \(clusters[empty]) (column \(empty)) has no samples")
        }
        self.classes = classes
        self.clusters = clusters
        self.flatCounts = flatCounts
        self.classSizes = rowSums
        self.clusterSizes = columnSums
        self.sampleCount = rowSums.reduce(0, +)
    }

    /// Number of rows R (distinct true classes).
    public var classCount: Int { classes.count }
    /// Number of columns C (distinct predicted clusters).
    public var clusterCount: Int { clusters.count }

    /// Count of samples in class row `row` and cluster column `column`.
    public subscript(row: Int, column: Int) -> Int {
        flatCounts[row * clusters.count + column]
    }

    /// The counts as `R` rows of `C` entries.
    public var counts: [[Int]] {
        (0..<classes.count).map { i in
            Array(flatCounts[(i * clusters.count)..<((i + 1) * clusters.count)])
        }
    }

    /// The table with the roles of truth and prediction swapped (`C × R`); every symmetric score
    /// (MI, NMI, ARI, AMI) is unchanged by it.
    public func transposed() -> ContingencyTable {
        var flat = [Int](repeating: 0, count: flatCounts.count)
        for i in 0..<classes.count {
            for j in 0..<clusters.count {
                flat[j * classes.count + i] = flatCounts[i * clusters.count + j]
            }
        }
        return ContingencyTable(classes: clusters, clusters: classes, flatCounts: flat)
    }
}
