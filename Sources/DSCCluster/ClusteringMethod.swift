import DSCTensor

/// What every clustering method's fit returns.
public protocol ClusteringResult {
    /// Cluster of every sample, `[N]`, in `0..<K`.
    var labels: [Int] { get }
    /// The spectral stage: the affinity that was clustered, the embedding and the eigenvalues;
    /// nil for a method without one (k-means).
    var spectralResult: SpectralClusteringResult? { get }
    /// Seconds per stage, with the whole fit as "total" when the method times it.
    var timings: StageTimings { get }
    /// Conditions a person should know about (a disconnected graph, samples left unconverged).
    var warnings: [String] { get }
}

/// A clustering method in the manner of a scikit-learn estimator: configure its properties,
/// ``fit(_:progress:)`` a source of rows, read the ``ClusteringResult``. The graph-based methods
/// share their last stage's settings, ``SpectralSettings``.
///
/// A new method is a type of its own that conforms, one case in DSCPipeline's `ClusterMethod`
/// (which the command line lists) and one line where `ClusterJob` makes the estimator.
public protocol ClusteringMethod {
    associatedtype Result: ClusteringResult
    /// Number of clusters K, `2 <= K <= N`.
    var clusters: Int { get set }
    /// The seed behind every random choice; the same seed gives the same labels.
    var seed: UInt64 { get set }
    /// Clusters the rows of `samples`. `progress` receives (stage, fraction) updates.
    func fit(_ samples: any SampleSource, progress: ProgressHandler?) throws -> Result
}

extension SpectralClusteringResult: ClusteringResult {
    public var spectralResult: SpectralClusteringResult? { self }
}

extension SelfExpressiveClusteringResult: ClusteringResult {
    public var spectralResult: SpectralClusteringResult? { spectral }
}

extension KMeansResult: ClusteringResult {
    public var spectralResult: SpectralClusteringResult? { nil }
    public var warnings: [String] { [] }
}

extension SpectralClustering: ClusteringMethod {}
extension ElasticNetSubspaceClustering: ClusteringMethod {}
extension SSCOMP: ClusteringMethod {}

extension KMeans: ClusteringMethod {
    /// Reads every row of `samples` into memory ("load"), then ``fit(data:rows:columns:)``
    /// ("kmeans"); the result's timings hold both stages.
    public func fit(_ samples: any SampleSource, progress: ProgressHandler? = nil) throws -> KMeansResult {
        var timings = StageTimings()
        let n = samples.rowCount
        let d = samples.dimension
        let data = try timings.measure("load") { () throws -> [Float] in
            var buffer = [Float](repeating: 0, count: n * d)
            try buffer.withUnsafeMutableBufferPointer { try samples.readRows(0..<n, into: $0.baseAddress!) }
            return buffer
        }
        progress?("kmeans", 0)
        var km = self
        var result = try timings.measure("kmeans") { try km.fit(data: data, rows: n, columns: d) }
        progress?("kmeans", 1)
        result.timings = timings
        return result
    }
}
