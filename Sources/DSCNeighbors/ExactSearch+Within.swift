import DSCTensor
import Foundation

/// Row blocks of a source during a kNN search: a pointer into memory that holds all rows
/// (an ``ArraySamples`` array used in place, or a cache read once), or two buffers that
/// ``rows(_:slot:)`` refills from the source (slot 0: query block, slot 1: reference block).
final class RowBlockAccess {
    let source: any SampleSource
    let rowCount: Int
    let dimension: Int
    private(set) var resident: UnsafePointer<Float>?
    private var owned: [UnsafeMutablePointer<Float>] = []
    private var slots: [UnsafeMutablePointer<Float>] = []
    private(set) var readSeconds = 0.0

    /// Rows are already in memory at `resident` (not owned).
    init(source: any SampleSource, resident: UnsafePointer<Float>) {
        self.source = source
        rowCount = source.rowCount
        dimension = source.dimension
        self.resident = resident
    }

    /// Reads the whole source into one buffer when it fits `cacheLimitBytes`, otherwise prepares
    /// two block buffers of `blockSize` rows.
    init(source: any SampleSource, blockSize: Int, cacheLimitBytes: Int) throws {
        self.source = source
        rowCount = source.rowCount
        dimension = source.dimension
        let total = rowCount * dimension
        if total * MemoryLayout<Float>.size <= cacheLimitBytes {
            let all = UnsafeMutablePointer<Float>.allocate(capacity: total)
            owned.append(all)
            let start = ContinuousClock.now
            for lo in stride(from: 0, to: rowCount, by: blockSize) {
                let range = lo..<min(rowCount, lo + blockSize)
                try source.readRows(range, into: all + lo * dimension)
            }
            readSeconds += seconds(since: start)
            resident = UnsafePointer(all)
        } else {
            for _ in 0..<2 {
                let p = UnsafeMutablePointer<Float>.allocate(capacity: blockSize * dimension)
                owned.append(p)
                slots.append(p)
            }
        }
    }

    deinit { for p in owned { p.deallocate() } }

    /// Rows `range` as a `[range.count, dimension]` row-major block, valid until the next call
    /// with the same `slot`.
    func rows(_ range: Range<Int>, slot: Int) throws -> UnsafePointer<Float> {
        if let base = resident { return base + range.lowerBound * dimension }
        let start = ContinuousClock.now
        try source.readRows(range, into: slots[slot])
        readSeconds += seconds(since: start)
        return UnsafePointer(slots[slot])
    }
}

extension ExactSearch {
    /// The `k` nearest other rows of every row of `source`, best first (ties: smaller id first),
    /// in place when it is an ``ArraySamples``.
    ///
    /// Gram blocks `X_I X_Jᵀ` are computed for row blocks `J ≥ I` only and fed both ways (rows of
    /// `I` get the columns of `J` as candidates and rows of `J` the columns of `I`), so the N²·d
    /// work is done once. Memory: O(N·k) for the lists, O(blockSize²) for one Gram block, two row
    /// blocks for a streamed source. Time: N²·d flops of sgemm plus N² comparisons, on all cores.
    /// `progress` receives `("graph", fraction)` after each Gram block.
    ///
    /// - Precondition: `1 ≤ k < N`, `blockSize ≥ 1`.
    /// - Throws: ``NeighborSearchError/nonFiniteValue(row:)``, and whatever the source throws.
    public func neighbors(
        within source: any SampleSource, progress: ProgressHandler? = nil
    ) throws
        -> (NeighborLists, SearchStats)
    {
        precondition(
            k >= 1 && k < source.rowCount && blockSize >= 1,
            "ExactSearch: k=\(k) must be in 1..<N=\(source.rowCount), blockSize=\(blockSize) >= 1")
        let start = ContinuousClock.now
        var (lists, stats) = try searchWithin(source, progress: progress)
        stats.seconds = seconds(since: start)
        return (lists, stats)
    }

    private func searchWithin(
        _ source: any SampleSource, progress: ProgressHandler?
    ) throws -> (NeighborLists, SearchStats) {
        let block = min(blockSize, source.rowCount)
        if let memory = source as? ArraySamples {
            return try memory.values.withUnsafeBufferPointer { buffer in
                try searchBlocks(
                    RowBlockAccess(source: source, resident: buffer.baseAddress!), block: block,
                    progress: progress)
            }
        }
        let access = try RowBlockAccess(source: source, blockSize: block, cacheLimitBytes: cacheLimitBytes)
        return try searchBlocks(access, block: block, progress: progress)
    }

    /// Squared norms of all rows, in one pass over the blocks; throws on a non-finite value.
    private func squaredNorms(_ rows: RowBlockAccess, block: Int) throws -> [Double] {
        let n = rows.rowCount
        let d = rows.dimension
        var norms = [Double](repeating: 0, count: n)
        for lo in stride(from: 0, to: n, by: block) {
            let range = lo..<min(n, lo + block)
            let p = try rows.rows(range, slot: 0)
            for i in range {
                let x = p + (i - lo) * d
                var s = 0.0
                for c in 0..<d {
                    let v = Double(x[c])
                    s += v * v
                }
                if !s.isFinite { throw NeighborSearchError.nonFiniteValue(row: i) }
                norms[i] = s
            }
        }
        return norms
    }

    /// The block loop: Gram blocks `X_I X_Jᵀ` for `J ≥ I` by sgemm, each scanned both ways.
    private func searchBlocks(
        _ rows: RowBlockAccess, block: Int, progress: ProgressHandler?
    ) throws
        -> (NeighborLists, SearchStats)
    {
        let n = rows.rowCount
        let d = rows.dimension
        let norms = try squaredNorms(rows, block: block)
        let factors = scoreFactors(squaredNorms: norms)
        let heaps = TopKHeaps(rows: n, k: k)
        defer { heaps.deallocate() }
        let gram = UnsafeMutablePointer<Float>.allocate(capacity: block * block)
        defer { gram.deallocate() }

        var stats = SearchStats()
        stats.blockSize = block
        stats.resident = rows.resident != nil
        let blocks = (n + block - 1) / block
        let totalFlops = Double(n) * Double(n + block) * Double(d)  // ≈ Σ 2·m·n·d over J ≥ I
        func range(_ t: Int) -> Range<Int> { (t * block)..<min(n, (t + 1) * block) }

        try factors.withUnsafeBufferPointer { f in
            for bi in 0..<blocks {
                let rowsI = range(bi)
                let q = try rows.rows(rowsI, slot: 0)
                for bj in bi..<blocks {
                    let rowsJ = range(bj)
                    let r = bj == bi ? q : try rows.rows(rowsJ, slot: 1)
                    let t0 = ContinuousClock.now
                    BLAS.sgemm(
                        transposeB: true, m: rowsI.count, n: rowsJ.count, k: d,
                        a: q, lda: d, b: r, ldb: d, c: gram, ldc: rowsJ.count)
                    stats.gemmSeconds += seconds(since: t0)
                    stats.gemmFlops += 2 * Double(rowsI.count) * Double(rowsJ.count) * Double(d)
                    let t1 = ContinuousClock.now
                    switch metric {
                    case .cosine:
                        scanBlock(
                            CosineScore.self, heaps, gram: gram, rowsI: rowsI, rowsJ: rowsJ,
                            factors: f.baseAddress!)
                    case .euclidean:
                        scanBlock(
                            EuclideanScore.self, heaps, gram: gram, rowsI: rowsI, rowsJ: rowsJ,
                            factors: f.baseAddress!)
                    case .innerProduct:
                        scanBlock(
                            InnerProductScore.self, heaps, gram: gram, rowsI: rowsI, rowsJ: rowsJ,
                            factors: f.baseAddress!)
                    case .absoluteInnerProduct:
                        scanBlock(
                            AbsoluteInnerProductScore.self, heaps, gram: gram, rowsI: rowsI, rowsJ: rowsJ,
                            factors: f.baseAddress!)
                    }
                    stats.scanSeconds += seconds(since: t1)
                    stats.blockPairs += 1
                    progress?("graph", min(1, stats.gemmFlops / totalFlops))
                }
            }
        }
        stats.readSeconds = rows.readSeconds
        return (neighborLists(heaps, norms: norms), stats)
    }

    /// Updates the heaps with one Gram block `G[|I|, |J|]`: rows of `I` against columns of `J` and,
    /// off the diagonal, rows of `J` against columns of `I`.
    ///
    /// A diagonal block is split into row chunks, scanned concurrently. An off-diagonal block is cut
    /// into `P × P` tiles (about 256 × 256, so a tile stays in cache for both directions) and scanned
    /// in `P` waves: in wave `s` task `p` takes tile `(p, (p + s) mod P)`, so within a wave no two
    /// tasks share a row chunk of `I` or a column chunk of `J`, and each heap row has one writer.
    private func scanBlock<S: GramScore>(
        _ rule: S.Type, _ heaps: TopKHeaps, gram: UnsafePointer<Float>,
        rowsI: Range<Int>, rowsJ: Range<Int>, factors: UnsafePointer<Float>
    ) {
        let m = rowsI.count
        let n = rowsJ.count
        let fI = factors + rowsI.lowerBound
        let fJ = factors + rowsJ.lowerBound
        if rowsI == rowsJ {
            let pieces = max(2, 2 * ProcessInfo.processInfo.activeProcessorCount)
            let step = (m + pieces - 1) / pieces
            DispatchQueue.concurrentPerform(iterations: (m + step - 1) / step) { t in
                scanRows(
                    S.self, heaps, gram: gram, ldg: n, rowRange: (t * step)..<min(m, (t + 1) * step),
                    columnRange: 0..<n, factors: fJ, rowOffset: rowsI.lowerBound, columnOffset: rowsJ.lowerBound)
            }
            return
        }
        let tiles = max(2, (max(m, n) + 255) / 256)
        let rowStep = (m + tiles - 1) / tiles
        let columnStep = ((n + tiles - 1) / tiles + 15) & ~15
        for wave in 0..<tiles {
            DispatchQueue.concurrentPerform(iterations: tiles) { p in
                let q = (p + wave) % tiles
                let rowRange = min(m, p * rowStep)..<min(m, (p + 1) * rowStep)
                let columnRange = min(n, q * columnStep)..<min(n, (q + 1) * columnStep)
                if rowRange.isEmpty || columnRange.isEmpty { return }
                scanRows(
                    S.self, heaps, gram: gram, ldg: n, rowRange: rowRange, columnRange: columnRange,
                    factors: fJ, rowOffset: rowsI.lowerBound, columnOffset: rowsJ.lowerBound)
                scanColumns(
                    S.self, heaps, gram: gram, ldg: n, rowRange: rowRange, columnRange: columnRange,
                    factors: fI, rowOffset: rowsI.lowerBound, columnOffset: rowsJ.lowerBound)
            }
        }
    }

    /// Sorts every heap and converts its scores back to squared distances and cosines.
    private func neighborLists(_ heaps: TopKHeaps, norms: [Double]) -> NeighborLists {
        let n = heaps.rows
        let k = heaps.k
        var ids = [Int32](repeating: -1, count: n * k)
        var squared = [Float](repeating: 0, count: n * k)
        var cosines = [Float](repeating: 0, count: n * k)
        for i in 0..<n {
            let ni = norms[i].squareRoot()
            for (slot, entry) in heaps.sortedRow(i).enumerated() {
                let j = Int(entry.id)
                let p = i * k + slot
                let nj = norms[j].squareRoot()
                ids[p] = entry.id
                switch metric {
                case .cosine:
                    // score = x_i·x_j / ‖x_j‖
                    let c = ni > 0 ? Double(entry.score) / ni : 0
                    cosines[p] = Float(c)
                    squared[p] = Float(max(0, 2 - 2 * c))
                case .euclidean:
                    // score = x_i·x_j − ‖x_j‖²/2
                    let dot = Double(entry.score) + 0.5 * norms[j]
                    squared[p] = Float(max(0, norms[i] - 2 * Double(entry.score)))
                    cosines[p] = ni > 0 && nj > 0 ? Float(dot / (ni * nj)) : 0
                case .innerProduct, .absoluteInnerProduct:
                    // score = x_i·x_j, or its absolute value
                    let dot = Double(entry.score)
                    squared[p] = Float(max(0, norms[i] + norms[j] - 2 * dot))
                    cosines[p] = ni > 0 && nj > 0 ? Float(dot / (ni * nj)) : 0
                }
            }
        }
        return NeighborLists(
            rows: n, neighbors: k, metric: metric, indices: ids,
            squaredDistances: squared, cosineSimilarities: cosines)
    }

    /// Per-sample factor of the score (see GramScore): cosine `1/‖x‖`, Euclidean `−‖x‖²/2`, none
    /// (0) for the inner products.
    func scoreFactors(squaredNorms norms: [Double]) -> [Float] {
        norms.map { sq in
            switch metric {
            case .cosine: return sq > 0 ? Float(1 / sq.squareRoot()) : 0
            case .euclidean: return Float(-0.5 * sq)
            case .innerProduct, .absoluteInnerProduct: return 0
            }
        }
    }
}
