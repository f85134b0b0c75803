import DSCTensor
import Foundation

extension ExactSearch {
    /// The `k` best rows of `database` for every row of `queries`, best first (ties: smaller row
    /// first). Both are `dimension` floats per row, row-major.
    ///
    /// Queries go through in blocks of ``queryBlock`` rows, the database in blocks of
    /// ``databaseBlock`` rows (nil: whole): each sgemm gives a `[queryBlock, databaseBlock]` Gram
    /// block, whose rows are scanned into the heaps on all cores. Time: `2·Q·M·d` flops of sgemm
    /// plus `Q·M` comparisons; memory one Gram block and `Q·k` for the results.
    ///
    /// - Parameters:
    ///   - excludingSelf: the queries are the database's own rows, and a row is never its own
    ///     result (so at most `M − 1` results per query).
    ///   - progress: the fraction of the queries done, after each block.
    /// - Precondition: `k ≥ 1`, `dimension ≥ 1`, `queryBlock ≥ 1`, both arrays whole rows, and
    ///   `Q == M` when `excludingSelf`.
    public func search(
        queries: [Float], database: [Float], dimension d: Int, excludingSelf: Bool = false,
        progress: ((Double) -> Void)? = nil
    ) -> QueryResults {
        precondition(k >= 1 && d >= 1 && queryBlock >= 1, "ExactSearch: k=\(k) dimension=\(d) queryBlock=\(queryBlock)")
        precondition(
            queries.count % d == 0 && database.count % d == 0,
            "ExactSearch: \(queries.count) query and \(database.count) database floats are not rows of \(d)")
        let n = queries.count / d
        let m = database.count / d
        precondition(!excludingSelf || n == m, "ExactSearch: excludingSelf needs as many queries (\(n)) as rows (\(m))")
        let kept = min(k, max(1, excludingSelf ? m - 1 : m))
        let heaps = TopKHeaps(rows: n, k: kept)
        defer { heaps.deallocate() }
        let databaseNorms =
            metric == .cosine || metric == .euclidean
            ? squaredNorms(database, dimension: d) : [Double](repeating: 0, count: m)
        let factors = scoreFactors(squaredNorms: databaseNorms)
        let rowsPerBlock = min(queryBlock, max(1, n))
        let columnsPerBlock = min(databaseBlock ?? m, max(1, m))
        var gram = [Float](repeating: 0, count: rowsPerBlock * columnsPerBlock)
        queries.withUnsafeBufferPointer { q in
            database.withUnsafeBufferPointer { y in
                factors.withUnsafeBufferPointer { f in
                    gram.withUnsafeMutableBufferPointer { g in
                        let gp = g.baseAddress!
                        var start = 0
                        while start < n {
                            let rows = min(rowsPerBlock, n - start)
                            let offset = start
                            let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, rows))
                            // Database blocks in increasing order, so each query meets its candidates in row order.
                            for first in stride(from: 0, to: m, by: columnsPerBlock) {
                                let columns = min(columnsPerBlock, m - first)
                                BLAS.sgemm(
                                    transposeB: true, m: rows, n: columns, k: d, a: q.baseAddress! + start * d, lda: d,
                                    b: y.baseAddress! + first * d, ldb: d, c: gp, ldc: columns)
                                DispatchQueue.concurrentPerform(iterations: workers) { w in
                                    let range = (rows * w / workers)..<(rows * (w + 1) / workers)
                                    scanQueryRows(
                                        heaps, gram: UnsafePointer(gp), ldg: columns, rowRange: range, columns: columns,
                                        factors: f.baseAddress! + first, rowOffset: offset, columnOffset: first,
                                        excludeSelf: excludingSelf)
                                }
                            }
                            start += rows
                            progress?(Double(start) / Double(n))
                        }
                    }
                }
            }
        }
        return results(heaps, queries: queries, dimension: d, databaseNorms: databaseNorms)
    }

    /// ``scanRows`` under this search's metric, for rows `rowRange` of a `[rows, columns]` block.
    private func scanQueryRows(
        _ heaps: TopKHeaps, gram: UnsafePointer<Float>, ldg: Int, rowRange: Range<Int>,
        columns: Int, factors: UnsafePointer<Float>, rowOffset: Int, columnOffset: Int, excludeSelf: Bool
    ) {
        func scan<S: GramScore>(_ rule: S.Type) {
            scanRows(
                rule, heaps, gram: gram, ldg: ldg, rowRange: rowRange, columnRange: 0..<columns, factors: factors,
                rowOffset: rowOffset, columnOffset: columnOffset, excludeSelf: excludeSelf)
        }
        switch metric {
        case .cosine: scan(CosineScore.self)
        case .euclidean: scan(EuclideanScore.self)
        case .innerProduct: scan(InnerProductScore.self)
        case .absoluteInnerProduct: scan(AbsoluteInnerProductScore.self)
        }
    }

    /// Squared norms of `[count / d, d]` rows, in Double.
    private func squaredNorms(_ rows: [Float], dimension d: Int) -> [Double] {
        (0..<(rows.count / d)).map { i in
            var s = 0.0
            for c in 0..<d {
                let v = Double(rows[i * d + c])
                s += v * v
            }
            return s
        }
    }

    /// The heaps as ``QueryResults`` of `k` columns, scores converted back to the metric's own.
    private func results(
        _ heaps: TopKHeaps, queries: [Float], dimension d: Int, databaseNorms: [Double]
    ) -> QueryResults {
        let n = heaps.rows
        var ids = [Int32](repeating: -1, count: n * k)
        var scores = [Float](repeating: .nan, count: n * k)
        let queryNorms = metric == .cosine || metric == .euclidean ? squaredNorms(queries, dimension: d) : []
        for i in 0..<n {
            for (slot, entry) in heaps.sortedRow(i).enumerated() {
                ids[i * k + slot] = entry.id
                switch metric {
                case .cosine:  // score = x·y / ‖y‖
                    let nx = queryNorms[i].squareRoot()
                    scores[i * k + slot] = nx > 0 ? Float(Double(entry.score) / nx) : 0
                case .euclidean:  // score = x·y − ‖y‖²/2
                    scores[i * k + slot] = Float(max(0, queryNorms[i] - 2 * Double(entry.score)))
                case .innerProduct, .absoluteInnerProduct:
                    scores[i * k + slot] = entry.score
                }
            }
        }
        return QueryResults(queries: n, k: k, ids: ids, scores: scores)
    }
}
