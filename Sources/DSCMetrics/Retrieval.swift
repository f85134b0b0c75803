/// Retrieval scores of rankings, as the hashing literature reports them (relevance: the same
/// label). Every score is a mean over queries of a per-query value in [0, 1].
public enum Retrieval {
    /// Average precision of one ranking, given the relevance of each ranked item in rank order,
    /// over its first `limit` items (nil: all): the mean of precision@r over the ranks r of the
    /// relevant items found there, so normalised by the relevant items found in the first
    /// `limit` (mAP@5000 in the sense of IMSAT's and CNNH's evaluation code), 0 when none are.
    public static func averagePrecision(_ relevant: [Bool], limit: Int? = nil) -> Double {
        let n = min(limit ?? relevant.count, relevant.count)
        var hits = 0
        var sum = 0.0
        for r in 0..<n where relevant[r] {
            hits += 1
            sum += Double(hits) / Double(r + 1)
        }
        return hits > 0 ? sum / Double(hits) : 0
    }

    /// The share of relevant items among the first `k` of a ranking (a ranking shorter than `k`
    /// counts its missing items as not relevant).
    public static func precision(_ relevant: [Bool], at k: Int) -> Double {
        precondition(k >= 1, "precision: k=\(k) must be >= 1")
        return Double(relevant.prefix(k).filter { $0 }.count) / Double(k)
    }

    /// The share of relevant items among those within Hamming radius `radius` of the query
    /// (`distances` and `relevant` aligned); 0 when none is that close.
    public static func precisionWithin(radius: Int32, distances: [Int32], relevant: [Bool]) -> Double {
        var found = 0
        var hits = 0
        for (d, r) in zip(distances, relevant) where d <= radius {
            found += 1
            if r { hits += 1 }
        }
        return found > 0 ? Double(hits) / Double(found) : 0
    }

    /// The order of `distances` (smallest first, ties by the smaller index): a full ranking.
    public static func ranking(_ distances: [Float]) -> [Int] {
        distances.indices.sorted { (distances[$0], $0) < (distances[$1], $1) }
    }
}
