import DSCTensor
import Foundation

/// One row of a coefficient matrix as a coder finished it.
struct CoefficientRow: Sendable {
    /// Atom ids, ascending, never the sample itself.
    var indices: [Int32] = []
    var values: [Float] = []
    /// Iterations the coder ran for this sample (atoms chosen, or active-set solves).
    var iterations = 0
    /// Whether the coder met its stopping rule before its iteration limit.
    var converged = true
    /// The coder's own count of inner work (e.g. coordinate-descent sweeps), summed in the stats.
    var innerIterations = 0
}

/// The blocked, lock-step driver shared by SSC-OMP and EnSC.
///
/// Every coder here needs, round after round, the correlations of one query vector per sample
/// (a residual, or an oracle point) with all N atoms. The driver cuts the samples into chunks of
/// at most ``blockSize``; for a chunk it keeps the queries of the samples still running as one
/// `[m, D]` matrix and gets all their correlations by one sgemm `Q · Xᵀ` (`[m, N]`), then hands
/// each sample its row: the coder's `step` reads it, updates the sample's state and writes the
/// sample's next query (or says it is done). The first query of a sample is the sample itself,
/// so the first round's correlations are `X_chunk · Xᵀ`.
///
/// Chunks run concurrently (`DispatchQueue.concurrentPerform`), each with its own buffers and a
/// single-threaded sgemm (OpenBLAS is held to one thread meanwhile, so that its threads do not
/// compete with the workers). Samples never interact, so the result does not depend on the
/// schedule. Chunk size is `min(blockSize, max(16, ⌈N/16⌉))`, a function of N alone.
///
/// Memory: the samples `[N, D]` (held by the caller) plus, per running chunk, `m·N` correlations
/// and `2·m·D` queries — O(workers · blockSize · N), never N².
struct SelfExpressiveBlocks {
    let samples: SelfExpressiveSamples
    let blockSize: Int

    /// Samples per chunk for `n` samples (see the type's description).
    static func chunkSize(samples n: Int, blockSize: Int) -> Int {
        min(blockSize, max(16, (n + 15) / 16))
    }

    /// Codes every sample; returns the rows of C in sample order and the run's counters.
    ///
    /// - `start(i)`: the state of sample `i` before its first round.
    /// - `step(&state, i, h, next)`: `h` is `X · q` (`[N]`) for the sample's last query `q`;
    ///   returns true after writing the next query (`[D]`) to `next`, false when the sample is done.
    /// - `finish(&state, i)`: the sample's row of C.
    ///
    /// The closures run concurrently for different samples and must touch only their sample's state.
    func run<State>(
        stage: String, progress: ProgressHandler?,
        start: (Int) -> State,
        step: (inout State, Int, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Bool,
        finish: (inout State, Int) -> CoefficientRow
    ) -> ([CoefficientRow], SelfExpressiveCodingStats) {
        let clock = ContinuousClock.now
        let n = samples.count
        let chunk = Self.chunkSize(samples: n, blockSize: blockSize)
        let chunks = (n + chunk - 1) / chunk
        var rows = [CoefficientRow](repeating: CoefficientRow(), count: n)
        var stats = SelfExpressiveCodingStats()
        stats.blockSize = chunk
        let lock = NSLock()
        var done = 0
        progress?(stage, 0)
        let previousThreads = BLAS.threads
        BLAS.threads = 1
        defer { BLAS.threads = previousThreads }
        samples.data.withUnsafeBufferPointer { x in
            rows.withUnsafeMutableBufferPointer { out in
                DispatchQueue.concurrentPerform(iterations: chunks) { c in
                    let range = (c * chunk)..<min(n, (c + 1) * chunk)
                    let local = runChunk(
                        range, x: x.baseAddress!, into: out.baseAddress!,
                        start: start, step: step, finish: finish)
                    lock.lock()
                    stats.gemmSeconds += local.gemmSeconds
                    stats.gemmFlops += local.gemmFlops
                    stats.gemmCalls += local.gemmCalls
                    done += range.count
                    progress?(stage, Double(done) / Double(n))
                    lock.unlock()
                }
            }
        }
        for row in rows {
            stats.iterations += row.iterations
            stats.innerIterations += row.innerIterations
            stats.nonzeros += row.indices.count
            if !row.converged { stats.notConverged += 1 }
        }
        stats.seconds = StageTimings.seconds(since: clock)
        return (rows, stats)
    }

    /// The rounds of one chunk of samples; writes their rows to `out[range]`.
    private func runChunk<State>(
        _ range: Range<Int>, x: UnsafePointer<Float>,
        into out: UnsafeMutablePointer<CoefficientRow>,
        start: (Int) -> State,
        step: (inout State, Int, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Bool,
        finish: (inout State, Int) -> CoefficientRow
    ) -> SelfExpressiveCodingStats {
        let n = samples.count
        let d = samples.dimension
        let m = range.count
        let correlations = UnsafeMutablePointer<Float>.allocate(capacity: m * n)
        let queries = UnsafeMutablePointer<Float>.allocate(capacity: m * d)
        let next = UnsafeMutablePointer<Float>.allocate(capacity: m * d)
        let states = UnsafeMutablePointer<State>.allocate(capacity: m)
        defer {
            correlations.deallocate()
            queries.deallocate()
            next.deallocate()
            states.deinitialize(count: m)
            states.deallocate()
        }
        for s in 0..<m { (states + s).initialize(to: start(range.lowerBound + s)) }
        var stats = SelfExpressiveCodingStats()
        var active = Array(0..<m)  // slots still running, ascending
        var query = x + range.lowerBound * d  // round 0: the samples themselves, contiguous
        while !active.isEmpty {
            let t0 = ContinuousClock.now
            BLAS.sgemm(
                transposeB: true, m: active.count, n: n, k: d, a: query, lda: d, b: x, ldb: d,
                c: correlations, ldc: n)
            stats.gemmSeconds += StageTimings.seconds(since: t0)
            stats.gemmFlops += 2 * Double(active.count) * Double(n) * Double(d)
            stats.gemmCalls += 1
            var still: [Int] = []
            still.reserveCapacity(active.count)
            for (position, slot) in active.enumerated() {
                let sample = range.lowerBound + slot
                if step(&states[slot], sample, correlations + position * n, next + slot * d) { still.append(slot) }
            }
            for (position, slot) in still.enumerated() {
                (queries + position * d).update(from: next + slot * d, count: d)
            }
            active = still
            query = UnsafePointer(queries)
        }
        for s in 0..<m { out[range.lowerBound + s] = finish(&states[s], range.lowerBound + s) }
        return stats
    }

    /// The `[N, N]` CSR matrix of the rows.
    static func matrix(_ rows: [CoefficientRow]) -> SparseMatrix {
        let n = rows.count
        var indptr = [Int](repeating: 0, count: n + 1)
        for i in 0..<n { indptr[i + 1] = indptr[i] + rows[i].indices.count }
        var indices = [Int32]()
        indices.reserveCapacity(indptr[n])
        var values = [Float]()
        values.reserveCapacity(indptr[n])
        for row in rows {
            indices += row.indices
            values += row.values
        }
        return SparseMatrix(rows: n, columns: n, indptr: indptr, indices: indices, values: values)
    }
}

/// The entries of `values` at `ids` that are non-zero, the `limit` largest in magnitude when there
/// are more (ties: the smaller id), as a row with ascending ids.
func coefficientRow(ids: [Int32], values: [Double], limit: Int?) -> CoefficientRow {
    var order = ids.indices.filter { values[$0] != 0 && Float(values[$0]) != 0 }
    if let limit, order.count > limit {
        order.sort { abs(values[$0]) != abs(values[$1]) ? abs(values[$0]) > abs(values[$1]) : ids[$0] < ids[$1] }
        order.removeLast(order.count - limit)
    }
    order.sort { ids[$0] < ids[$1] }
    var row = CoefficientRow()
    row.indices = order.map { ids[$0] }
    row.values = order.map { Float(values[$0]) }
    return row
}
