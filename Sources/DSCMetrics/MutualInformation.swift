import Foundation

extension Metrics {
    /// Shannon entropy `H(U) = −Σᵢ (aᵢ/N) · log(aᵢ/N)` in nats of a labeling, from its labels.
    ///
    /// O(N log N). A single cluster gives 0. The empty labeling gives 0 (scikit-learn's private
    /// `_entropy` returns 1.0 there, a value its NMI and AMI never use, since both treat the empty
    /// case before; this public helper returns the mathematically sensible value instead).
    public static func entropy(of labels: [Int]) -> Double {
        var sizes: [Int: Int] = [:]
        for label in labels { sizes[label, default: 0] += 1 }
        return entropy(counts: sizes.sorted { $0.key < $1.key }.map(\.value))
    }

    /// Entropy in nats of a labeling given its cluster sizes `counts` (`N = Σ counts`).
    ///
    /// Computed as scikit-learn does, `−Σᵢ (aᵢ/N) · (log aᵢ − log N)`. Zero counts are skipped;
    /// fewer than two nonzero counts give 0. O(k) for k counts.
    ///
    /// - Precondition: every count `>= 0`.
    public static func entropy(counts: [Int]) -> Double {
        if let negative = counts.firstIndex(where: { $0 < 0 }) {
            preconditionFailure("Metrics.entropy: counts[\(negative)]=\(counts[negative]) < 0")
        }
        let sizes = counts.filter { $0 > 0 }
        guard sizes.count > 1 else { return 0 }
        let n = Double(sizes.reduce(0, +))
        let logN = log(n)
        var sum = 0.0
        for size in sizes {
            let a = Double(size)
            sum += (a / n) * (log(a) - logN)
        }
        return -sum
    }

    /// Mutual information `MI(U, V) = Σᵢⱼ (nᵢⱼ/N) · log(N·nᵢⱼ / (aᵢ·bⱼ))` in nats, with `nᵢⱼ` the
    /// contingency counts and `aᵢ`, `bⱼ` its row and column sums.
    ///
    /// Semantics of scikit-learn's `mutual_info_score`: 0 when either side has a single label
    /// (and, here, for empty input); each term's magnitude below machine epsilon (2.2e-16) is
    /// flushed to 0 and the sum is clipped at 0, so independent labelings give exactly 0.
    /// Symmetric; `0 <= MI <= min(H(U), H(V))`. O(N log N + R·C).
    ///
    /// - Precondition: `truth.count == predicted.count`.
    public static func mutualInformation(truth: [Int], predicted: [Int]) -> Double {
        mutualInformation(table("mutualInformation", truth: truth, predicted: predicted))
    }

    /// Mutual information of the labelings summarised by `table`; see
    /// `mutualInformation(truth:predicted:)`. O(R·C).
    public static func mutualInformation(_ table: ContingencyTable) -> Double {
        guard table.classCount > 1, table.clusterCount > 1 else { return 0 }
        let n = Double(table.sampleCount)
        let logN = log(n)
        var sum = 0.0
        for i in 0..<table.classCount {
            let a = Double(table.classSizes[i])
            for j in 0..<table.clusterCount {
                let count = table[i, j]
                guard count > 0 else { continue }
                let nij = Double(count)
                let share = nij / n
                let logOuter = -log(a * Double(table.clusterSizes[j])) + logN + logN
                let term = share * (log(nij) - logN) + share * logOuter
                if abs(term) >= Double.ulpOfOne { sum += term }
            }
        }
        return Swift.max(sum, 0)
    }

    /// Normalised mutual information `NMI(U, V) = MI(U, V) / avg(H(U), H(V))`.
    ///
    /// Semantics of scikit-learn's `normalized_mutual_info_score(average_method:)`, whose default
    /// averaging is arithmetic (since 0.22; older papers used geometric):
    /// - both labelings a single label (or both empty): 1.0 — identical trivial partitions;
    /// - otherwise `MI == 0` (in particular when exactly one side is a single label): 0.0;
    /// - otherwise `MI / averaging.average(H(U), H(V))`.
    ///
    /// In [0, 1]; 1 iff the partitions are equal up to renaming (for any averaging); symmetric in
    /// its arguments. O(N log N + R·C).
    ///
    /// - Precondition: `truth.count == predicted.count`.
    public static func normalizedMutualInformation(
        truth: [Int], predicted: [Int],
        averaging: Averaging = .arithmetic
    ) -> Double {
        normalizedMutualInformation(
            table("normalizedMutualInformation", truth: truth, predicted: predicted),
            averaging: averaging)
    }

    /// NMI of the labelings summarised by `table`; see
    /// `normalizedMutualInformation(truth:predicted:averaging:)`. O(R·C).
    public static func normalizedMutualInformation(
        _ table: ContingencyTable,
        averaging: Averaging = .arithmetic
    ) -> Double {
        if table.classCount == table.clusterCount && table.classCount <= 1 { return 1 }
        let mi = mutualInformation(table)
        if mi == 0 { return 0 }
        let normaliser = averaging.average(
            entropy(counts: table.classSizes),
            entropy(counts: table.clusterSizes))
        return mi / normaliser
    }
}
