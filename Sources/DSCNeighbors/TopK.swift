import DSCTensor

/// Per-row bounded min-heaps of the `k` largest scores seen so far, for `rows` rows: the one top-k
/// structure of the neighbour searches.
///
/// Row `r` owns `scores[r·k ..< r·k+k]` and `ids[…]` as a binary min-heap (root = the worst score
/// kept) and `threshold[r]`: −∞ until the heap is full, then the root. A candidate enters only when
/// its score is strictly above the threshold, so after the first few blocks almost every one of
/// the N² candidates costs one comparison (done 16 lanes at a time by the scan kernels below).
///
/// Memory O(rows · k). The storage is manually allocated and shared between threads; it is safe
/// because every scan task writes only the rows it owns (see ``scanRows`` and ``scanColumns``).
/// Call ``deallocate()`` when done.
public struct TopKHeaps: @unchecked Sendable {
    public let rows: Int
    public let k: Int
    let scores: UnsafeMutablePointer<Float>
    let ids: UnsafeMutablePointer<Int32>
    let counts: UnsafeMutablePointer<Int32>
    /// Per row: −∞ until the row holds `k` entries, then its worst kept score.
    public let threshold: UnsafeMutablePointer<Float>

    /// Empty heaps. - Precondition: `k ≥ 1`, `rows ≥ 0`.
    public init(rows: Int, k: Int) {
        precondition(k >= 1 && rows >= 0, "TopKHeaps: rows=\(rows) k=\(k)")
        self.rows = rows
        self.k = k
        scores = .allocate(capacity: rows * k)
        scores.initialize(repeating: -.infinity, count: rows * k)
        ids = .allocate(capacity: rows * k)
        ids.initialize(repeating: -1, count: rows * k)
        counts = .allocate(capacity: rows)
        counts.initialize(repeating: 0, count: rows)
        threshold = .allocate(capacity: rows)
        threshold.initialize(repeating: -.infinity, count: rows)
    }

    public func deallocate() {
        scores.deallocate()
        ids.deallocate()
        counts.deallocate()
        threshold.deallocate()
    }

    /// Whether (score a, id a) ranks below (score b, id b): a lower score, or an equal score and
    /// a larger id. The heaps keep this total order, so among equal scores the larger ids leave
    /// first and the kept set does not depend on the heap's layout.
    @inline(__always)
    static func worse(_ sa: Float, _ a: Int32, _ sb: Float, _ b: Int32) -> Bool {
        sa < sb || (sa == sb && a > b)
    }

    /// Offers candidate `id` with `score` to row `r`; returns the row's new threshold.
    /// The caller has checked `score > threshold[r]`.
    @inline(__always) @discardableResult
    public func insert(row r: Int, score: Float, id: Int32) -> Float {
        let s = scores + r * k
        let d = ids + r * k
        let n = Int(counts[r])
        if n < k {
            // Sift up from the new leaf.
            var c = n
            while c > 0 {
                let p = (c - 1) >> 1
                if !Self.worse(score, id, s[p], d[p]) { break }
                s[c] = s[p]
                d[c] = d[p]
                c = p
            }
            s[c] = score
            d[c] = id
            counts[r] = Int32(n + 1)
            let t: Float = n + 1 == k ? s[0] : -.infinity
            threshold[r] = t
            return t
        }
        // Replace the root and sift down.
        var p = 0
        while true {
            let l = 2 * p + 1
            if l >= k { break }
            var c = l
            if l + 1 < k && Self.worse(s[l + 1], d[l + 1], s[l], d[l]) { c = l + 1 }
            if !Self.worse(s[c], d[c], score, id) { break }
            s[p] = s[c]
            d[p] = d[c]
            p = c
        }
        s[p] = score
        d[p] = id
        threshold[r] = s[0]
        return s[0]
    }

    /// The kept entries of row `r`, best first (score descending, then id ascending).
    public func sortedRow(_ r: Int) -> [(id: Int32, score: Float)] {
        let n = Int(counts[r])
        var out = (0..<n).map { (id: ids[r * k + $0], score: scores[r * k + $0]) }
        out.sort { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
        return out
    }
}

typealias ScoreLanes = SIMD16<Float>

/// How a Gram entry `g = x_i·x_j` becomes a score to maximise, given a per-sample factor `f` of
/// the candidate `j`; for a fixed row `i` the score ranks candidates as the metric does.
protocol GramScore {
    static func score(_ g: Float, _ f: Float) -> Float
    static func score(_ g: ScoreLanes, _ f: ScoreLanes) -> ScoreLanes
}

/// Cosine: `f = 1/‖x_j‖` (0 for a zero row), score `g·f = ‖x_i‖ cos(x_i, x_j)`.
enum CosineScore: GramScore {
    @inline(__always) static func score(_ g: Float, _ f: Float) -> Float { g * f }
    @inline(__always) static func score(_ g: ScoreLanes, _ f: ScoreLanes) -> ScoreLanes { g * f }
}

/// Euclidean: `f = −‖x_j‖²/2`, score `g + f = (‖x_i‖² − ‖x_i − x_j‖²)/2`.
enum EuclideanScore: GramScore {
    @inline(__always) static func score(_ g: Float, _ f: Float) -> Float { g + f }
    @inline(__always) static func score(_ g: ScoreLanes, _ f: ScoreLanes) -> ScoreLanes { g + f }
}

/// Inner product: the score is `g` itself (no factor).
enum InnerProductScore: GramScore {
    @inline(__always) static func score(_ g: Float, _ f: Float) -> Float { g }
    @inline(__always) static func score(_ g: ScoreLanes, _ f: ScoreLanes) -> ScoreLanes { g }
}

/// Absolute inner product: the score is `|g|` (no factor).
enum AbsoluteInnerProductScore: GramScore {
    @inline(__always) static func score(_ g: Float, _ f: Float) -> Float { abs(g) }
    @inline(__always) static func score(_ g: ScoreLanes, _ f: ScoreLanes) -> ScoreLanes {
        g.replacing(with: -g, where: g .< 0)
    }
}

@inline(__always)
private func loadLanes(_ p: UnsafePointer<Float>) -> ScoreLanes {
    UnsafeRawPointer(p).loadUnaligned(as: ScoreLanes.self)
}

/// Row direction of a tile of one Gram block: for rows `rowRange` and columns `columnRange`
/// (local to the block) of `G` (leading dimension `ldg`), offers column `j` with score
/// `S.score(G[i, j], factors[j])` to heap row `rowOffset + i`, candidate id `columnOffset + j`.
/// `factors` are those of the reference block's samples. With `excludeSelf`, a candidate equal to
/// the row itself (`rowOffset + i == columnOffset + j`) is skipped.
func scanRows<S: GramScore>(
    _ rule: S.Type, _ heaps: TopKHeaps, gram: UnsafePointer<Float>, ldg: Int,
    rowRange: Range<Int>, columnRange: Range<Int>, factors f: UnsafePointer<Float>,
    rowOffset: Int, columnOffset: Int, excludeSelf: Bool = true
) {
    let n = columnRange.upperBound
    let vectorEnd = columnRange.lowerBound + (columnRange.count & ~15)
    for i in rowRange {
        let r = rowOffset + i
        let own = excludeSelf ? r : -1
        let g = gram + i * ldg
        var t = heaps.threshold[r]
        var j = columnRange.lowerBound
        while j < vectorEnd {
            let s = S.score(loadLanes(g + j), loadLanes(f + j))
            if any(s .> ScoreLanes(repeating: t)) {
                for l in 0..<16 where s[l] > t {
                    let id = columnOffset + j + l
                    if id != own { t = heaps.insert(row: r, score: s[l], id: Int32(id)) }
                }
            }
            j += 16
        }
        while j < n {
            let s = S.score(g[j], f[j])
            if s > t {
                let id = columnOffset + j
                if id != own { t = heaps.insert(row: r, score: s, id: Int32(id)) }
            }
            j += 1
        }
    }
}

/// Column direction of a tile of one Gram block: for rows `rowRange` and columns `columnRange` of
/// `G`, offers row `i` with score `S.score(G[i, j], factors[i])` to heap row `columnOffset + j`,
/// candidate id `rowOffset + i`; `factors` are those of the query block's samples. Reads `G` row
/// by row (contiguous) against the 16-wide threshold vector of the columns. Used for off-diagonal
/// blocks only, so no candidate equals its row.
func scanColumns<S: GramScore>(
    _ rule: S.Type, _ heaps: TopKHeaps, gram: UnsafePointer<Float>, ldg: Int,
    rowRange: Range<Int>, columnRange: Range<Int>, factors f: UnsafePointer<Float>,
    rowOffset: Int, columnOffset: Int
) {
    let thr = heaps.threshold + columnOffset
    let lo = columnRange.lowerBound
    let hi = columnRange.upperBound
    let vectorEnd = lo + ((hi - lo) & ~15)
    for i in rowRange {
        let g = gram + i * ldg
        let fi = f[i]
        let fv = ScoreLanes(repeating: f[i])
        let id = Int32(rowOffset + i)
        var j = lo
        while j < vectorEnd {
            let s = S.score(loadLanes(g + j), fv)
            let mask = s .> loadLanes(UnsafePointer(thr + j))
            if any(mask) {
                for l in 0..<16 where mask[l] {  // lanes are distinct rows: independent
                    _ = heaps.insert(row: columnOffset + j + l, score: s[l], id: id)
                }
            }
            j += 16
        }
        while j < hi {
            let s = S.score(g[j], fi)
            if s > thr[j] { _ = heaps.insert(row: columnOffset + j, score: s, id: id) }
            j += 1
        }
    }
}
