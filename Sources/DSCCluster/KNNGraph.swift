import DSCNeighbors
import DSCTensor
import Foundation

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

/// A symmetric kNN affinity with the lists it came from.
public struct KNNGraphResult: Sendable {
    /// `[N, N]` symmetric affinity, sorted indices, no diagonal.
    public var affinity: SparseMatrix
    /// The directed neighbour lists.
    public var neighbors: NeighborLists
    public var stats: SearchStats
}

/// Exact k-nearest-neighbour graph of the rows of a ``SampleSource``.
///
/// The neighbours come from DSCNeighbors' ``ExactSearch/neighbors(within:progress:)``: Gram
/// blocks by sgemm, each row's k best candidates kept in a bounded heap; self is never a
/// neighbour.
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

    public init(
        neighbors: Int = 10, metric: KNNMetric = .cosine, weighting: KNNWeighting = .cosine,
        mutual: Bool = false
    ) {
        self.neighbors = neighbors
        self.metric = metric
        self.weighting = weighting
        self.mutual = mutual
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
    public func nearestNeighbors(
        _ source: any SampleSource, progress: ProgressHandler? = nil
    ) throws
        -> (NeighborLists, SearchStats)
    {
        try validate(samples: source.rowCount, features: source.dimension)
        var search = ExactSearch(k: neighbors, metric: metric)
        search.blockSize = blockSize
        search.cacheLimitBytes = cacheLimitBytes
        do {
            return try search.neighbors(within: source, progress: progress)
        } catch NeighborSearchError.nonFiniteValue(let row) {
            throw ClusterError.nonFiniteValue(row: row)
        }
    }
}
