import Foundation

/// Everything a clustering report shows, as plain precomputed values.
///
/// DSCReport computes nothing about the clustering itself: the caller (the `dsc` tool, a notebook)
/// measures metrics, reorders the confusion matrix and times the stages, then hands the numbers
/// here. Every optional piece may be absent; its section is then left out of all three outputs
/// (no labels → no metrics and no confusion matrix).
///
/// The type is `Codable`, so a run can be saved and its report re-rendered later.
public struct ReportInput: Codable, Equatable, Sendable {
    /// One named score, e.g. `acc`, `nmi`, `nmi_geometric`, `ari`, `ami`. Names are used verbatim as
    /// keys of `metrics.json`; the well-known ones get a friendlier label in the HTML and Markdown.
    public struct Metric: Codable, Equatable, Sendable {
        public var name: String
        public var value: Double
        public init(_ name: String, _ value: Double) {
            self.name = name
            self.value = value
        }
    }

    /// Wall-clock time of one pipeline stage. A stage named `total` (any case) is taken as the
    /// run's total; without one, the total is the sum of the stages.
    public struct StageTiming: Codable, Equatable, Sendable {
        public var stage: String
        public var seconds: Double
        public init(_ stage: String, _ seconds: Double) {
            self.stage = stage
            self.seconds = seconds
        }
    }

    /// A free-form `key = value` line (parameters, library versions).
    public struct Setting: Codable, Equatable, Sendable {
        public var key: String
        public var value: String
        public init(_ key: String, _ value: String) {
            self.key = key
            self.value = value
        }
    }

    /// Contingency counts `[classes, clusters]`: rows are true classes, columns predicted clusters,
    /// **already reordered** by the caller (Hungarian matching), so matched pairs lie on the
    /// diagonal. Rectangular shapes (more clusters than classes, or fewer) are allowed.
    public struct ConfusionMatrix: Codable, Equatable, Sendable {
        /// `counts[i][j]` = number of samples of class `i` put in cluster `j`; all rows equally long.
        public var counts: [[Int]]
        /// One name per row; defaults to `"0"`, `"1"`, ….
        public var classNames: [String]
        /// One name per column; defaults to `"0"`, `"1"`, ….
        public var clusterNames: [String]

        /// Wraps a counts table; a `precondition` checks that rows are equally long and that the
        /// names, when given, match the shape.
        public init(counts: [[Int]], classNames: [String]? = nil, clusterNames: [String]? = nil) {
            let columns = counts.first?.count ?? 0
            for (i, row) in counts.enumerated() {
                precondition(
                    row.count == columns,
                    "ConfusionMatrix: row \(i) has \(row.count) entries, row 0 has \(columns)")
            }
            let rowNames = classNames ?? counts.indices.map(String.init)
            let columnNames = clusterNames ?? (0..<columns).map(String.init)
            precondition(
                rowNames.count == counts.count,
                "ConfusionMatrix: classNames.count=\(rowNames.count) != rows=\(counts.count)")
            precondition(
                columnNames.count == columns,
                "ConfusionMatrix: clusterNames.count=\(columnNames.count) != columns=\(columns)")
            self.counts = counts
            self.classNames = rowNames
            self.clusterNames = columnNames
        }

        /// Decodes a table and checks the same shape rules as ``init(counts:classNames:clusterNames:)``,
        /// throwing `DecodingError.dataCorrupted` (not trapping) when they fail.
        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let counts = try c.decode([[Int]].self, forKey: .counts)
            let rowNames = try c.decode([String].self, forKey: .classNames)
            let columnNames = try c.decode([String].self, forKey: .clusterNames)
            let columns = counts.first?.count ?? 0
            guard counts.allSatisfy({ $0.count == columns }), rowNames.count == counts.count,
                columnNames.count == columns
            else {
                throw DecodingError.dataCorrupted(
                    .init(
                        codingPath: decoder.codingPath,
                        debugDescription:
                            "confusion matrix: rows of \(Set(counts.map(\.count)).sorted()) entries, "
                            + "\(rowNames.count) class names for \(counts.count) rows, "
                            + "\(columnNames.count) cluster names for \(columns) columns"))
            }
            self.counts = counts
            self.classNames = rowNames
            self.clusterNames = columnNames
        }

        /// Number of true classes (rows).
        public var classCount: Int { counts.count }
        /// Number of predicted clusters (columns).
        public var clusterCount: Int { counts.first?.count ?? 0 }
    }

    /// Heading of the report, e.g. `"digits.h5 — spectral"`. Any text; it is escaped on output.
    public var title: String
    /// Clustering method, e.g. `"ebsc"`, `"spectral"`.
    public var method: String
    /// Number of samples N.
    public var samples: Int
    /// Number of clusters K asked for.
    public var clusters: Int
    /// Scores in display order; `nil` when no ground-truth labels are known.
    public var metrics: [Metric]?
    /// Reordered contingency table; `nil` when no ground-truth labels are known.
    public var confusion: ConfusionMatrix?
    /// Size of each predicted cluster, indexed by cluster id as in the output labels.
    public var clusterSizes: [Int]
    /// The smallest eigenvalues of the normalised Laplacian, ascending. The gap between
    /// `eigenvalues[clusters-1]` and `eigenvalues[clusters]` is the eigengap marked in the plot.
    public var eigenvalues: [Double]?
    /// Stage timings in pipeline order.
    public var timings: [StageTiming]
    /// Peak resident memory of the run, in bytes, when measured.
    public var peakMemoryBytes: Int?
    /// The seed that drove every random choice.
    public var seed: UInt64
    /// Method parameters in display order (`neighbors = 10`, …).
    public var parameters: [Setting]
    /// Versions of the tool and its libraries (`dsc = 0.1.0`, `openblas = 0.3.26`, …).
    public var versions: [Setting]
    /// Things the reader should know (non-convergence, empty clusters, …), one sentence each.
    public var warnings: [String]

    public init(
        title: String, method: String, samples: Int, clusters: Int,
        metrics: [Metric]? = nil, confusion: ConfusionMatrix? = nil,
        clusterSizes: [Int] = [], eigenvalues: [Double]? = nil,
        timings: [StageTiming] = [], peakMemoryBytes: Int? = nil, seed: UInt64 = 0,
        parameters: [Setting] = [], versions: [Setting] = [], warnings: [String] = []
    ) {
        self.title = title
        self.method = method
        self.samples = samples
        self.clusters = clusters
        self.metrics = metrics
        self.confusion = confusion
        self.clusterSizes = clusterSizes
        self.eigenvalues = eigenvalues
        self.timings = timings
        self.peakMemoryBytes = peakMemoryBytes
        self.seed = seed
        self.parameters = parameters
        self.versions = versions
        self.warnings = warnings
    }
}

extension ReportInput {
    /// The run's total time: the stage named `total` (case-insensitive) if present, otherwise the
    /// sum of all stages; 0 without timings.
    var totalSeconds: Double {
        if let total = timings.last(where: { $0.stage.lowercased() == "total" }) { return total.seconds }
        return timings.reduce(0) { $0 + $1.seconds }
    }

    /// The timings without the `total` entry, in order.
    var stageTimings: [StageTiming] { timings.filter { $0.stage.lowercased() != "total" } }

    /// 1-based position k of the marked eigengap (between λ_k and λ_{k+1}), when there are enough
    /// eigenvalues to show it.
    var markedEigengap: Int? {
        guard let values = eigenvalues, clusters >= 1, values.count > clusters else { return nil }
        return clusters
    }

    /// 1-based k maximising λ_{k+1} − λ_k over the finite eigenvalues, or nil with fewer than two.
    var largestEigengap: Int? {
        guard let values = eigenvalues, values.count >= 2 else { return nil }
        var best: (k: Int, gap: Double)? = nil
        for i in 0..<(values.count - 1) {
            let gap = values[i + 1] - values[i]
            guard gap.isFinite else { continue }
            if best == nil || gap > best!.gap { best = (i + 1, gap) }
        }
        return best?.k
    }
}
