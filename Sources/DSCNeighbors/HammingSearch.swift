import CKernels
import Foundation

/// Exact Hamming search of binary codes: a blocked scan of XOR and popcount (a C kernel that uses
/// the CPU's popcnt instruction, which Swift's `nonzeroBitCount` does not reach on the baseline
/// x86-64 target), each query keeping
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
        let w = database.stride
        var ids = [Int64](repeating: -1, count: q * k)
        var distances = [Int32](repeating: -1, count: q * k)
        guard q > 0 && n > 0 else { return (ids, distances) }
        let heaps = TopKHeaps(rows: q, k: min(k, n))
        defer { heaps.deallocate() }
        let chunks = (q + queryChunk - 1) / queryChunk
        queries.bytes.withUnsafeBufferPointer { qp in
            database.bytes.withUnsafeBufferPointer { dp in
                let codes = (queries: SharedPointer(qp.baseAddress!), database: SharedPointer(dp.baseAddress!))
                DispatchQueue.concurrentPerform(iterations: chunks) { c in
                    let range = (c * queryChunk)..<min(q, (c + 1) * queryChunk)
                    let room = min(blockRows, n)
                    var hits = [UInt32](repeating: 0, count: room)
                    var found = [Int32](repeating: 0, count: room)
                    hits.withUnsafeMutableBufferPointer { hp in
                        found.withUnsafeMutableBufferPointer { fp in
                            for start in stride(from: 0, to: n, by: blockRows) {
                                let rows = min(n, start + blockRows) - start
                                for i in range {
                                    // Below the worst kept distance (or any while the heap fills).
                                    let t = heaps.threshold[i]
                                    let limit = t == -.infinity ? Int32.max : Int32(-t)
                                    let count = dsc_hamming_below_packed(
                                        codes.queries.pointer + i * w,
                                        codes.database.pointer + start * w, rows, w, limit,
                                        hp.baseAddress!, fp.baseAddress!)
                                    Self.offer(
                                        hits: hp.baseAddress!, distances: fp.baseAddress!, count: count,
                                        firstRow: start, heaps: heaps, row: i)
                                }
                            }
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

    /// Offers the `count` candidates the kernel found (positions `hits` from `firstRow`, in
    /// increasing order, at `distances`) to heap row `row` (score `−distance`).
    @inline(__always)
    private static func offer(
        hits: UnsafePointer<UInt32>, distances: UnsafePointer<Int32>, count: Int, firstRow: Int,
        heaps: TopKHeaps, row r: Int
    ) {
        var t = heaps.threshold[r]
        for c in 0..<count {
            let s = -Float(distances[c])
            if s > t { t = heaps.insert(row: r, score: s, id: Int32(firstRow + Int(hits[c]))) }
        }
    }

    /// Hamming distances from code `query` of `queries` to every database code, `[N]` (for full
    /// rankings, as retrieval metrics need).
    public static func distances(from query: Int, of queries: BinaryCodes, to database: BinaryCodes) -> [Int32] {
        let w = database.stride
        var out = [Int32](repeating: 0, count: database.count)
        queries.bytes.withUnsafeBufferPointer { qp in
            database.bytes.withUnsafeBufferPointer { dp in
                out.withUnsafeMutableBufferPointer { o in
                    if let d = dp.baseAddress {
                        dsc_hamming_distances_packed(qp.baseAddress! + query * w, d, database.count, w, o.baseAddress!)
                    }
                }
            }
        }
        return out
    }
}

/// A read-only pointer shared by concurrent tasks.
struct SharedPointer<T>: @unchecked Sendable {
    let pointer: UnsafePointer<T>
    init(_ pointer: UnsafePointer<T>) { self.pointer = pointer }
}
