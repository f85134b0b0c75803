import DSCNeighbors
import DSCTensor
import Foundation

/// Collaborative index embedding (CIE; Zhou, Li, Sun, Tian: IEEE TPAMI 2017), on two feature
/// spaces of the same database samples: here the samples themselves and a model's embeddings.
///
/// Each round finds every sample's `neighbors` nearest by cosine in both spaces and keeps the
/// mutual ones (`j` among the nearest of `i` and `i` among the nearest of `j`). Then, alternately,
/// each space is pulled towards the other's mutual neighbourhoods:
///
///     b_i ← normalise( b_i + weight · mean_{j ∈ M_A(i)} b_j )      (B pulled by A's mutual pairs)
///     a_i ← normalise( a_i + weight · mean_{j ∈ M_B(i)} a_j )      (A pulled by B's, the new B's)
///
/// with every row of unit length. It stops after ``maximumRounds`` rounds, or as soon as a round
/// raises the agreement of the two neighbourhoods (the mean of `|N_A(i) ∩ N_B(i)| / neighbors`)
/// by less than ``minimumGain``. The index is the improved second space (the model's): queries
/// are embedded by the model and searched against it.
public struct CIE {
    /// Nearest neighbours per sample in each space.
    public var neighbors = 10
    /// How far a vector moves towards its mutual neighbours' mean.
    public var weight: Float = 0.5
    public var maximumRounds = 5
    /// The least rise of the agreement for another round.
    public var minimumGain = 0.002
    /// Told `("cie", fraction)` after each search.
    public var progress: ProgressHandler?

    public init() {}

    /// What a run measured.
    public struct Report: Sendable, Equatable {
        /// The neighbourhoods' agreement before the first round and after each.
        public var agreement: [Double]
        /// Mutual pairs per sample in each space, per round: (A, B).
        public var mutualPerSample: [[Double]]
    }

    /// Improves `second` (`[n, dSecond]`) with `first` (`[n, dFirst]`), rows of the same samples.
    /// Returns the improved second space, rows of unit length.
    ///
    /// - Precondition: both hold `n > neighbors` rows.
    /// - Throws: ``NeighborSearchError`` for a non-finite value.
    public func improve(
        first: [Float], dimension dFirst: Int, second: [Float], dimension dSecond: Int
    ) throws -> (vectors: [Float], report: Report) {
        let n = first.count / dFirst
        precondition(
            n == second.count / dSecond && n > neighbors && neighbors >= 1,
            "CIE: \(n) and \(second.count / dSecond) rows, neighbors \(neighbors)")
        var a = Self.unitRows(first, dFirst)
        var b = Self.unitRows(second, dSecond)
        let search = ExactSearch(k: neighbors, metric: .cosine)
        func lists(_ x: [Float], _ d: Int) throws -> [Int32] {
            try search.neighbors(within: ArraySamples(values: x, shape: [n, d])).0.indices
        }
        let k = neighbors
        let searches = 2 * maximumRounds + 2
        var done = 0
        func searched() {
            done += 1
            progress?("cie", Double(done) / Double(searches))
        }
        var listsA = try lists(a, dFirst)
        searched()
        var listsB = try lists(b, dSecond)
        searched()
        var report = Report(agreement: [Self.agreement(listsA, listsB, k: k)], mutualPerSample: [])
        for _ in 0..<maximumRounds {
            let mutualA = Self.mutual(listsA, k: k)
            b = Self.pulled(b, dSecond, towards: mutualA, weight: weight)
            listsB = try lists(b, dSecond)
            searched()
            let mutualB = Self.mutual(listsB, k: k)
            a = Self.pulled(a, dFirst, towards: mutualB, weight: weight)
            listsA = try lists(a, dFirst)
            searched()
            report.mutualPerSample.append([
                Double(mutualA.reduce(0) { $0 + $1.count }) / Double(n),
                Double(mutualB.reduce(0) { $0 + $1.count }) / Double(n),
            ])
            let agreement = Self.agreement(listsA, listsB, k: k)
            let gain = agreement - report.agreement.last!
            report.agreement.append(agreement)
            if gain < minimumGain { break }
        }
        return (b, report)
    }

    /// Rows scaled to unit length (a zero row stays zero).
    static func unitRows(_ x: [Float], _ d: Int) -> [Float] {
        var out = x
        for i in 0..<(x.count / d) {
            var s: Float = 0
            for j in 0..<d { s += x[i * d + j] * x[i * d + j] }
            let k = s > 0 ? 1 / s.squareRoot() : 0
            for j in 0..<d { out[i * d + j] *= k }
        }
        return out
    }

    /// For each row, its mutual nearest neighbours among `indices` (`[n, k]`, −1 for none).
    static func mutual(_ indices: [Int32], k: Int) -> [[Int]] {
        let n = indices.count / k
        var sets = [Set<Int32>](repeating: [], count: n)
        for i in 0..<n { sets[i] = Set(indices[(i * k)..<((i + 1) * k)].filter { $0 >= 0 }) }
        return (0..<n).map { i in
            indices[(i * k)..<((i + 1) * k)].compactMap { j in
                j >= 0 && sets[Int(j)].contains(Int32(i)) ? Int(j) : nil
            }
        }
    }

    /// `x_i + weight · mean of x_j over i's partners`, renormalised; rows without partners stay.
    static func pulled(_ x: [Float], _ d: Int, towards partners: [[Int]], weight: Float) -> [Float] {
        var out = x
        for (i, js) in partners.enumerated() where !js.isEmpty {
            let w = weight / Float(js.count)
            for j in js { for t in 0..<d { out[i * d + t] += w * x[j * d + t] } }
        }
        return unitRows(out, d)
    }

    /// The mean over rows of the fraction of neighbours two lists (`[n, k]` each) share.
    static func agreement(_ a: [Int32], _ b: [Int32], k: Int) -> Double {
        let n = a.count / k
        var shared = 0
        for i in 0..<n {
            let s = Set(a[(i * k)..<((i + 1) * k)])
            shared += b[(i * k)..<((i + 1) * k)].filter { s.contains($0) }.count
        }
        return Double(shared) / Double(max(n * k, 1))
    }
}
