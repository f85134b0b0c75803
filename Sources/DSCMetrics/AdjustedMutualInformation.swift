import Foundation

extension Metrics {
    /// Adjusted mutual information (Vinh, Epps & Bailey 2010):
    /// `AMI(U, V) = (MI − E[MI]) / (avg(H(U), H(V)) − E[MI])`.
    ///
    /// Semantics of scikit-learn 1.9's `adjusted_mutual_info_score(average_method:)` (default
    /// arithmetic), edge cases included:
    /// - both labelings a single label, or both empty: 1.0;
    /// - exactly one labeling a single label: 0.0;
    /// - otherwise the formula, where a denominator of magnitude below machine epsilon is replaced
    ///   by `±eps` keeping its sign (`+eps` for 0), and likewise the numerator, so that identical
    ///   partitions whose `E[MI]` equals the normaliser (e.g. N distinct labels on both sides)
    ///   give `eps/eps = 1.0` instead of `0/0`.
    ///
    /// At most 1 (up to rounding); 0 in expectation for random labelings; may be negative.
    /// Symmetric. Cost dominated by `expectedMutualInformation`.
    ///
    /// - Precondition: `truth.count == predicted.count`.
    public static func adjustedMutualInformation(
        truth: [Int], predicted: [Int],
        averaging: Averaging = .arithmetic
    ) -> Double {
        adjustedMutualInformation(
            table("adjustedMutualInformation", truth: truth, predicted: predicted),
            averaging: averaging)
    }

    /// AMI of the labelings summarised by `table`; see
    /// `adjustedMutualInformation(truth:predicted:averaging:)`.
    public static func adjustedMutualInformation(
        _ table: ContingencyTable,
        averaging: Averaging = .arithmetic
    ) -> Double {
        let (rows, columns) = (table.classCount, table.clusterCount)
        if rows == columns && rows <= 1 { return 1 }
        if rows == 1 || columns == 1 { return 0 }
        let mi = mutualInformation(table)
        let emi = expectedMutualInformation(table)
        let normaliser = averaging.average(
            entropy(counts: table.classSizes),
            entropy(counts: table.clusterSizes))
        let eps = Double.ulpOfOne
        var denominator = normaliser - emi
        denominator = denominator < 0 ? Swift.min(denominator, -eps) : Swift.max(denominator, eps)
        var numerator = mi - emi
        numerator = numerator < 0 ? Swift.min(numerator, -eps) : Swift.max(numerator, eps)
        return numerator / denominator
    }

    /// Expected mutual information `E[MI]` of two labelings with the marginals of `table`
    /// (class sizes `aᵢ`, cluster sizes `bⱼ`, N samples) when the labels are permuted at random —
    /// the hypergeometric model of Vinh, Epps & Bailey (2010):
    ///
    ///     E[MI] = Σᵢ Σⱼ Σ_{nᵢⱼ = max(1, aᵢ+bⱼ−N)}^{min(aᵢ, bⱼ)}
    ///             (nᵢⱼ/N) · log(N·nᵢⱼ / (aᵢ·bⱼ)) ·
    ///             aᵢ! bⱼ! (N−aᵢ)! (N−bⱼ)! / (N! nᵢⱼ! (aᵢ−nᵢⱼ)! (bⱼ−nᵢⱼ)! (N−aᵢ−bⱼ+nᵢⱼ)!)
    ///
    /// computed term by term as scikit-learn's `expected_mutual_information` does: the factorial
    /// ratio in log space with log-gamma (`lgamma(k + 1) = log k!`), then `exp`. Returns 0 when
    /// either side has a single label (or for empty input). Time O(N + Σᵢⱼ min(aᵢ, bⱼ)), at most
    /// O(N·min(R, C)); memory O(N) for a table of `log k!`. In nats, with
    /// `0 <= E[MI] <= min(H(U), H(V))` up to rounding; symmetric in the two labelings.
    public static func expectedMutualInformation(_ table: ContingencyTable) -> Double {
        let (rows, columns) = (table.classCount, table.clusterCount)
        guard rows > 1, columns > 1 else { return 0 }
        let total = table.sampleCount
        let n = Double(total)
        let a = table.classSizes
        let b = table.clusterSizes
        // logFactorial[k] = lgamma(k + 1) = log(k!), for k = 0...N.
        let logFactorial: [Double] = (0...total).map { k in
            let value: Double = lgamma(Double(k) + 1)
            return value
        }
        let largest = Swift.max(a.max()!, b.max()!)
        // Per-nᵢⱼ terms, index 0 unused: nᵢⱼ/N, log(N) + log(nᵢⱼ), log(nᵢⱼ!) + log(N!).
        let share = (0...largest).map { Double($0) / n }
        let logNTimes = (0...largest).map { log(n) + log(Double(Swift.max($0, 1))) }
        let logFactorialPlusN = (0...largest).map { logFactorial[$0] + logFactorial[total] }
        let logA = a.map { log(Double($0)) }
        let logB = b.map { log(Double($0)) }

        var emi = 0.0
        for i in 0..<rows {
            for j in 0..<columns {
                let lower = Swift.max(1, a[i] - total + b[j])
                let upper = Swift.min(a[i], b[j])
                guard lower <= upper else { continue }
                // Fixed part of the log factorial ratio, grouped as scikit-learn sums it.
                var fixed = logFactorial[a[i]] + logFactorial[b[j]]
                fixed += logFactorial[total - a[i]]
                fixed += logFactorial[total - b[j]]
                for nij in lower...upper {
                    let logRatio = logNTimes[nij] - logA[i] - logB[j]
                    let rest: Double = logFactorial[total - a[i] - b[j] + nij]
                    var logProbability: Double = fixed - logFactorialPlusN[nij]
                    logProbability -= logFactorial[a[i] - nij]
                    logProbability -= logFactorial[b[j] - nij]
                    logProbability -= rest
                    emi += share[nij] * logRatio * exp(logProbability)
                }
            }
        }
        return emi
    }
}
