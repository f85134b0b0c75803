/// The best one-to-one matching of predicted clusters to true classes, and the accuracy it gives.
///
/// Clustering accuracy (ACC) as used throughout the subspace-clustering literature:
/// `ACC = max over one-to-one maps m of (1/N) Σₛ [truth[s] == m(predicted[s])]`,
/// the maximum found by the Hungarian method on the contingency table (profit = counts). The
/// table may be rectangular: with more clusters than classes the extra clusters stay unmatched and
/// their samples count as errors; with fewer, the extra classes do. This is the value of
/// `linear_sum_assignment(-contingency)` in SciPy summed and divided by N. When several matchings
/// reach the maximum, which one is returned is deterministic but unspecified.
public struct AccuracyMatching: Hashable, Sendable {
    /// The table the matching was computed on.
    public let table: ContingencyTable
    /// For each column (cluster) index, the row (class) index matched to it, or `nil`.
    public let classIndexOfCluster: [Int?]
    /// Number of samples on matched pairs: `Σ counts[class(j)][j]`, the numerator of ACC.
    public let matchedCount: Int

    /// Runs the Hungarian method on `table`. O(k²·K) with `k = min(R, C)`, `K = max(R, C)`.
    public init(_ table: ContingencyTable) {
        let profit = table.counts.map { $0.map(Double.init) }
        let assignment = Hungarian.maximizeProfit(profit)
        self.table = table
        self.classIndexOfCluster = assignment.columnToRow
        self.matchedCount = assignment.pairs.reduce(0) { $0 + table[$1.row, $1.column] }
    }

    /// ACC = `matchedCount / N`, in [0, 1]; 1.0 for empty input (two empty partitions agree).
    public var accuracy: Double {
        table.sampleCount == 0 ? 1 : Double(matchedCount) / Double(table.sampleCount)
    }

    /// Predicted cluster label → true class label, for the `min(R, C)` matched clusters.
    public var clusterToClass: [Int: Int] {
        var mapping: [Int: Int] = [:]
        for (column, row) in classIndexOfCluster.enumerated() {
            if let row { mapping[table.clusters[column]] = table.classes[row] }
        }
        return mapping
    }

    /// Row indices in display order: matched classes (in increasing class order), then the
    /// unmatched ones.
    public var classOrder: [Int] {
        let matched = Set(classIndexOfCluster.compactMap { $0 })
        let rows = Array(0..<table.classCount)
        return rows.filter { matched.contains($0) } + rows.filter { !matched.contains($0) }
    }

    /// Column indices in display order: the cluster matched to each class of `classOrder`, then
    /// the unmatched clusters in increasing order. With `classOrder`, it puts every matched pair on
    /// the leading diagonal.
    public var clusterOrder: [Int] {
        var columnOfRow = [Int?](repeating: nil, count: table.classCount)
        for (column, row) in classIndexOfCluster.enumerated() {
            if let row { columnOfRow[row] = column }
        }
        let matched = classOrder.compactMap { columnOfRow[$0] }
        let taken = Set(matched)
        return matched + (0..<table.clusterCount).filter { !taken.contains($0) }
    }

    /// The counts with rows in `classOrder` and columns in `clusterOrder` (R × C): the confusion
    /// matrix of a report, matched pairs on the diagonal, `reorderedCounts[k][k]` for
    /// `k < min(R, C)` summing to `matchedCount`.
    public var reorderedCounts: [[Int]] {
        let columns = clusterOrder
        return classOrder.map { row in columns.map { table[row, $0] } }
    }

    /// Class label of each row of `reorderedCounts`.
    public var reorderedClasses: [Int] { classOrder.map { table.classes[$0] } }
    /// Cluster label of each column of `reorderedCounts`.
    public var reorderedClusters: [Int] { clusterOrder.map { table.clusters[$0] } }
}

extension Metrics {
    /// Clustering accuracy: the share of samples correctly labelled under the best one-to-one
    /// matching of predicted clusters to classes (see `AccuracyMatching`). In [0, 1]; 1 iff the
    /// partitions are equal up to renaming; invariant to renaming; symmetric in value (a matching
    /// of the transposed table is the same set of pairs); at least `max nᵢⱼ / N`. Empty input gives
    /// 1.0. O(N log N + k²·K) with `k = min(R, C)`, `K = max(R, C)`.
    ///
    /// - Precondition: `truth.count == predicted.count`.
    public static func accuracy(truth: [Int], predicted: [Int]) -> Double {
        accuracyMatching(truth: truth, predicted: predicted).accuracy
    }

    /// ACC of the labelings summarised by `table`; see `accuracy(truth:predicted:)`.
    public static func accuracy(_ table: ContingencyTable) -> Double {
        AccuracyMatching(table).accuracy
    }

    /// The optimal matching behind ACC, with what a report needs to reorder its confusion matrix.
    ///
    /// - Precondition: `truth.count == predicted.count`.
    public static func accuracyMatching(truth: [Int], predicted: [Int]) -> AccuracyMatching {
        AccuracyMatching(table("accuracyMatching", truth: truth, predicted: predicted))
    }

    /// The optimal matching on `table`; see `AccuracyMatching`.
    public static func accuracyMatching(_ table: ContingencyTable) -> AccuracyMatching {
        AccuracyMatching(table)
    }

    /// Predicted cluster label → true class label under the matching that maximises ACC.
    /// Clusters left unmatched (when there are more clusters than classes) are absent.
    ///
    /// - Precondition: `truth.count == predicted.count`.
    public static func accuracyMapping(truth: [Int], predicted: [Int]) -> [Int: Int] {
        accuracyMatching(truth: truth, predicted: predicted).clusterToClass
    }
}
