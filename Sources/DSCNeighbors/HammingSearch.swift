import Foundation

/// Exact Hamming search of binary codes: a blocked scan of XOR and popcount, each query keeping
/// its `k` best in ``TopKHeaps`` (score `−distance`, so a candidate no better than a query's
/// worst kept costs one comparison), the queries spread over all cores.
///
/// Results are best first; ties are broken by database row (the smaller row first), because the
/// rows of each query are offered in increasing order and a candidate enters only strictly above
/// the worst kept. Time `Q · N · words` XOR-popcounts; memory `O(Q · k)` beyond the codes. The
/// database is scanned in blocks of ``blockRows`` codes, each block once per chunk of
/// ``queryChunk`` queries, so that it stays in cache.
public struct HammingSearch: Sendable {
    /// Results per query, `≥ 1`.
    public var k: Int
    /// Database codes per block of the scan.
    public var blockRows = 16384
    /// Queries per task.
    public var queryChunk = 32

    public init(k: Int) { self.k = k }

    /// The `k` nearest codes of `database` for every code of `queries`: ids `[Q, k]` (database
    /// rows, `-1` padding when N < k) and Hamming distances `[Q, k]` (`-1` with the padding).
    ///
    /// - Precondition: `k ≥ 1`, the same `bits` on both sides.
    public func search(_ queries: BinaryCodes, in database: BinaryCodes) -> (ids: [Int64], distances: [Int32]) {
        precondition(
            k >= 1 && queries.bits == database.bits,
            "HammingSearch: k=\(k), \(queries.bits)-bit queries against \(database.bits)-bit codes")
        let q = queries.count
        let n = database.count
        let w = database.words
        var ids = [Int64](repeating: -1, count: q * k)
        var distances = [Int32](repeating: -1, count: q * k)
        guard q > 0 && n > 0 else { return (ids, distances) }
        let heaps = TopKHeaps(rows: q, k: min(k, n))
        defer { heaps.deallocate() }
        let chunks = (q + queryChunk - 1) / queryChunk
        queries.storage.withUnsafeBufferPointer { qp in
            database.storage.withUnsafeBufferPointer { dp in
                let codes = (queries: SharedPointer(qp.baseAddress!), database: SharedPointer(dp.baseAddress!))
                DispatchQueue.concurrentPerform(iterations: chunks) { c in
                    let range = (c * queryChunk)..<min(q, (c + 1) * queryChunk)
                    for start in stride(from: 0, to: n, by: blockRows) {
                        let rows = start..<min(n, start + blockRows)
                        for i in range {
                            Self.scan(
                                codes.queries.pointer + i * w, words: w, codes.database.pointer, rows: rows,
                                heaps: heaps, row: i)
                        }
                    }
                }
            }
        }
        for i in 0..<q {
            for (rank, entry) in heaps.sortedRow(i).enumerated() {
                ids[i * k + rank] = Int64(entry.id)
                distances[i * k + rank] = Int32(-entry.score)
            }
        }
        return (ids, distances)
    }

    /// Offers database rows `rows`, in increasing order, to heap row `row`.
    @inline(__always)
    private static func scan(
        _ query: UnsafePointer<UInt64>, words w: Int, _ database: UnsafePointer<UInt64>,
        rows: Range<Int>, heaps: TopKHeaps, row r: Int
    ) {
        var t = heaps.threshold[r]
        switch w {
        case 1:
            let a = query[0]
            for j in rows {
                let s = -Float((database[j] ^ a).nonzeroBitCount)
                if s > t { t = heaps.insert(row: r, score: s, id: Int32(j)) }
            }
        case 2:
            let a = query[0]
            let b = query[1]
            for j in rows {
                let p = database + 2 * j
                let s = -Float((p[0] ^ a).nonzeroBitCount + (p[1] ^ b).nonzeroBitCount)
                if s > t { t = heaps.insert(row: r, score: s, id: Int32(j)) }
            }
        default:
            for j in rows {
                let p = database + w * j
                var d = 0
                for u in 0..<w { d += (p[u] ^ query[u]).nonzeroBitCount }
                let s = -Float(d)
                if s > t { t = heaps.insert(row: r, score: s, id: Int32(j)) }
            }
        }
    }

    /// Hamming distances from code `query` of `queries` to every database code, `[N]` (for full
    /// rankings, as retrieval metrics need).
    public static func distances(from query: Int, of queries: BinaryCodes, to database: BinaryCodes) -> [Int32] {
        let w = database.words
        return queries.storage.withUnsafeBufferPointer { qp in
            database.storage.withUnsafeBufferPointer { dp in
                let a = qp.baseAddress! + query * w
                return (0..<database.count).map { j in
                    var d = 0
                    for u in 0..<w { d += (dp[j * w + u] ^ a[u]).nonzeroBitCount }
                    return Int32(d)
                }
            }
        }
    }
}

/// A read-only pointer shared by concurrent tasks.
struct SharedPointer<T>: @unchecked Sendable {
    let pointer: UnsafePointer<T>
    init(_ pointer: UnsafePointer<T>) { self.pointer = pointer }
}
