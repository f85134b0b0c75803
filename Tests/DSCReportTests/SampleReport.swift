import DSCReport
import Foundation

/// Hand-made report inputs shaped like real runs, for the tests and for looking at the output.
///
/// To render the sample into a folder you can open in a browser:
/// `DSC_REPORT_SAMPLE_DIR=/tmp/report-sample swift test --filter DSCReportTests.ReportWriterTests/testWritesSampleReport`
enum SampleReport {
    /// A spectral clustering run on the 1,797-sample digits set: 10 classes, 1,644 samples on the
    /// diagonal (ACC 0.9149), some 1↔8 and 3↔9 confusion, a clear eigengap after λ10, one warning.
    static func digits(title: String = "digits.h5 — spectral") -> ReportInput {
        let counts = [
            [176, 0, 0, 0, 1, 0, 1, 0, 0, 0],
            [0, 150, 3, 0, 0, 1, 2, 0, 24, 2],
            [1, 5, 161, 3, 0, 0, 0, 2, 5, 0],
            [0, 0, 2, 160, 0, 3, 0, 4, 4, 10],
            [0, 2, 0, 0, 172, 0, 0, 5, 2, 0],
            [0, 0, 0, 2, 1, 170, 1, 0, 0, 8],
            [1, 1, 0, 0, 0, 1, 178, 0, 0, 0],
            [0, 0, 0, 0, 1, 1, 0, 175, 2, 0],
            [0, 19, 1, 2, 0, 3, 1, 1, 145, 2],
            [0, 1, 0, 13, 0, 4, 0, 2, 3, 157],
        ]
        let clusterIDs = [3, 7, 0, 9, 1, 5, 2, 8, 4, 6]
        var sizes = [Int](repeating: 0, count: 10)
        for (j, id) in clusterIDs.enumerated() { sizes[id] = counts.reduce(0) { $0 + $1[j] } }
        let eigen = [
            0, 0.0021, 0.0047, 0.0069, 0.0113, 0.0158, 0.0197, 0.0245, 0.0302, 0.0361,
            0.2113, 0.2378, 0.2502, 0.2861, 0.3034, 0.3342,
        ]
        return ReportInput(
            title: title, method: "spectral", samples: 1797, clusters: 10,
            metrics: [
                .init("acc", 0.9149), .init("nmi", 0.8573), .init("nmi_geometric", 0.8581),
                .init("ari", 0.8247), .init("ami", 0.8559),
            ],
            confusion: .init(
                counts: counts, classNames: (0..<10).map { "digit \($0)" },
                clusterNames: clusterIDs.map { "c\($0)" }),
            clusterSizes: sizes, eigenvalues: eigen,
            timings: [
                .init("read", 0.0182), .init("graph", 0.1124), .init("eigen", 0.0241),
                .init("kmeans", 0.0131), .init("total", 0.1702),
            ],
            peakMemoryBytes: 187_432_960, seed: 0,
            parameters: [
                .init("neighbors", "10"), .init("affinity", "knn (mutual, symmetric)"),
                .init("kmeans restarts", "10"),
            ],
            versions: [.init("dsc", "0.1.0"), .init("swift", "6.3.1"), .init("openblas", "0.3.26")],
            warnings: ["k-means restart 4 of 10 reached the iteration limit (300) before converging."])
    }

    /// A run on unlabelled data: no metrics, no confusion matrix, an empty cluster, no eigenvalues.
    static func unlabelled() -> ReportInput {
        ReportInput(
            title: "features.h5 — ebsc", method: "ebsc", samples: 5000, clusters: 4,
            clusterSizes: [2100, 1650, 1250, 0],
            timings: [.init("train", 41.2), .init("affinity", 3.9), .init("spectral", 0.6)],
            seed: 7, parameters: [.init("dictionary", "4096")],
            warnings: ["cluster 3 is empty"])
    }

    /// A larger run (40 classes with long names, 48 clusters, 60 eigenvalues, gap after λ48) to check that the
    /// charts thin out their labels and stay legible. Counts follow a fixed arithmetic pattern.
    static func manyClusters() -> ReportInput {
        let classes = 40
        let clusters = 48
        var counts = [[Int]](repeating: [Int](repeating: 0, count: clusters), count: classes)
        for i in 0..<classes {
            for j in 0..<clusters {
                let diagonal: Int = 120 + (i * 37) % 60
                let stray: Int = (i * 7 + j * 3) % 11 == 0 ? 9 : 0
                counts[i][j] = i == j ? diagonal : stray
            }
        }
        var sizes = [Int](repeating: 0, count: clusters)
        for row in counts { for j in 0..<clusters { sizes[j] += row[j] } }
        var eigen: [Double] = []
        for k in 0..<48 { eigen.append(0.002 * Double(k)) }
        for k in 0..<12 { eigen.append(0.35 + 0.01 * Double(k)) }
        let classNames: [String] = (0..<classes).map { "object-\($0)-rotating" }
        let clusterNames: [String] = (0..<clusters).map { "cluster \($0)" }
        let metrics: [ReportInput.Metric] = [.init("acc", 0.781), .init("nmi", 0.8822), .init("ari", 0.6971)]
        let timings: [ReportInput.StageTiming] = [
            .init("contrastive pre-training of the encoder", 812.4), .init("affinity (streamed)", 23.1),
            .init("lanczos", 1.9), .init("kmeans", 0.3),
        ]
        return ReportInput(
            title: "coil-100 subset (40 objects, 72 poses each, greyscale 32×32) — ebsc", method: "ebsc",
            samples: sizes.reduce(0, +), clusters: clusters, metrics: metrics,
            confusion: ReportInput.ConfusionMatrix(counts: counts, classNames: classNames, clusterNames: clusterNames),
            clusterSizes: sizes, eigenvalues: eigen, timings: timings, peakMemoryBytes: 6_442_450_944, seed: 12)
    }
}
