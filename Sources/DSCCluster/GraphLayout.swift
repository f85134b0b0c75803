import DSCTensor
import Foundation

/// A force-directed layout of a weighted graph, as UMAP optimises its embedding (McInnes, Healy &
/// Melville 2018, section 3.2 and the reference implementation's `optimize_layout_euclidean`).
///
/// Given a symmetric, non-negative affinity `W` `[N, N]` and a start `Y` `[N, dimensions]` (the
/// spectral embedding, in ``SpectralClustering``), it runs ``epochs`` passes of stochastic
/// gradient descent on UMAP's cross-entropy between the graph and the low-dimensional
/// similarities `q(d) = 1 / (1 + a·d^(2b))`:
/// - each edge `(i, j)` is sampled in proportion to its weight (an edge of the largest weight
///   once per epoch; edges lighter than `max/epochs` never) and pulls `y_i` and `y_j` together
///   by `−2ab·d^(2b−2) / (1 + a·d^(2b)) · (y_i − y_j)`;
/// - each sample of an edge also pushes `y_i` away from ``negativeSamples`` vertices drawn
///   uniformly, by `2b / ((0.001 + d²)(1 + a·d^(2b))) · (y_i − y_k)`;
/// - every gradient coordinate is clipped to `[−4, 4]`; the step falls linearly from
///   ``learningRate`` to 0 over the epochs.
///
/// `a` and `b` default to UMAP's curve for `min_dist = 0`, `spread = 1` (tight clusters, which is
/// what clustering wants). The updates run in a fixed order on one thread, so one ``seed`` gives
/// one layout. Cost O(epochs · nnz · (1 + negativeSamples) · dimensions); memory O(nnz + N·dims).
public struct GraphLayout: Sendable {
    /// Passes over the edges, `>= 1`.
    public var epochs: Int
    /// Repulsive samples per attractive one, `>= 0`.
    public var negativeSamples: Int = 5
    /// Initial step, falling linearly to 0, `> 0`.
    public var learningRate: Float = 1
    /// The curve `1 / (1 + a·d^(2b))`; these are UMAP's fit for `min_dist = 0`.
    public var a: Float = 1.896
    public var b: Float = 0.8006
    public var seed: UInt64

    public init(epochs: Int = 200, seed: UInt64 = 0) {
        self.epochs = epochs
        self.seed = seed
    }

    /// Moves `initial` (`[N, dimensions]` row-major Floats) to the layout of `affinity`.
    ///
    /// The core assumes valid input: `affinity` square, symmetric and non-negative, `initial`
    /// of `affinity.rows * dimensions` finite values; a `precondition` checks the sizes.
    /// An empty graph returns `initial` unchanged.
    public func layout(affinity w: SparseMatrix, initial: [Float], dimensions dims: Int) -> [Float] {
        let n = w.rows
        precondition(
            w.columns == n && initial.count == n * dims && dims >= 1,
            "GraphLayout: affinity [\(w.rows), \(w.columns)], initial.count=\(initial.count), dimensions=\(dims)")
        precondition(
            epochs >= 1 && negativeSamples >= 0 && learningRate > 0,
            "GraphLayout: epochs=\(epochs), negativeSamples=\(negativeSamples), learningRate=\(learningRate)")
        let edges = Self.sampledEdges(w, epochs: epochs)
        if edges.heads.isEmpty || n < 2 { return initial }
        var y = initial
        let count = edges.heads.count
        let perNegative = edges.period.map { $0 / Float(max(negativeSamples, 1)) }
        var nextSample = edges.period
        var nextNegative = perNegative
        var rng = SeededGenerator(seed: seed)
        let a = self.a
        let b = self.b
        var delta = [Float](repeating: 0, count: dims)
        y.withUnsafeMutableBufferPointer { y in
            for epoch in 0..<epochs {
                let alpha = learningRate * (1 - Float(epoch) / Float(epochs))
                let now = Float(epoch)
                for e in 0..<count where nextSample[e] <= now {
                    let i = Int(edges.heads[e]) * dims
                    let j = Int(edges.tails[e]) * dims
                    var d2: Float = 0
                    for c in 0..<dims {
                        delta[c] = y[i + c] - y[j + c]
                        d2 += delta[c] * delta[c]
                    }
                    if d2 > 0 {
                        let coefficient = -2 * a * b * Foundation.pow(d2, b - 1) / (a * Foundation.pow(d2, b) + 1)
                        for c in 0..<dims {
                            let g = Self.clip(coefficient * delta[c]) * alpha
                            y[i + c] += g
                            y[j + c] -= g
                        }
                    }
                    nextSample[e] += edges.period[e]
                    if negativeSamples == 0 { continue }
                    let draws = max(0, Int((now - nextNegative[e]) / perNegative[e]))
                    for _ in 0..<draws {
                        let k = Int(rng.next() % UInt64(n)) * dims
                        if k == i { continue }
                        var q2: Float = 0
                        for c in 0..<dims {
                            delta[c] = y[i + c] - y[k + c]
                            q2 += delta[c] * delta[c]
                        }
                        let coefficient = q2 > 0 ? 2 * b / ((0.001 + q2) * (a * Foundation.pow(q2, b) + 1)) : 0
                        for c in 0..<dims {
                            let g = (coefficient > 0 ? Self.clip(coefficient * delta[c]) : 4) * alpha
                            y[i + c] += g
                        }
                    }
                    nextNegative[e] += Float(draws) * perNegative[e]
                }
            }
        }
        return y
    }

    @inline(__always)
    static func clip(_ x: Float) -> Float { min(max(x, -4), 4) }

    /// Every stored entry `(i, j)` of `w` with weight at least `max/epochs`, and its sampling period
    /// in epochs, `max / w_ij` (UMAP's `epochs_per_sample`).
    static func sampledEdges(_ w: SparseMatrix, epochs: Int) -> (heads: [Int32], tails: [Int32], period: [Float]) {
        let top = w.values.max() ?? 0
        guard top > 0 else { return ([], [], []) }
        let floor = top / Float(epochs)
        var heads: [Int32] = []
        var tails: [Int32] = []
        var period: [Float] = []
        heads.reserveCapacity(w.nonzeroCount)
        tails.reserveCapacity(w.nonzeroCount)
        period.reserveCapacity(w.nonzeroCount)
        for i in 0..<w.rows {
            for p in w.indptr[i]..<w.indptr[i + 1] where w.values[p] >= floor && Int(w.indices[p]) != i {
                heads.append(Int32(i))
                tails.append(w.indices[p])
                period.append(top / w.values[p])
            }
        }
        return (heads, tails, period)
    }

    /// `embedding` (`[N, dims]`) scaled so that its largest coordinate is 10 in
    /// magnitude, as UMAP scales its spectral start; an all-zero embedding is returned as it is.
    public static func scaledStart(_ embedding: [Float]) -> [Float] {
        let top = embedding.reduce(Float(0)) { max($0, abs($1)) }
        guard top > 0 else { return embedding }
        let scale = 10 / top
        return embedding.map { $0 * scale }
    }
}
