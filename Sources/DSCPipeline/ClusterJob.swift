import DSCCluster
import DSCDeep
import DSCIO
import DSCMetrics
import DSCNN
import DSCNNIO
import DSCTensor
import Foundation

/// The clustering methods `dsc cluster` offers in this version.
public enum ClusterMethod: String, CaseIterable, Sendable, Codable {
    /// Energy-based self-expressive clustering (the default): a contrastive encoder supplies the
    /// dictionary, an energy network the sparse coefficients, spectral clustering the labels.
    case ebsc
    /// Spectral clustering on an exact kNN graph.
    case spectral
    /// k-means++ with restarts on the raw features.
    case kmeans
    /// Elastic-net subspace clustering (You et al., CVPR 2016): sparse self-expressive
    /// coefficients by an active-set solver, then spectral clustering of `(|C| + |C|ᵀ)/2`.
    case ensc
    /// Sparse subspace clustering by orthogonal matching pursuit (You et al., CVPR 2016).
    case sscOMP = "ssc-omp"
}

/// One clustering run from an HDF5 file to labels, in the manner of a scikit-learn estimator:
/// configure the properties, call ``run(progress:)``, read the ``ClusterOutcome``.
///
/// ```swift
/// var job = ClusterJob(input: "digits.h5", clusters: 10)
/// job.neighbors = 10
/// let outcome = try job.run()
/// print(outcome.metrics?.acc ?? .nan)
/// ```
///
/// All validation of user input happens here, at the boundary, before any long computation:
/// every failure is a thrown error whose message names the file, dataset and value.
public struct ClusterJob: Sendable {
    /// Path of the input HDF5 file.
    public var input: String
    /// Dataset holding the samples, `[N, D]`, `[N, H, W]` or `[N, C, H, W]`.
    public var featuresDataset = "features"
    /// Dataset holding the true labels `[N]`, used for metrics when present.
    public var labelsDataset = "labels"
    /// When true, a missing labels dataset is an error (the user named it explicitly).
    public var labelsRequired = false
    /// Number of clusters K, 2 ≤ K ≤ N.
    public var clusters: Int
    public var method: ClusterMethod = .ebsc
    /// EBSC: the model and training settings (its seed is replaced by ``seed``).
    public var deep = EBSCConfiguration()
    /// EBSC: a trained model file (`dsc train`); nil trains one first.
    public var modelPath: String?
    /// EBSC: a second HDF5 file whose samples (the same ``featuresDataset``, with
    /// ``labelsDataset`` for scores when present) are labelled out of sample once the clustering
    /// is fitted: each is coded against the N clustered samples and takes the cluster with the
    /// largest total coefficient (`EBSCResult.predict(_:count:)`). nil: none.
    public var predictInput: String?
    /// EBSC: training progress, after every step.
    public var trainingProgress: (@Sendable (TrainingProgress) -> Void)?
    /// EBSC: called once the training is sized to the time budget, with its plan.
    public var trainingPlan: (@Sendable (TrainingPlan) -> Void)?
    /// Neighbours per sample in the kNN graph (spectral), 1 ≤ k < N.
    public var neighbors = 10
    /// Edge weights of the kNN graph.
    public var weighting: KNNWeighting = .cosine
    /// Keep only mutual kNN edges.
    public var mutual = false
    /// Eigen-solver: dense LAPACK for small N, Lanczos for large N (`auto`).
    public var eigenSolver: EigenSolverKind = .auto
    /// Epochs of the graph layout before k-means (``SpectralClustering/layoutEpochs``); 0: none;
    /// nil: the method's default (EBSC's depends on the input, ``EBSCConfiguration/defaults(for:)``;
    /// the other methods' is 0).
    public var layoutEpochs: Int?
    /// EBSC, EnSC, SSC-OMP: how each coefficient row is scaled before the affinity `(|C| + |C|ᵀ)/2`.
    public var rowNormalization: CoefficientNormalization = .l2
    /// k-means restarts (n_init); `nil` picks ``defaultRestarts(for:samples:)`` once N is known.
    public var restarts: Int?
    /// The one seed behind every random choice of the run.
    public var seed: UInt64 = 0
    /// EnSC: weight of the ℓ1 term in the elastic net, λ ∈ (0, 1].
    public var enscLambda = 0.9
    /// EnSC: the self-expression weight γ, relative to the smallest γ that gives a non-zero code.
    public var enscGamma = 50.0
    /// SSC-OMP: atoms per sample.
    public var ompAtoms = 10

    public init(input: String, clusters: Int, method: ClusterMethod = .ebsc) {
        self.input = input
        self.clusters = clusters
        self.method = method
    }

    /// k-means restarts by default. On the K-dimensional spectral embedding a restart is cheap and
    /// 10 restarts often miss the lowest-inertia partition, so the spectral step gets 100 restarts
    /// up to 20,000 samples and a budget of 2·10⁶ sample-restarts above (28 at 70,000), never
    /// fewer than 10. On raw features a restart costs O(N·D·K) per iteration: 10.
    public static func defaultRestarts(for method: ClusterMethod, samples: Int? = nil) -> Int {
        guard method != .kmeans else { return 10 }
        guard let n = samples, n > 20_000 else { return 100 }
        return max(10, 2_000_000 / n)
    }

    /// Labels for every sample of `source` from the fitted `result`, read and coded in blocks of
    /// 4,096 (each sample is coded on its own, so the blocks do not change the labels).
    static func predict(_ source: HDF5RowSource, with result: EBSCResult, progress: ProgressHandler?) throws -> [Int] {
        let n = source.rowCount
        let d = source.dimension
        let block = 4096
        var labels: [Int] = []
        labels.reserveCapacity(n)
        var buffer = [Float](repeating: 0, count: min(n, block) * d)
        progress?("predict", 0)
        for start in stride(from: 0, to: n, by: block) {
            let rows = min(block, n - start)
            try buffer.withUnsafeMutableBufferPointer {
                try source.readRows(start..<(start + rows), into: $0.baseAddress!)
            }
            labels += result.predict(Array(buffer[0..<(rows * d)]), count: rows)
            progress?("predict", Double(start + rows) / Double(n))
        }
        return labels
    }

    /// The run's settings as (name, value) pairs, for result-file attributes and reports: the
    /// method's own, then (for the graph-based methods) the spectral stage's.
    public var parameters: [(String, String)] { parameters(sampleShape: nil) }

    /// ``parameters``, with the settings whose default depends on the input resolved for samples
    /// of `sampleShape` (``EBSCConfiguration/defaults(for:)``); nil leaves them `auto`.
    public func parameters(sampleShape: [Int]?) -> [(String, String)] {
        var deep = deepConfiguration
        if let sampleShape { deep.input = SampleKind(sampleShape: sampleShape) }
        var p: [(String, String)] = [
            ("input", input), ("features_dataset", featuresDataset), ("clusters", String(clusters)),
            ("method", method.rawValue), ("seed", String(seed)),
        ]
        switch method {
        case .ebsc:
            if let modelPath {
                p += [
                    ("model", modelPath), ("keep", deep.keep.map(String.init) ?? "auto"),
                    ("layout_epochs", deep.layoutEpochs.map(String.init) ?? "auto"),
                    ("candidates", deep.candidates?.rawValue ?? "auto"),
                    ("refine_steps", deep.refineSteps.map(String.init) ?? "auto"),
                    ("calibration_batches", deep.calibrationBatches.map(String.init) ?? "auto"),
                ]
            } else {
                p += deep.architecture.filter { $0.0 != "input" } + deep.training.filter { $0.0 != "seed" }
            }
            if let predictInput { p.append(("predict", predictInput)) }
        case .spectral:
            p += [("neighbors", String(neighbors)), ("weighting", weighting.rawValue), ("mutual", String(mutual))]
        case .kmeans:
            return p + [("restarts", restarts.map(String.init) ?? "auto")]
        case .ensc:
            p += [("lambda", String(enscLambda)), ("gamma", String(enscGamma))]
        case .sscOMP:
            p += [("max_atoms", String(ompAtoms))]
        }
        if method != .spectral { p.append(("row_normalization", rowNormalization.rawValue)) }
        return p + [
            ("eigen_solver", eigenSolver.rawValue)
        ] + (method == .ebsc ? [] : [("layout_epochs", String(layoutEpochs ?? 0))]) + [
            ("kmeans_restarts", restarts.map(String.init) ?? "auto")
        ]
    }

    /// ``deep`` with the run's seed and, when set, its layout epochs.
    var deepConfiguration: EBSCConfiguration {
        var config = deep
        config.seed = seed
        if let layoutEpochs { config.layoutEpochs = layoutEpochs }
        return config
    }

    /// The spectral stage's settings for `n` samples: ``eigenSolver``, ``layoutEpochs`` and the
    /// k-means restarts (``restarts``, or ``defaultRestarts(for:samples:)``).
    func spectralSettings(samples n: Int) -> SpectralSettings {
        SpectralSettings(
            eigenSolver: eigenSolver, kmeansRestarts: restarts ?? Self.defaultRestarts(for: method, samples: n),
            layoutEpochs: layoutEpochs ?? 0)
    }

    /// The estimator of ``method`` for `n` samples, configured from this job: the one place a
    /// method is registered.
    func estimator(samples n: Int) -> any ClusteringMethod {
        let spectral = spectralSettings(samples: n)
        switch method {
        case .ebsc:
            var ebsc = EBSC(clusters: clusters, configuration: deepConfiguration)
            ebsc.spectral = spectral
            ebsc.normalization = rowNormalization
            ebsc.trainingProgress = trainingProgress
            ebsc.trainingPlan = trainingPlan
            return ebsc
        case .spectral:
            return SpectralClustering(
                clusters: clusters, neighbors: neighbors, weighting: weighting, mutual: mutual,
                spectral: spectral, seed: seed)
        case .kmeans:
            return KMeans(clusters: clusters, restarts: spectral.kmeansRestarts, seed: seed)
        case .ensc:
            var ensc = ElasticNetSubspaceClustering(
                clusters: clusters, lambda: enscLambda, gamma: enscGamma, seed: seed)
            ensc.spectral = spectral
            ensc.normalization = rowNormalization
            return ensc
        case .sscOMP:
            var omp = SSCOMP(clusters: clusters, maxAtoms: ompAtoms, seed: seed)
            omp.spectral = spectral
            omp.normalization = rowNormalization
            return omp
        }
    }

    /// Opens the input and checks everything a user can get wrong, cheaply and before any long
    /// computation: the file, the dataset's rank, type and size, K against N, the neighbours,
    /// the labels' length, and that every value is finite (one streamed pass); the same for the
    /// ``predictInput`` file, whose samples must have the input's shape.
    public func validate() throws -> (source: HDF5RowSource, truth: [Int]?) {
        let checked = try validateInputs()
        return (checked.source, checked.truth)
    }

    /// ``validate()``, also returning the ``predictInput`` file's samples and labels.
    func validateInputs() throws -> (
        source: HDF5RowSource, truth: [Int]?,
        prediction: (source: HDF5RowSource, truth: [Int]?)?
    ) {
        try validateSettings()
        let (source, truth) = try checkedSamples(in: input) { source in
            let n = source.rowCount
            if clusters > n {
                throw PipelineError.tooManyClusters(
                    file: input, dataset: featuresDataset, clusters: clusters, samples: n)
            }
            if method == .spectral && (neighbors < 1 || neighbors >= n) {
                throw PipelineError.badNeighbors(
                    file: input, dataset: featuresDataset, neighbors: neighbors, samples: n)
            }
        }
        return (source, truth, try validatePrediction(like: source))
    }

    /// Checks the ``predictInput`` file, if any, as ``validate()`` checks the input: the method
    /// has an out-of-sample step, the samples have the clustered samples' shape and finite
    /// values, and the labels (when present, or required) match their count.
    func validatePrediction(like source: HDF5RowSource) throws -> (source: HDF5RowSource, truth: [Int]?)? {
        guard let predictInput else { return nil }
        guard method == .ebsc else { throw PipelineError.predictNeedsEBSC(method: method.rawValue) }
        return try checkedSamples(in: predictInput) { other in
            if Array(other.shape.dropFirst()) != Array(source.shape.dropFirst()) {
                throw PipelineError.predictShapeMismatch(
                    file: predictInput, dataset: featuresDataset,
                    shape: Array(other.shape.dropFirst()),
                    expected: Array(source.shape.dropFirst()), clusteredFile: input)
            }
        }
    }

    /// Opens ``featuresDataset`` of `path`, runs the cheap `check` on it, then reads
    /// ``labelsDataset`` (when present, or required) and makes one streamed pass for non-finite
    /// values.
    private func checkedSamples(
        in path: String, check: (HDF5RowSource) throws -> Void
    ) throws
        -> (source: HDF5RowSource, truth: [Int]?)
    {
        let reader = try HDF5Reader(path: path)
        let source = try reader.rowSource(featuresDataset)
        try check(source)
        let truth = try reader.readLabels(labelsDataset, matchingRowsOf: featuresDataset, required: labelsRequired)
        try source.validateFinite()
        return (source, truth)
    }

    /// Runs the method. `progress` receives (stage, fraction) updates; the library never prints.
    public func run(progress: ProgressHandler? = nil) throws -> ClusterOutcome {
        let start = ContinuousClock.now
        var timings = StageTimings()
        let (source, truth, toPredict) = try timings.measure("read") { try validateInputs() }
        let restarts = self.restarts ?? Self.defaultRestarts(for: method, samples: source.rowCount)
        var outcome = ClusterOutcome(
            input: input, featuresDataset: featuresDataset, samples: source.rowCount,
            dimension: source.dimension, clusters: clusters, method: method, seed: seed,
            parameters: parameters(sampleShape: Array(source.shape.dropFirst())).map {
                $0.0.hasSuffix("restarts") ? ($0.0, String(restarts)) : $0
            })
        let estimator = estimator(samples: source.rowCount)
        if let ebsc = estimator as? EBSC {
            // EBSC reads its samples as a loader does (in memory up to 1 GiB) and may take a model file.
            let samples = try timings.measure("load") {
                try HDF5Samples(path: input, dataset: featuresDataset, inMemoryLimit: 1 << 30, checkFinite: false)
            }
            let model = try modelPath.map { path in try timings.measure("load") { try EBSCModel.load(path) } }
            let fitted = try ebsc.fit(samples, file: input, dataset: featuresDataset, model: model, progress: progress)
            outcome.take(fitted, into: &timings)
            if modelPath == nil, let epochs = deep.epochs, let budget = deep.timeBudget {
                outcome.warnings.append(
                    "--epochs \(epochs) is set, so it and not the time budget of \(budget / 60) min sized the training")
            }
            if let plan = fitted.plan, let i = outcome.parameters.firstIndex(where: { $0.0 == "epochs" }) {
                outcome.parameters[i].1 = String(plan.epochs)
                outcome.parameters.append(("epochs_from", plan.limitedByBudget ? "time budget" : "most for the input"))
            }
            if let (other, otherTruth) = toPredict {
                let labels = try timings.measure("predict") {
                    try Self.predict(other, with: fitted, progress: progress)
                }
                outcome.prediction = ClusterOutcome.Prediction(input: other.path, labels: labels, truth: otherTruth)
            }
        } else {
            outcome.take(try estimator.fit(source, progress: progress), into: &timings)
        }
        if let truth {
            outcome.truth = truth
            outcome.metrics = timings.measure("metrics") { ClusteringMetrics(truth: truth, predicted: outcome.labels) }
        }
        timings.record("total", seconds: StageTimings.seconds(since: start))
        outcome.timings = timings
        return outcome
    }
}
