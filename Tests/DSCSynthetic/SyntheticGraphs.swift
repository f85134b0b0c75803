import DSCCluster
import DSCTensor

/// Graphs with a planted cluster structure, for the tests and benchmarks of the graph stages.
public enum SyntheticGraphs {
    /// Fraction of out-edges that leave the node's cluster.
    public static let crossClusterFraction = 0.05
    /// Fraction of out-edges to a nearby node on the cluster's 1-D "manifold" (the rest go to a
    /// uniformly random node of the same cluster).
    public static let localFraction = 0.5

    /// A symmetric sparse affinity shaped like a k-nearest-neighbour graph of clustered data.
    ///
    /// Node `i` belongs to cluster `i % clusters` (see ``syntheticKNNLabels(nodes:clusters:)``) and
    /// has rank `r = i / clusters` in it. It draws `neighbors` out-edges, each with a weight uniform
    /// in [0.5, 1): with probability 0.05 to a uniformly random node of another cluster, with
    /// probability 0.5 to the node `neighbors` ranks or fewer away on its cluster's ring (local
    /// structure, as on a data manifold), otherwise to a uniformly random node of its own cluster
    /// (which keeps each cluster well connected, as real kNN graphs of separable classes are).
    /// The `neighbors` out-neighbours of a node are distinct (redrawn a few times when a draw repeats;
    /// only tiny clusters can keep a duplicate) and never the node itself. The result is
    /// `W = (A + Aᵀ) / 2` of the directed graph `A`: symmetric, weights in [0.25, 1), between
    /// `neighbors` and `2 · neighbors` entries per row, sorted indices.
    ///
    /// Deterministic in `seed`. O(n · k) memory; O(n · k²) time (the duplicate checks; linear in n).
    /// - Precondition: `nodes ≥ 2`, `1 ≤ neighbors < nodes`, `1 ≤ clusters ≤ nodes`, `nodes < 2³¹`.
    public static func syntheticKNNGraph(nodes n: Int, neighbors k: Int, clusters c: Int, seed: UInt64) -> SparseMatrix
    {
        precondition(n >= 2 && n < Int(Int32.max), "syntheticKNNGraph: nodes=\(n) must be in 2..<2^31")
        precondition(k >= 1 && k < n, "syntheticKNNGraph: neighbors=\(k) must be in 1..<nodes=\(n)")
        precondition(c >= 1 && c <= n, "syntheticKNNGraph: clusters=\(c) must be in 1...nodes=\(n)")
        var rng = SeededGenerator(seed: seed)
        func below(_ bound: Int) -> Int { Int(rng.next().multipliedFullWidth(by: UInt64(bound)).high) }
        func size(_ q: Int) -> Int { (n - 1 - q) / c + 1 }
        var indices = [Int32](repeating: 0, count: n * k)
        var values = [Float](repeating: 0, count: n * k)
        var chosen = [Int32]()
        chosen.reserveCapacity(k)
        for i in 0..<n {
            let q = i % c
            let r = i / c
            let s = size(q)
            func draw() -> Int {
                let u = rng.nextUniform()
                var j: Int
                if c > 1 && u < crossClusterFraction {
                    let other = (q + 1 + below(c - 1)) % c
                    j = other + c * below(size(other))
                } else if u < crossClusterFraction + localFraction {
                    let step = 1 + below(k)
                    j = q + c * (below(2) == 0 ? (r + step) % s : ((r - step) % s + s) % s)
                } else {
                    j = q + c * below(s)
                }
                return j
            }
            chosen.removeAll(keepingCapacity: true)
            for _ in 0..<k {
                // Distinct neighbours, as in a kNN list (a few redraws, then a duplicate is allowed).
                var j = draw()
                var tries = 0
                while (j == i || chosen.contains(Int32(j))) && tries < 16 {
                    j = draw()
                    tries += 1
                }
                if j == i { j = (i + 1) % n }
                chosen.append(Int32(j))
            }
            for (t, j) in chosen.enumerated() {
                indices[i * k + t] = j
                values[i * k + t] = Float(0.5 + 0.5 * rng.nextUniform())
            }
        }
        let directed = SparseMatrix(
            rows: n, columns: n, indptr: (0...n).map { $0 * k },
            indices: indices, values: values)
        return directed.symmetrizedAbsolute()
    }

    /// The planted cluster of every node of ``syntheticKNNGraph(nodes:neighbors:clusters:seed:)``:
    /// `i % clusters`, `[nodes]`.
    public static func syntheticKNNLabels(nodes: Int, clusters: Int) -> [Int] {
        (0..<nodes).map { $0 % clusters }
    }
}
