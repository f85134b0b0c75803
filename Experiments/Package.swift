// swift-tools-version:6.1
// The experiments behind notebooks-md, a package of their own so that `make test` does not build
// them: `swift build -c release --package-path Experiments --product EBSCProbe`.
import PackageDescription

let package = Package(
    name: "DeepSubspaceExperiments",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "DeepSubspace", path: "..")],
    targets: [
        .executableTarget(
            name: "EBSCProbe",
            dependencies: [
                .product(name: "DSCDeep", package: "DeepSubspace"),
                .product(name: "DSCCluster", package: "DeepSubspace"),
                .product(name: "DSCMetrics", package: "DeepSubspace"), .product(name: "DSCIO", package: "DeepSubspace"),
                .product(name: "DSCNN", package: "DeepSubspace"), .product(name: "DSCNNIO", package: "DeepSubspace"),
                .product(name: "DSCTensor", package: "DeepSubspace"),
            ], path: "EBSCProbe"),
        .executableTarget(
            name: "SupervisedMNIST",
            dependencies: [
                .product(name: "DSCTensor", package: "DeepSubspace"), .product(name: "DSCNN", package: "DeepSubspace"),
                .product(name: "DSCIO", package: "DeepSubspace"), .product(name: "DSCNNIO", package: "DeepSubspace"),
            ], path: "SupervisedMNIST"),
    ],
    swiftLanguageModes: [.v5]
)
