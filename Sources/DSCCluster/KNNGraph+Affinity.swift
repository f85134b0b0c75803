import DSCNeighbors
import Foundation

extension KNNGraph {
    /// The symmetric affinity `[N, N]` of neighbour lists: weights by ``weighting``, then the union
    /// `(W + Wᵀ)/2` or, with ``mutual``, the edges present both ways with weight `(w_ij + w_ji)/2`.
    /// Zero weights are not stored. O(N·k log k).
    public func affinity(from lists: NeighborLists) -> SparseMatrix {
        let directed = directedWeights(lists)
        return mutual ? mutualEdges(directed) : directed.symmetrizedAbsolute()
    }

    /// The self-tuning scales `σ_i`: the distance from `i` to its `min(scaleNeighbor, k)`-th
    /// neighbour (Zelnik-Manor & Perona 2004, who use the 7th).
    func localScales(_ lists: NeighborLists) -> [Float] {
        let k = lists.neighbors
        let s = min(max(1, scaleNeighbor), k) - 1
        return (0..<lists.rows).map { lists.squaredDistances[$0 * k + s].squareRoot() }
    }

    /// The directed weight matrix `W[i, j]` for `j` in the lists of `i`, sorted indices.
    func directedWeights(_ lists: NeighborLists) -> SparseMatrix {
        let n = lists.rows
        let k = lists.neighbors
        let sigma = weighting == .gaussian ? localScales(lists) : []
        var indptr = [Int](repeating: 0, count: n + 1)
        var indices = [Int32]()
        indices.reserveCapacity(n * k)
        var values = [Float]()
        values.reserveCapacity(n * k)
        var row: [(Int32, Float)] = []
        row.reserveCapacity(k)
        for i in 0..<n {
            row.removeAll(keepingCapacity: true)
            for slot in 0..<k {
                let p = i * k + slot
                let j = lists.indices[p]
                let w: Float
                switch weighting {
                case .cosine: w = max(lists.cosineSimilarities[p], 0)
                case .connectivity: w = 1
                case .gaussian:
                    let d2 = lists.squaredDistances[p]
                    let scale = sigma[i] * sigma[Int(j)]
                    // Coincident scales (duplicate points) fall back to a hard 0/1 kernel.
                    w = scale > 0 ? Foundation.exp(-d2 / scale) : (d2 == 0 ? 1 : 0)
                }
                if w > 0 { row.append((j, w)) }
            }
            row.sort { $0.0 < $1.0 }
            for (j, w) in row {
                indices.append(j)
                values.append(w)
            }
            indptr[i + 1] = indices.count
        }
        return SparseMatrix(rows: n, columns: n, indptr: indptr, indices: indices, values: values)
    }

    /// Edges stored in both `w` and `wᵀ`, with weight `(w_ij + w_ji)/2`; `w` has sorted indices.
    func mutualEdges(_ w: SparseMatrix) -> SparseMatrix {
        let t = w.transposed()
        var indptr = [Int](repeating: 0, count: w.rows + 1)
        var indices = [Int32]()
        var values = [Float]()
        for i in 0..<w.rows {
            var p = w.indptr[i]
            var q = t.indptr[i]
            let pe = w.indptr[i + 1]
            let qe = t.indptr[i + 1]
            while p < pe && q < qe {
                if w.indices[p] < t.indices[q] {
                    p += 1
                } else if t.indices[q] < w.indices[p] {
                    q += 1
                } else {
                    indices.append(w.indices[p])
                    values.append(0.5 * (w.values[p] + t.values[q]))
                    p += 1
                    q += 1
                }
            }
            indptr[i + 1] = indices.count
        }
        return SparseMatrix(rows: w.rows, columns: w.columns, indptr: indptr, indices: indices, values: values)
    }
}
