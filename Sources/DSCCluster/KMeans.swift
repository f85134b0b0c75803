import DSCTensor
import Foundation

/// The outcome of ``KMeans/fit(data:rows:columns:)``: the restart with the lowest inertia.
public struct KMeansResult: Sendable, Equatable {
    /// Cluster of every sample, `[rows]`, in `0..<clusters`.
    public var labels: [Int]
    /// Cluster centres, `[clusters, columns]` row-major.
    public var centroids: [Float]
    /// Sum of squared distances of the samples to their centres (in Double, from the final centres).
    public var inertia: Double
    /// Lloyd iterations the kept restart ran.
    public var iterations: Int
    /// Whether the kept restart converged before `maxIterations`.
    public var converged: Bool
    /// Which restart was kept (0-based).
    public var restart: Int
    /// Seconds per stage when fitted from a source of rows ("load", "kmeans"); empty otherwise.
    public var timings = StageTimings()
}

/// k-means clustering: greedy k-means++ seeding, then Lloyd iterations, best of several restarts.
///
/// ```swift
/// var km = KMeans(clusters: 10, restarts: 10, maxIterations: 300, seed: 0)
/// let result = try km.fit(data: x, rows: n, columns: d)
/// ```
///
/// - Seeding (Arthur & Vassilvitskii 2007, greedy variant): the first centre is a uniformly random
///   sample; each next one is the best of `localTrials` (default `2 + ⌊ln k⌋`) candidates drawn with
///   probability ∝ D(x)², the squared distance to the nearest centre so far — best meaning the
///   lowest resulting potential `Σ min(D(x)², ‖x − candidate‖²)`.
/// - Lloyd: assign each sample to its nearest centre (ties: lower index), move each centre to the
///   mean of its samples. Stops when no label changes or the total squared centre shift is at most
///   `tolerance · mean_j Var(x_{·j})` (the per-feature variances), or after `maxIterations`.
/// - A cluster left empty is re-seeded with the sample farthest from its centre (ties: lower
///   index), which leaves its old cluster.
/// - Restarts: restart `r` draws from `SeededGenerator(seed: seed).fork(r)`; the lowest inertia
///   wins (ties: the earlier restart). The same seed gives the same labels.
///
/// Distances use `‖x‖² − 2x·c + ‖c‖²` with the `x·c` block by sgemm when `rows·clusters·columns`
/// is large, direct differences otherwise. Cost per iteration O(n·k·d); memory O(n + k·d) beyond
/// the data.
public struct KMeans: Sendable {
    public var clusters: Int
    /// Independent seedings (scikit-learn's `n_init`), `>= 1`.
    public var restarts: Int
    /// Lloyd iterations per restart, `>= 1`.
    public var maxIterations: Int
    /// Relative tolerance on the centre shift, `>= 0` (see the type's description).
    public var tolerance: Double
    public var seed: UInt64
    /// Candidates per k-means++ step; nil: `2 + ⌊ln clusters⌋`.
    public var localTrials: Int?
    /// The result of the last ``fit(data:rows:columns:)``.
    public private(set) var result: KMeansResult?

    public init(
        clusters: Int, restarts: Int = 10, maxIterations: Int = 300, tolerance: Double = 1e-4,
        seed: UInt64 = 0
    ) {
        self.clusters = clusters
        self.restarts = restarts
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.seed = seed
    }

    /// Clusters the rows of `data` (`[rows, columns]` row-major), keeps and returns the best restart.
    ///
    /// Throws ``ClusterError`` when the shape or a parameter is invalid (`clusters` must be in
    /// `1...rows`) or a value is not finite.
    @discardableResult
    public mutating func fit(data: [Float], rows: Int, columns: Int) throws -> KMeansResult {
        try validate(data: data, rows: rows, columns: columns)
        let best = data.withUnsafeBufferPointer { buffer in
            fitCore(KMeansData(x: buffer.baseAddress!, rows: rows, columns: columns))
        }
        result = best
        return best
    }

    /// Labels of new samples `[rows, columns]` by the centres of the last fit.
    public func predict(data: [Float], rows: Int, columns: Int) throws -> [Int] {
        guard let fitted = result else {
            throw ClusterError.invalidParameter(
                name: "result", value: "nil", requirement: "set by fit() before predict()")
        }
        if data.count != rows * columns {
            throw ClusterError.shapeMismatch(name: "data", count: data.count, expected: rows * columns)
        }
        if columns * clusters != fitted.centroids.count {
            throw ClusterError.shapeMismatch(
                name: "centroids", count: fitted.centroids.count, expected: columns * clusters)
        }
        return data.withUnsafeBufferPointer { buffer in
            let x = KMeansData(x: buffer.baseAddress!, rows: rows, columns: columns)
            return x.assign(centroids: fitted.centroids, k: clusters).labels.map(Int.init)
        }
    }

    private func validate(data: [Float], rows: Int, columns: Int) throws {
        if rows < 1 || columns < 1 { throw ClusterError.emptyInput(samples: rows, features: columns) }
        if data.count != rows * columns {
            throw ClusterError.shapeMismatch(name: "data", count: data.count, expected: rows * columns)
        }
        if clusters < 1 {
            throw ClusterError.invalidParameter(name: "clusters", value: "\(clusters)", requirement: ">= 1")
        }
        if clusters > rows { throw ClusterError.invalidClusterCount(clusters: clusters, samples: rows) }
        if restarts < 1 {
            throw ClusterError.invalidParameter(name: "restarts", value: "\(restarts)", requirement: ">= 1")
        }
        if maxIterations < 1 {
            throw ClusterError.invalidParameter(name: "maxIterations", value: "\(maxIterations)", requirement: ">= 1")
        }
        if !(tolerance >= 0) {
            throw ClusterError.invalidParameter(name: "tolerance", value: "\(tolerance)", requirement: ">= 0")
        }
        if let t = localTrials, t < 1 {
            throw ClusterError.invalidParameter(name: "localTrials", value: "\(t)", requirement: ">= 1")
        }
        if let bad = data.firstIndex(where: { !$0.isFinite }) { throw ClusterError.nonFiniteValue(row: bad / columns) }
    }

    /// Every restart on valid input; the lowest inertia wins.
    private func fitCore(_ x: KMeansData) -> KMeansResult {
        let base = SeededGenerator(seed: seed)
        let threshold = tolerance * x.meanFeatureVariance()
        let trials = localTrials ?? (2 + Int(Foundation.log(Double(clusters))))
        var best: KMeansResult?
        for r in 0..<restarts {
            var generator = base.fork(UInt64(r))
            let start = x.greedyPlusPlus(k: clusters, trials: trials, generator: &generator)
            var run = x.lloyd(centroids: start, k: clusters, maxIterations: maxIterations, shiftThreshold: threshold)
            run.restart = r
            if best == nil || run.inertia < best!.inertia { best = run }
        }
        return best!
    }
}
