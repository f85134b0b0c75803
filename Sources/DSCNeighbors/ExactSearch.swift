import DSCTensor
import Foundation

/// How neighbours are ranked.
public enum KNNMetric: String, Sendable, CaseIterable, Codable {
    /// Cosine similarity `x·y / (‖x‖‖y‖)`, largest first (a zero row has similarity 0 with
    /// everything).
    case cosine
    /// Euclidean distance `‖x − y‖² = ‖x‖² + ‖y‖² − 2x·y`, smallest first.
    case euclidean
    /// Inner product `x·y`, largest first.
    case innerProduct = "inner-product"
    /// Absolute inner product `|x·y|`, largest first.
    case absoluteInnerProduct = "absolute-inner-product"
}

/// The `k` nearest neighbours of every row, best first.
public struct NeighborLists: Sendable, Equatable {
    /// Number of rows N.
    public let rows: Int
    /// Neighbours per row k.
    public let neighbors: Int
    /// The metric that ranked them.
    public let metric: KNNMetric
    /// Neighbour ids, `[rows, neighbors]` row-major, best first (ties: smaller id first). Never the
    /// row itself.
    public var indices: [Int32]
    /// Squared Euclidean distances to the neighbours, `[rows, neighbors]`; under the cosine metric
    /// between the L2-normalised rows (`2 − 2·cos`).
    public var squaredDistances: [Float]
    /// Cosine similarities to the neighbours, `[rows, neighbors]` (under the absolute inner
    /// product, of absolute value).
    public var cosineSimilarities: [Float]

    /// The neighbour ids of row `i`, best first.
    public func neighbors(of i: Int) -> ArraySlice<Int32> { indices[(i * neighbors)..<((i + 1) * neighbors)] }
}

/// The `k` best database rows of every query, best first: the result of
/// ``ExactSearch/search(queries:database:dimension:excludingSelf:progress:)``.
public struct QueryResults: Sendable, Equatable {
    /// Number of queries Q.
    public let queries: Int
    /// Results per query k.
    public let k: Int
    /// Database rows, `[Q, k]` row-major, best first (ties: smaller row first); `-1` pads a
    /// query with fewer than k candidates.
    public var ids: [Int32]
    /// Their scores, `[Q, k]`, as the metric ranks them: the cosine, the squared Euclidean
    /// distance, the inner product or its absolute value (NaN where `ids` is `-1`).
    public var scores: [Float]

    /// The (id, score) pairs of query `q`, best first, without padding.
    public func results(of q: Int) -> [(id: Int32, score: Float)] {
        (q * k..<(q + 1) * k).filter { ids[$0] >= 0 }.map { (ids[$0], scores[$0]) }
    }
}

/// Work done by a neighbour search.
public struct SearchStats: Sendable, Codable, Equatable {
    /// Wall-clock seconds of the whole search (a graph build adds its weights and symmetrisation).
    public var seconds: Double = 0
    /// Seconds inside sgemm.
    public var gemmSeconds: Double = 0
    /// Seconds in the top-k scans of the Gram blocks.
    public var scanSeconds: Double = 0
    /// Seconds reading rows from the source (0 for an in-memory source).
    public var readSeconds: Double = 0
    /// Floating-point operations of the sgemm calls, `Σ 2·m·n·d` over the blocks.
    public var gemmFlops: Double = 0
    /// Rows per block.
    public var blockSize: Int = 0
    /// Gram blocks computed (`b(b+1)/2` for `b` row blocks).
    public var blockPairs: Int = 0
    /// Whether the rows were held in memory (an in-memory source, or one within the cache limit).
    public var resident: Bool = false

    /// Achieved sgemm speed, `gemmFlops / gemmSeconds` in GFLOP/s.
    public var gflops: Double { gemmSeconds > 0 ? gemmFlops / gemmSeconds / 1e9 : 0 }
}

/// A failure of a neighbour search that the caller could not rule out beforehand.
public enum NeighborSearchError: Error, Equatable, Sendable {
    /// Row `row` of the source holds a NaN or an infinity.
    case nonFiniteValue(row: Int)
}

/// Exact top-k search by sgemm over row blocks: within one set (every row's `k` nearest other
/// rows, ``neighbors(within:progress:)``, the kNN graph's search) and of queries against a
/// database (``search(queries:database:dimension:excludingSelf:progress:)``, the coding of all
/// N samples and search indexes). Both compute Gram blocks `G = X_I Y_Jᵀ` with sgemm, turn each
/// entry into a score the metric ranks by (``KNNMetric``), and keep every row's best `k` in one
/// ``TopKHeaps``; a candidate below a row's threshold costs one comparison, 16 lanes at a time.
///
/// The searches assume valid settings (`1 ≤ k`, `blockSize ≥ 1`; within a set, `k < N`): the
/// callers validate at their public boundary.
public struct ExactSearch: Sendable {
    /// Results per row k.
    public var k: Int
    public var metric: KNNMetric
    /// Rows per block of the Gram computation within a set (one block is `blockSize²` floats).
    public var blockSize: Int = 2048
    /// Within a set: a source that is not an ``ArraySamples`` is read once and kept when it holds
    /// at most this many bytes; above it, row blocks are re-read from the source as needed.
    public var cacheLimitBytes: Int = 512 << 20
    /// Queries per sgemm in a query search; each block's Gram matrix is `queryBlock × M` floats
    /// (`M` database rows).
    public var queryBlock: Int = 1024
    /// Database rows per sgemm in a query search, so that a Gram block stays in cache; nil: the
    /// whole database in one (as the energy coding of all N uses it).
    public var databaseBlock: Int? = 2048

    public init(k: Int, metric: KNNMetric = .cosine) {
        self.k = k
        self.metric = metric
    }
}

/// Seconds since `start`.
func seconds(since start: ContinuousClock.Instant) -> Double {
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}
