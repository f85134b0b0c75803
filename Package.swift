// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "DeepSubspace",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "dsc", targets: ["dsc"]),
        .library(name: "DSCTensor", targets: ["DSCTensor"]),
        .library(name: "DSCNN", targets: ["DSCNN"]),
        .library(name: "DSCNNIO", targets: ["DSCNNIO"]),
        .library(name: "DSCNeighbors", targets: ["DSCNeighbors"]),
        .library(name: "DSCCluster", targets: ["DSCCluster"]),
        .library(name: "DSCSearch", targets: ["DSCSearch"]),
        .library(name: "DSCMetrics", targets: ["DSCMetrics"]),
        .library(name: "DSCIO", targets: ["DSCIO"]),
        .library(name: "DSCReport", targets: ["DSCReport"]),
        .library(name: "DSCDeep", targets: ["DSCDeep"]),
        .library(name: "DSCPipeline", targets: ["DSCPipeline"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
    ],
    targets: [
        // C libraries, found by pkg-config. Only DSCTensor imports CBLAS/CLAPACKE; only DSCIO imports CHDF5.
        .systemLibrary(
            name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CLAPACKE", path: "Sources/CLAPACKE", pkgConfig: "lapacke",
            providers: [.apt(["liblapacke-dev"])]),
        .systemLibrary(
            name: "CHDF5", path: "Sources/CHDF5", pkgConfig: "hdf5",
            providers: [.apt(["libhdf5-dev"])]),

        .target(name: "DSCTensor", dependencies: ["CBLAS", "CLAPACKE", "COpenBLASCore"]),
        // Names OpenBLAS's kernels from the CPU's features before OpenBLAS loads, where the
        // environment does not (Debian's OpenBLAS falls back to SSE3 kernels on CPUs it does not know).
        .target(name: "COpenBLASCore"),
        .target(name: "DSCNN", dependencies: ["DSCTensor"]),
        // Where the layers meet HDF5: checkpoints and HDF5 sample sources.
        .target(name: "DSCNNIO", dependencies: ["DSCTensor", "DSCNN", "DSCIO"]),
        .target(name: "DSCMetrics"),
        // Exact top-k search by sgemm over row blocks: within one set and of queries against a database.
        .target(name: "DSCNeighbors", dependencies: ["DSCTensor", "CKernels"]),
        // Small C kernels the Swift compiler cannot express for the baseline CPU (popcnt).
        .target(name: "CKernels"),
        .target(name: "DSCCluster", dependencies: ["DSCTensor", "DSCNeighbors"]),
        // Search indexes (flat, LSH, ITQ, LDPH, CIE), their encoders and files.
        .target(name: "DSCSearch", dependencies: ["DSCTensor", "DSCNN", "DSCNeighbors", "DSCIO"]),
        .target(name: "DSCIO", dependencies: ["CHDF5"]),
        // Deep subspace clustering: contrastive encoder, energy network, training, streamed coding.
        .target(name: "DSCDeep", dependencies: ["DSCTensor", "DSCNN", "DSCNNIO", "DSCCluster"]),
        .target(name: "DSCReport"),
        // The library behind the CLI: a run from an HDF5 file to labels, a result file and a report.
        .target(
            name: "DSCPipeline",
            dependencies: [
                "DSCTensor", "DSCNN", "DSCNNIO", "DSCNeighbors", "DSCSearch", "DSCDeep", "DSCCluster", "DSCMetrics",
                "DSCIO", "DSCReport",
            ]),
        .executableTarget(
            name: "dsc",
            dependencies: [
                "DSCPipeline", "DSCSearch", "DSCDeep", "DSCCluster", "DSCMetrics", "DSCIO", "DSCReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // Built by `make bench`. (The experiments behind notebooks-md are a package of their own,
        // Experiments/Package.swift, so that `make test` does not build them.)
        .executableTarget(
            name: "DSCBench",
            dependencies: [
                "DSCTensor", "DSCNN", "DSCNeighbors", "DSCCluster", "DSCMetrics", "DSCIO", "DSCPipeline",
                "DSCSynthetic",
            ], path: "Benchmarks/DSCBench"),

        // Shared by the tests (and, for the synthetic data, the benchmarks); not library products.
        .target(name: "DSCTestSupport", dependencies: ["DSCTensor"], path: "Tests/DSCTestSupport"),
        .target(name: "DSCSynthetic", dependencies: ["DSCCluster", "DSCTensor"], path: "Tests/DSCSynthetic"),

        .testTarget(
            name: "DSCSearchTests", dependencies: ["DSCSearch", "DSCNeighbors", "DSCTensor", "DSCIO", "DSCTestSupport"]),
        .testTarget(
            name: "DSCTensorTests", dependencies: ["DSCTensor", "DSCTestSupport"], exclude: ["golden_torch.py"]),
        .testTarget(name: "DSCNNTests", dependencies: ["DSCNN", "DSCNNIO", "DSCTensor", "DSCIO", "DSCTestSupport"]),
        .testTarget(
            name: "DSCMetricsTests", dependencies: ["DSCMetrics", "DSCTestSupport"], exclude: ["make_golden.py"]),
        .testTarget(name: "DSCNeighborsTests", dependencies: ["DSCNeighbors", "DSCTensor"]),
        .testTarget(
            name: "DSCClusterTests",
            dependencies: ["DSCCluster", "DSCNeighbors", "DSCTensor", "DSCMetrics", "DSCSynthetic"]),
        .testTarget(name: "DSCIOTests", dependencies: ["DSCIO", "DSCTestSupport"]),
        .testTarget(
            name: "DSCDeepTests",
            dependencies: [
                "DSCDeep", "DSCNN", "DSCNNIO", "DSCTensor", "DSCCluster", "DSCMetrics", "DSCIO",
                "DSCTestSupport",
            ]),
        .testTarget(name: "DSCReportTests", dependencies: ["DSCReport"]),
        .testTarget(
            name: "DSCPipelineTests",
            dependencies: ["DSCPipeline", "DSCIO", "DSCMetrics", "DSCTestSupport", "DSCSearch"]),
        .testTarget(name: "dscTests", dependencies: ["dsc", "DSCTestSupport"], exclude: ["Golden"]),
    ],
    swiftLanguageModes: [.v5]
)
