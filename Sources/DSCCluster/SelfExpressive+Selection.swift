/// The `limit` best (id, score) candidates offered, best = larger score, ties broken by the
/// smaller id, so the choice does not depend on the order of the offers.
///
/// A binary min-heap whose root is the worst candidate kept: an offer below the root costs one
/// comparison. O(offers · log limit) time, O(limit) memory.
struct BestCandidates {
    let limit: Int
    private(set) var ids: [Int32] = []
    private(set) var scores: [Double] = []

    init(limit: Int) {
        precondition(limit >= 0, "BestCandidates: limit=\(limit) must be >= 0")
        self.limit = limit
        ids.reserveCapacity(limit)
        scores.reserveCapacity(limit)
    }

    /// Whether (a, sa) ranks below (b, sb).
    @inline(__always)
    private static func worse(_ sa: Double, _ a: Int32, _ sb: Double, _ b: Int32) -> Bool {
        sa < sb || (sa == sb && a > b)
    }

    var count: Int { ids.count }

    mutating func offer(_ id: Int32, score: Double) {
        if limit == 0 { return }
        if ids.count < limit {
            ids.append(id)
            scores.append(score)
            var c = ids.count - 1
            while c > 0 {
                let p = (c - 1) / 2
                if !Self.worse(scores[c], ids[c], scores[p], ids[p]) { break }
                ids.swapAt(c, p)
                scores.swapAt(c, p)
                c = p
            }
            return
        }
        if !Self.worse(scores[0], ids[0], score, id) { return }
        ids[0] = id
        scores[0] = score
        var p = 0
        while true {
            let l = 2 * p + 1
            let r = l + 1
            var w = p
            if l < limit && Self.worse(scores[l], ids[l], scores[w], ids[w]) { w = l }
            if r < limit && Self.worse(scores[r], ids[r], scores[w], ids[w]) { w = r }
            if w == p { break }
            ids.swapAt(p, w)
            scores.swapAt(p, w)
            p = w
        }
    }

    /// The kept ids, best first.
    func sortedIds() -> [Int32] {
        ids.indices.sorted { Self.worse(scores[$1], ids[$1], scores[$0], ids[$0]) }.map { ids[$0] }
    }
}
