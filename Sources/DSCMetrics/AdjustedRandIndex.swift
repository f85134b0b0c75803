extension Metrics {
    /// Adjusted Rand index (Hubert & Arabie 1985): the Rand index corrected for chance,
    /// `ARI = (RI − E[RI]) / (max RI − E[RI])` under the permutation (hypergeometric) model.
    ///
    /// Semantics of scikit-learn's `adjusted_rand_score`. From the pair confusion matrix over
    /// ordered pairs of distinct samples — `tp` (same class, same cluster), `fp` (different class,
    /// same cluster), `fn` (same class, different cluster), `tn` (different in both) — it is
    /// `2·(tp·tn − fn·fp) / ((tp + fn)·(fn + tn) + (tp + fp)·(fp + tn))`, which equals the usual
    /// `(Σ C(nᵢⱼ,2) − Σ C(aᵢ,2)·Σ C(bⱼ,2)/C(N,2)) / (½(Σ C(aᵢ,2) + Σ C(bⱼ,2)) − Σ C(aᵢ,2)·Σ C(bⱼ,2)/C(N,2))`.
    /// Special case: `fn == 0 && fp == 0` (the partitions are equal up to renaming, including both
    /// single-label, a single sample, or empty input) gives 1.0; the denominator is then never 0.
    ///
    /// At most 1; 0 in expectation for random labelings; may be negative (down to −0.5).
    /// Symmetric. The products are formed exactly in 128-bit integers (scikit-learn uses Python's
    /// unbounded integers), so no overflow for N up to ~3·10⁹. O(N log N + R·C).
    ///
    /// - Precondition: `truth.count == predicted.count`.
    public static func adjustedRandIndex(truth: [Int], predicted: [Int]) -> Double {
        adjustedRandIndex(table("adjustedRandIndex", truth: truth, predicted: predicted))
    }

    /// ARI of the labelings summarised by `table`; see `adjustedRandIndex(truth:predicted:)`.
    /// O(R·C).
    public static func adjustedRandIndex(_ table: ContingencyTable) -> Double {
        let pairs = PairConfusion(table)
        if pairs.falseNegatives == 0 && pairs.falsePositives == 0 { return 1 }
        let (tp, fp, fn, tn) = (
            pairs.truePositives, pairs.falsePositives,
            pairs.falseNegatives, pairs.trueNegatives
        )
        let numerator = WideProduct(tp, tn).minus(WideProduct(fn, fp))
        let denominator = WideProduct(tp + fn, fn + tn).plus(WideProduct(tp + fp, fp + tn))
        return 2.0 * numerator / denominator
    }
}

/// Pair confusion counts over ordered pairs `(s, t)`, `s != t`, of samples, as scikit-learn's
/// `pair_confusion_matrix`: `[[tn, fp], [fn, tp]]`. The four sum to `N² − N`.
struct PairConfusion: Equatable {
    let truePositives: Int
    let falsePositives: Int
    let falseNegatives: Int
    let trueNegatives: Int

    init(_ table: ContingencyTable) {
        var sumSquares = 0
        var rowWeighted = 0
        var columnWeighted = 0
        for i in 0..<table.classCount {
            for j in 0..<table.clusterCount {
                let count = table[i, j]
                sumSquares += count * count
                rowWeighted += count * table.classSizes[i]
                columnWeighted += count * table.clusterSizes[j]
            }
        }
        let n = table.sampleCount
        truePositives = sumSquares - n
        falsePositives = columnWeighted - sumSquares
        falseNegatives = rowWeighted - sumSquares
        trueNegatives = n * n - falsePositives - falseNegatives - sumSquares
    }
}

/// A signed 128-bit value built from products of non-negative `Int`s, enough to form
/// `a·b ± c·d` exactly before a single conversion to `Double`.
struct WideProduct {
    /// Magnitude as (high, low) 64-bit words, and its sign.
    var high: UInt
    var low: UInt
    var negative: Bool

    /// The exact product `a · b`, with `a, b >= 0`.
    init(_ a: Int, _ b: Int) {
        precondition(a >= 0 && b >= 0, "WideProduct: negative factor a=\(a) b=\(b)")
        let product = UInt(a).multipliedFullWidth(by: UInt(b))
        high = product.high
        low = product.low
        negative = false
    }

    private init(high: UInt, low: UInt, negative: Bool) {
        self.high = high
        self.low = low
        self.negative = negative
    }

    /// `self + other` for non-negative operands (no overflow below 2¹²⁷).
    func plus(_ other: WideProduct) -> Double {
        let (low, carry) = self.low.addingReportingOverflow(other.low)
        let high = self.high + other.high + (carry ? 1 : 0)
        return WideProduct(high: high, low: low, negative: false).double
    }

    /// `self − other` for non-negative operands, exactly, then converted.
    func minus(_ other: WideProduct) -> Double {
        let selfIsLarger = (high, low) >= (other.high, other.low)
        let (big, small) = selfIsLarger ? (self, other) : (other, self)
        let (low, borrow) = big.low.subtractingReportingOverflow(small.low)
        let high = big.high - small.high - (borrow ? 1 : 0)
        return WideProduct(high: high, low: low, negative: !selfIsLarger).double
    }

    /// The value as a `Double` (within an ulp or two of correct rounding; exact below 2⁵³).
    var double: Double {
        let magnitude = Double(high) * 0x1p64 + Double(low)
        return negative ? -magnitude : magnitude
    }
}
