import DSCMetrics
import DSCReport
import Foundation

/// Version of the toolkit, written into result files and reports.
public let deepSubspaceVersion = "0.1.0"

/// Turns a clustering run (fresh, or read back from a result file) into a report's input.
public enum ReportBuilder {
    /// The report of `outcome`; `truth` (if any) gives the metrics and the confusion matrix,
    /// whose rows and columns are put in Hungarian-matched order so that matches lie on the diagonal.
    public static func input(for outcome: ClusterOutcome, peakMemoryBytes: Int? = nil) -> ReportInput {
        let name = (outcome.input as NSString).lastPathComponent
        var report = ReportInput(
            title: "\(name) — \(outcome.method.rawValue)", method: outcome.method.rawValue,
            samples: outcome.samples, clusters: outcome.clusters)
        report.clusterSizes = outcome.clusterSizes
        report.eigenvalues = outcome.eigenvalues
        report.timings = outcome.timings.stages.map { ReportInput.StageTiming($0.name, $0.seconds) }
        report.peakMemoryBytes = peakMemoryBytes
        report.seed = outcome.seed
        report.parameters = outcome.parameters.map { ReportInput.Setting($0.0, $0.1) }
        if let gflops = outcome.graphGFLOPS {
            report.parameters.append(.init("graph_gflops", String(format: "%.1f", gflops)))
        }
        if let solver = outcome.eigenSolver { report.parameters.append(.init("eigen_solver_used", solver)) }
        if let residuals = outcome.eigenResiduals, let worst = residuals.max() {
            report.parameters.append(.init("max_eigen_residual", String(format: "%.2e", worst)))
        }
        report.versions = versions()
        report.warnings = outcome.warnings
        if let truth = outcome.truth, truth.count == outcome.labels.count {
            let table = ContingencyTable(truth: truth, predicted: outcome.labels)
            let m = ClusteringMetrics(table)
            report.metrics = [
                .init("acc", m.acc), .init("nmi", m.nmi), .init("nmi_geometric", m.nmiGeometric),
                .init("ari", m.ari), .init("ami", m.ami),
            ]
            let matching = Metrics.accuracyMatching(table)
            report.confusion = .init(
                counts: matching.reorderedCounts,
                classNames: matching.reorderedClasses.map(String.init),
                clusterNames: matching.reorderedClusters.map(String.init))
        }
        if let p = outcome.prediction {
            report.parameters.append(.init("predicted_samples", String(p.labels.count)))
            if let m = p.metrics {
                report.metrics =
                    (report.metrics ?? []) + [
                        .init("predicted_acc", m.acc), .init("predicted_nmi", m.nmi), .init("predicted_ari", m.ari),
                    ]
            }
        }
        return report
    }

    /// Versions of the toolkit and the platform, for the report's footer.
    public static func versions() -> [ReportInput.Setting] {
        var v: [ReportInput.Setting] = [.init("deepsubspace", deepSubspaceVersion)]
        #if compiler(>=6.3)
            v.append(.init("swift compiler", "≥ 6.3"))
        #elseif compiler(>=6.1)
            v.append(.init("swift compiler", "6.1–6.2"))
        #else
            v.append(.init("swift compiler", "< 6.1"))
        #endif
        v.append(.init("os", ProcessInfo.processInfo.operatingSystemVersionString))
        v.append(.init("cores", String(ProcessInfo.processInfo.activeProcessorCount)))
        return v
    }
}
