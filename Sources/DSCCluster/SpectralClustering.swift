import DSCNeighbors
import DSCTensor
import Foundation

/// Spectral clustering of samples through a kNN graph, or of a given affinity.
///
/// ```swift
/// let sc = SpectralClustering(clusters: 10, neighbors: 10)
/// let result = try sc.fit(ArraySamples(values: x, shape: [n, d]))
/// ```
///
/// Steps (Ng, Jordan & Weiss 2001, on a sparse kNN graph as in von Luxburg's tutorial 2007):
/// 1. the kNN affinity `W` (``KNNGraph``: ``neighbors``, ``metric``, ``weighting``, ``mutual``);
/// 2. the eigenvectors of the K smallest eigenvalues of `L_sym = I − D^{-1/2} W D^{-1/2}`
///    (``Eigensolver``; K + ``SpectralSettings/extraEigenvalues`` eigenvalues are computed for the
///    eigengap);
/// 3. each row of the `[N, K]` eigenvector matrix scaled to unit length (or a layout of the
///    graph, ``SpectralSettings/layoutEpochs``);
/// 4. k-means++ with ``SpectralSettings/kmeansRestarts`` restarts on those rows; its labels are
///    the result.
///
/// One ``seed`` drives the Lanczos start vector and every k-means choice: the same input and seed
/// give the same labels. A graph with more than one connected component gets a warning in the
/// result (its eigenvalue 0 is repeated, and the clusters tend to follow the components).
public struct SpectralClustering: Sendable {
    /// Number of clusters K, `2 <= K <= N`.
    public var clusters: Int
    /// Neighbours per sample in the kNN graph, `1 <= neighbors < N`.
    public var neighbors: Int = 10
    public var weighting: KNNWeighting = .cosine
    public var metric: KNNMetric = .cosine
    /// Keep only mutual kNN edges instead of the union.
    public var mutual: Bool = false
    /// The eigenvectors, the layout and k-means.
    public var spectral = SpectralSettings()
    public var seed: UInt64 = 0
    /// Rows per Gram block of the kNN search (see ``KNNGraph/blockSize``).
    public var graphBlockSize: Int = 2048
    /// What the warning about a disconnected affinity suggests: the setting of the method that
    /// built the graph which would connect it.
    public var connectivityHint = "try more neighbors or a union graph"

    public init(
        clusters: Int, neighbors: Int = 10, weighting: KNNWeighting = .cosine, metric: KNNMetric = .cosine,
        mutual: Bool = false, spectral: SpectralSettings = SpectralSettings(), seed: UInt64 = 0
    ) {
        self.clusters = clusters
        self.neighbors = neighbors
        self.weighting = weighting
        self.metric = metric
        self.mutual = mutual
        self.spectral = spectral
        self.seed = seed
    }

    /// The kNN graph builder these settings describe.
    public var graph: KNNGraph {
        var g = KNNGraph(neighbors: neighbors, metric: metric, weighting: weighting, mutual: mutual)
        g.blockSize = graphBlockSize
        return g
    }

    /// Builds the kNN graph of `samples` and clusters it.
    ///
    /// Throws ``ClusterError`` for bad parameters (`clusters=12 must be <= n_samples=10`) or a
    /// non-finite sample, ``EigensolverError`` when the eigensolver fails, and whatever the source
    /// throws. `progress` receives the stages "graph", "eigen" and "kmeans".
    public func fit(_ samples: any SampleSource, progress: ProgressHandler? = nil) throws -> SpectralClusteringResult {
        let n = samples.rowCount
        if n < 1 || samples.dimension < 1 { throw ClusterError.emptyInput(samples: n, features: samples.dimension) }
        try validateSettings(samples: n)
        try ClusterError.checkNeighbors(neighbors, samples: n)
        let start = ContinuousClock.now
        var timings = StageTimings()
        let built = try timings.measure("graph") { try graph.build(samples, progress: progress) }
        var result = try cluster(built.affinity, timings: timings, progress: progress)
        result.graphGFLOPS = built.stats.gflops
        result.graphStats = built.stats
        result.timings.record("total", seconds: StageTimings.seconds(since: start))
        return result
    }

    /// Clusters a given symmetric, non-negative affinity `[N, N]` (e.g. `(|C| + |C|ᵀ)/2` of
    /// self-expressive coefficients). Throws as ``fit(_:progress:)``.
    public func fit(affinity: SparseMatrix, progress: ProgressHandler? = nil) throws -> SpectralClusteringResult {
        if affinity.rows != affinity.columns {
            throw ClusterError.notSquare(rows: affinity.rows, columns: affinity.columns)
        }
        if affinity.rows < 1 { throw ClusterError.emptyInput(samples: 0, features: 0) }
        try validateSettings(samples: affinity.rows)
        let start = ContinuousClock.now
        var result = try cluster(affinity, timings: StageTimings(), progress: progress)
        result.timings.record("total", seconds: StageTimings.seconds(since: start))
        return result
    }

    private func validateSettings(samples n: Int) throws {
        try ClusterError.checkClusters(clusters, samples: n)
        try spectral.validate()
    }

    /// Steps 2–4 on a validated affinity.
    private func cluster(
        _ w: SparseMatrix, timings: StageTimings, progress: ProgressHandler?
    ) throws
        -> SpectralClusteringResult
    {
        var timings = timings
        let n = w.rows
        let k = clusters
        var warnings: [String] = []
        let (components, component) = w.connectedComponents()
        if components > 1 {
            var sizes = [Int](repeating: 0, count: components)
            for c in component { sizes[c] += 1 }
            warnings.append(
                "the affinity graph has \(components) connected components (the largest "
                    + "\(sizes.max() ?? 0) samples, the smallest \(sizes.min() ?? 0)); "
                    + "spectral clustering tends to follow them (\(connectivityHint))")
        }
        let pairs = try timings.measure("eigen") {
            try Eigensolver.laplacianEigenpairs(
                affinity: w,
                count: min(n, k + max(spectral.extraEigenvalues, spectral.layoutEpochs > 0 ? 1 : 0)),
                solver: spectral.eigenSolver, seed: seed, tolerance: spectral.eigenTolerance,
                maxIterations: spectral.eigenMaxIterations, progress: progress)
        }
        let embedding: [Float]
        if spectral.layoutEpochs > 0 {
            progress?("layout", 0)
            embedding = timings.measure("layout") {
                let start = GraphLayout.scaledStart(
                    Self.eigenvectorColumns(pairs, from: pairs.count > k ? 1 : 0, count: k))
                return GraphLayout(epochs: spectral.layoutEpochs, seed: seed).layout(
                    affinity: w, initial: start, dimensions: k)
            }
            progress?("layout", 1)
        } else {
            embedding = Self.rowNormalizedEmbedding(pairs, columns: k)
        }
        progress?("kmeans", 0)
        let fitted = try timings.measure("kmeans") {
            var km = KMeans(clusters: k, restarts: spectral.kmeansRestarts, seed: seed)
            return try km.fit(data: embedding, rows: n, columns: k)
        }
        progress?("kmeans", 1)
        let distinct = Set(fitted.labels).count
        if distinct < k { warnings.append("k-means found \(distinct) distinct clusters of the \(k) asked") }
        return SpectralClusteringResult(
            labels: fitted.labels, affinity: w, embedding: embedding, eigenvalues: pairs.values,
            residuals: pairs.residuals, eigenSolver: pairs.solver, eigenIterations: pairs.iterations,
            timings: timings, components: components, warnings: warnings, graphGFLOPS: nil, graphStats: nil,
            inertia: fitted.inertia, clusters: k)
    }

    /// Eigenvectors `from..<from+count` as `[n, count]` Float rows, unscaled.
    static func eigenvectorColumns(_ pairs: LaplacianEigenpairs, from first: Int, count k: Int) -> [Float] {
        let n = pairs.nodes
        let m = pairs.count
        var out = [Float](repeating: 0, count: n * k)
        for i in 0..<n { for j in 0..<k { out[i * k + j] = Float(pairs.vectors[i * m + first + j]) } }
        return out
    }

    /// The first `columns` eigenvectors as `[n, columns]` Float rows of unit length (zero rows
    /// stay zero).
    static func rowNormalizedEmbedding(_ pairs: LaplacianEigenpairs, columns k: Int) -> [Float] {
        let n = pairs.nodes
        let m = pairs.count
        var out = [Float](repeating: 0, count: n * k)
        for i in 0..<n {
            var norm = 0.0
            for j in 0..<k { norm += pairs.vectors[i * m + j] * pairs.vectors[i * m + j] }
            let scale = norm > 0 ? 1 / norm.squareRoot() : 0
            for j in 0..<k { out[i * k + j] = Float(pairs.vectors[i * m + j] * scale) }
        }
        return out
    }
}
