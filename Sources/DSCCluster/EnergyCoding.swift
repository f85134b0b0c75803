import DSCNeighbors
import DSCTensor
import Dispatch
import Foundation

/// Sparse self-expressive coefficients from query and key codes, streamed: the last step of the
/// energy-based method (EBSC), where a network has already mapped every sample to a query `q_i`
/// and every dictionary atom to a key `k_j` (`h` floats each).
///
/// `c_ij = scale · T_b(q_i · k_j)` with the soft threshold `T_b(u) = sign(u)·max(|u| − b, 0)`,
/// and only the `keep` entries of largest `|q_i · k_j|` are stored per row (those are the
/// largest `|c_ij|`, since `T_b` is monotone in `|u|`). A sample never codes itself when the
/// queries and the keys are the same samples (``selfExcluded``).
///
/// Rows are coded a block at a time: one sgemm `Q_block · Kᵀ` (`block × M` floats, the only
/// buffer that grows with the dictionary), then a per-row scan against a bounded heap, split over
/// the cores. Memory `O(block · M + N · keep)`, never `N × M`.
public struct EnergyCoding: Sendable {
    /// Entries kept per row, `>= 1`.
    public var keep: Int
    /// The soft threshold `b >= 0`, in units of `q · k`.
    public var threshold: Float
    /// Factor applied to the thresholded energies.
    public var scale: Float
    /// Rows coded per sgemm.
    public var block: Int = 512
    /// Whether a row whose energies all fall under the threshold keeps its strongest pair.
    public var keepStrongest = true

    public init(keep: Int, threshold: Float, scale: Float = 1) {
        self.keep = keep
        self.threshold = threshold
        self.scale = scale
    }

    /// Codes `queries` `[N, h]` against `keys` `[M, h]` (row-major). With `selfExcluded`, query
    /// `i` and key `i` are the same sample (`N == M` required) and entry `(i, i)` is never kept.
    /// Entries that the threshold sets to 0 are dropped, so a row may hold fewer than `keep`; a
    /// row left empty keeps its strongest pair unthresholded (`scale · q_i·k_j`) when
    /// ``keepStrongest`` is on, so that no sample is cut off from the graph.
    /// Returns `C` `[N, M]` with sorted indices, and how many rows were rescued so.
    /// `progress` gets the stage "coefficients".
    ///
    /// - Precondition: `queries.count == N·h`, `keys.count == M·h`, `h >= 1`, `keep >= 1`,
    ///   `block >= 1`, and `N == M` when `selfExcluded`.
    ///
    /// With `shortlist`, the pairs are chosen by another score: the `keep` largest (signed)
    /// products of its rows, e.g. the cosine of the embeddings, and each chosen pair is then
    /// weighted by its thresholded energy as above. Its rows must be the same samples as
    /// `queries` and `keys`.
    public func coefficients(
        queries: [Float], keys: [Float], dimension h: Int, selfExcluded: Bool,
        shortlist: Shortlist? = nil,
        progress: ProgressHandler? = nil
    ) -> (matrix: SparseMatrix, rescuedRows: Int) {
        precondition(h >= 1 && keep >= 1 && block >= 1, "EnergyCoding: dimension=\(h) keep=\(keep) block=\(block)")
        precondition(
            queries.count % h == 0 && keys.count % h == 0,
            "EnergyCoding: \(queries.count) query and \(keys.count) key floats are not rows of \(h)")
        let n = queries.count / h
        let m = keys.count / h
        precondition(!selfExcluded || n == m, "EnergyCoding: selfExcluded needs as many queries (\(n)) as keys (\(m))")
        if let shortlist {
            let g = shortlist.dimension
            precondition(
                g >= 1 && shortlist.queries.count == n * g && shortlist.keys.count == m * g,
                "EnergyCoding: the shortlist's \(shortlist.queries.count) and \(shortlist.keys.count) floats are not \(n) and \(m) rows of \(g)"
            )
        }
        let rankQueries = shortlist?.queries ?? queries
        let rankKeys = shortlist?.keys ?? keys
        let r = shortlist?.dimension ?? h
        let signed = shortlist != nil
        let kept = min(keep, max(1, selfExcluded ? m - 1 : m))
        var search = ExactSearch(k: kept, metric: signed ? .innerProduct : .absoluteInnerProduct)
        search.queryBlock = block
        search.databaseBlock = nil
        let found = search.search(
            queries: rankQueries, database: rankKeys, dimension: r, excludingSelf: selfExcluded,
            progress: progress.map { report in { report("coefficients", $0) } })
        var indptr = [Int](repeating: 0, count: n + 1)
        var indices: [Int32] = []
        var values: [Float] = []
        var rescued = 0
        indices.reserveCapacity(n * kept)
        values.reserveCapacity(n * kept)
        queries.withUnsafeBufferPointer { q in
            keys.withUnsafeBufferPointer { k in
                for i in 0..<n {
                    let row = found.results(of: i)
                    let rowStart = indices.count
                    for (id, _) in row.sorted(by: { $0.id < $1.id }) where id >= 0 {
                        let u = BLAS.sdot(h, q.baseAddress! + i * h, k.baseAddress! + Int(id) * h)
                        let c = EnergyCoding.softThreshold(u, threshold) * scale
                        if c != 0 {
                            indices.append(id)
                            values.append(c)
                        }
                    }
                    if indices.count == rowStart, keepStrongest, let best = row.first, best.id >= 0 {
                        // Every energy fell under the threshold: keep the strongest pair, unthresholded.
                        let u = BLAS.sdot(h, q.baseAddress! + i * h, k.baseAddress! + Int(best.id) * h)
                        indices.append(best.id)
                        values.append(u * scale)
                        rescued += 1
                    }
                    indptr[i + 1] = indices.count
                }
            }
        }
        return (SparseMatrix(rows: n, columns: m, indptr: indptr, indices: indices, values: values), rescued)
    }

    /// Rows of another score that choose each sample's pairs (``coefficients(queries:keys:dimension:selfExcluded:shortlist:progress:)``):
    /// the pairs of largest `queries_i · keys_j`, both `dimension` floats per row.
    public struct Shortlist: Sendable {
        public var queries: [Float]
        public var keys: [Float]
        public var dimension: Int
        public init(queries: [Float], keys: [Float], dimension: Int) {
            self.queries = queries
            self.keys = keys
            self.dimension = dimension
        }
    }

    /// `sign(u) · max(|u| − b, 0)`.
    @inline(__always)
    public static func softThreshold(_ u: Float, _ b: Float) -> Float {
        u > b ? u - b : (u < -b ? u + b : 0)
    }
}
