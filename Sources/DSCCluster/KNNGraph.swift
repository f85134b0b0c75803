import DSCTensor
import Foundation

/// How neighbours are ranked.
public enum KNNMetric: String, Sendable, CaseIterable, Codable {
    /// Cosine similarity `x·y / (‖x‖‖y‖)`, largest first (rows are L2-normalised; a zero row has
    /// similarity 0 with everything).
    case cosine
    /// Euclidean distance `‖x − y‖² = ‖x‖² + ‖y‖² − 2x·y`, smallest first.
    case euclidean
}

/// The weight of a kNN edge `i → j`.
public enum KNNWeighting: String, Sendable, CaseIterable, Codable {
    /// `max(cos(x_i, x_j), 0)`; edges of weight 0 are dropped.
    case cosine
    /// Self-tuning Gaussian (Zelnik-Manor & Perona, NIPS 2004): `exp(−d²_ij / (σ_i σ_j))` with
    /// `σ_i` the distance from `i` to its `min(scaleNeighbor, neighbors)`-th neighbour (`d` is the
    /// Euclidean distance, between the L2-normalised rows under the cosine metric).
    case gaussian
    /// Weight 1 for every edge.
    case connectivity
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
    /// Cosine similarities to the neighbours, `[rows, neighbors]`.
    public var cosineSimilarities: [Float]

    /// The neighbour ids of row `i`, best first.
    public func neighbors(of i: Int) -> ArraySlice<Int32> { indices[(i * neighbors)..<((i + 1) * neighbors)] }
}

/// Work done by a kNN graph build.
public struct KNNGraphStats: Sendable, Codable, Equatable {
    /// Wall-clock seconds of the whole build (search, weights, symmetrisation).
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

/// A symmetric kNN affinity with the lists it came from.
public struct KNNGraphResult: Sendable {
    /// `[N, N]` symmetric affinity, sorted indices, no diagonal.
    public var affinity: SparseMatrix
    /// The directed neighbour lists.
    public var neighbors: NeighborLists
    public var stats: KNNGraphStats
}

/// Exact k-nearest-neighbour graph of the rows of a ``SampleSource``.
///
/// The search computes Gram blocks `G = X_I X_Jᵀ` with sgemm for row blocks `J ≥ I` only and feeds
/// each block both ways: rows of `I` get the columns of `J` as candidates and rows of `J` the
/// columns of `I`, so the N²·d work is done once (plus the diagonal blocks). Every row keeps a
/// bounded min-heap of its k best candidates; a candidate below the heap's threshold costs one
/// comparison. Self is never a neighbour.
///
/// Memory: O(N·k) for the lists, O(blockSize²) for one Gram block, two row blocks
/// `[blockSize, d]` for a streamed source; an ``ArraySamples`` source is used in place, and any
/// other source whose `N·d` floats fit in ``cacheLimitBytes`` is read once and kept.
/// Time: N²·d flops of sgemm plus N² comparisons, spread over the cores.
///
/// Weights (``KNNWeighting``) turn the lists into a directed matrix `W`; the result is
/// `(W + Wᵀ)/2` (union: an edge found one way only keeps half its weight) or, with ``mutual``,
/// the edges found both ways with weight `(w_ij + w_ji)/2`.
public struct KNNGraph: Sendable {
    /// Neighbours per row k, `1 <= k < N`.
    public var neighbors: Int
    public var metric: KNNMetric
    public var weighting: KNNWeighting
    /// Keep only mutual neighbours instead of the union.
    public var mutual: Bool
    /// For ``KNNWeighting/gaussian``: `σ_i` is the distance to this neighbour (1-based, capped at k).
    public var scaleNeighbor: Int = 7
    /// Rows per block of the Gram computation (one block is `blockSize²` floats).
    public var blockSize: Int = 2048
    /// A source that is not ``ArraySamples`` is read once and kept when it holds at most this many
    /// bytes; above it, row blocks are re-read from the source as needed.
    public var cacheLimitBytes: Int = 512 << 20

    public init(neighbors: Int = 10, metric: KNNMetric = .cosine, weighting: KNNWeighting = .cosine,
                mutual: Bool = false) {
        self.neighbors = neighbors; self.metric = metric; self.weighting = weighting; self.mutual = mutual
    }

    /// Checks the parameters against a source of `samples` rows of `features` values.
    public func validate(samples: Int, features: Int) throws {
        if samples < 1 || features < 1 { throw ClusterError.emptyInput(samples: samples, features: features) }
        try ClusterError.checkNeighbors(neighbors, samples: samples)
        if scaleNeighbor < 1 {
            throw ClusterError.invalidParameter(name: "scaleNeighbor", value: "\(scaleNeighbor)", requirement: ">= 1")
        }
        if blockSize < 1 {
            throw ClusterError.invalidParameter(name: "blockSize", value: "\(blockSize)", requirement: ">= 1")
        }
    }

    /// The neighbour lists and the symmetric affinity of `source`.
    ///
    /// Throws ``ClusterError`` for bad parameters or a non-finite sample, and whatever the source
    /// throws while reading. `progress` receives `("graph", fraction)` after each Gram block.
    public func build(_ source: any SampleSource, progress: ProgressHandler? = nil) throws -> KNNGraphResult {
        let start = ContinuousClock.now
        let (lists, searchStats) = try nearestNeighbors(source, progress: progress)
        let w = affinity(from: lists)
        var stats = searchStats
        stats.seconds = StageTimings.seconds(since: start)
        return KNNGraphResult(affinity: w, neighbors: lists, stats: stats)
    }

    /// The exact k nearest neighbours of every row of `source` (see the type's description).
    public func nearestNeighbors(_ source: any SampleSource, progress: ProgressHandler? = nil) throws
        -> (NeighborLists, KNNGraphStats)
    {
        try validate(samples: source.rowCount, features: source.dimension)
        let start = ContinuousClock.now
        var (lists, stats) = try search(source, progress: progress)
        stats.seconds = StageTimings.seconds(since: start)
        return (lists, stats)
    }
}
