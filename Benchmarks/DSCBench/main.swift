import DSCCluster
import DSCIO
import DSCMetrics
import DSCPipeline
// DeepSubspace benchmarks: speed and memory figures, run by `make bench` (never by `make test`).
//
//   DSCBench digits [--seeds 5]             spectral on digits: ACC/NMI/ARI mean ± std over seeds, time
//   DSCBench cluster FILE K [--seeds 1]     spectral end to end on FILE (e.g. datasets/mnist.h5)
//   DSCBench knn FILE [--rows N]            kNN graph alone: seconds and sustained sgemm GFLOPS
//   DSCBench eigen NODES [--neighbors 10]   10 eigenvectors of a synthetic kNN-like graph
//   DSCBench sgemm                          this machine's sgemm peak (reference for GFLOPS figures)
//   DSCBench hamming [--queries Q] ...      exact Hamming search, timed (SearchBench.swift; --dump for faiss)
//   DSCBench floatsearch [--queries Q] ...  exact float search, GFLOP/s beside sgemm's (SearchBench.swift)
//
// Each prints lines `name: value` that bench/run.sh collects; peak memory is VmHWM of this process.
import DSCSynthetic
import DSCTensor
import Foundation

func peakMemoryMiB() -> Double { ProcessMemory.peakBytes.map { Double($0) / 1_048_576 } ?? .nan }

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}

func meanStd(_ xs: [Double]) -> String {
    let m = xs.reduce(0, +) / Double(xs.count)
    let v = xs.count > 1 ? xs.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(xs.count - 1) : 0
    return String(format: "%.4f ± %.4f", m, v.squareRoot())
}

func option(_ name: String, _ args: [String], default value: Int) -> Int {
    if let i = args.firstIndex(of: name), i + 1 < args.count, let v = Int(args[i + 1]) { return v }
    return value
}

func clusterBench(_ path: String, clusters: Int, seeds: Int, label: String) throws {
    var accs: [Double] = []
    var nmis: [Double] = []
    var aris: [Double] = []
    var times: [Double] = []
    for seed in 0..<seeds {
        var job = ClusterJob(input: path, clusters: clusters, method: .spectral)
        job.seed = UInt64(seed)
        let outcome = try job.run()
        guard let m = outcome.metrics else {
            print("\(label): no labels in \(path)")
            return
        }
        accs.append(m.acc)
        nmis.append(m.nmi)
        aris.append(m.ari)
        times.append(outcome.timings["total"] ?? 0)
        let stages = outcome.timings.stages.map { "\($0.name)=\(String(format: "%.2f", $0.seconds))" }.joined(
            separator: " ")
        print(
            "\(label) seed \(seed): ACC \(String(format: "%.4f", m.acc)) NMI \(String(format: "%.4f", m.nmi)) ARI \(String(format: "%.4f", m.ari)) | \(stages) | graph \(String(format: "%.1f", outcome.graphGFLOPS ?? 0)) GFLOPS | eigen \(outcome.eigenSolver ?? "-")"
        )
    }
    print("\(label) ACC: \(meanStd(accs))")
    print("\(label) NMI: \(meanStd(nmis))")
    print("\(label) ARI: \(meanStd(aris))")
    print("\(label) seconds: \(meanStd(times))")
    print("\(label) peak memory MiB: \(String(format: "%.0f", peakMemoryMiB()))")
}

func knnBench(_ path: String, rows: Int?) throws {
    let source = try HDF5RowSource(path: path, dataset: "features")
    let n = min(rows ?? source.rowCount, source.rowCount)
    var data = [Float](repeating: 0, count: n * source.dimension)
    try data.withUnsafeMutableBufferPointer { try source.readRows(0..<n, into: $0.baseAddress!) }
    let rowsSource = ArraySamples(values: data, shape: [n, source.dimension])
    let graph = KNNGraph(neighbors: 10)
    var result: KNNGraphResult?
    let t = try seconds { result = try graph.build(rowsSource) }
    print(
        "knn \(n)x\(source.dimension): \(String(format: "%.2f", t)) s, sgemm \(String(format: "%.1f", result!.stats.gflops)) GFLOPS (gemm \(String(format: "%.2f", result!.stats.gemmSeconds)) s, scan \(String(format: "%.2f", result!.stats.scanSeconds)) s)"
    )
    print("knn peak memory MiB: \(String(format: "%.0f", peakMemoryMiB()))")
}

func eigenBench(nodes: Int, neighbors: Int) throws {
    var graph: SparseMatrix?
    let tg = seconds {
        graph = SyntheticGraphs.syntheticKNNGraph(nodes: nodes, neighbors: neighbors, clusters: 10, seed: 0)
    }
    var pairs: LaplacianEigenpairs?
    let te = try seconds {
        pairs = try Eigensolver.laplacianEigenpairs(affinity: graph!, count: 10, solver: .lanczos, seed: 0)
    }
    let worst = pairs!.residuals.max() ?? .nan
    print(
        "eigen \(nodes) nodes (\(graph!.nonzeroCount) nnz): graph \(String(format: "%.2f", tg)) s, 10 eigenvectors \(String(format: "%.2f", te)) s, \(pairs!.matrixVectorProducts) matvecs, max residual \(String(format: "%.1e", worst))"
    )
    print("eigen \(nodes) peak memory MiB: \(String(format: "%.0f", peakMemoryMiB()))")
}

/// GFLOP/s of a 2048³ sgemm: 5 products after one warm-up.
func sgemmRate() -> Double {
    let n = 2048
    var gen = SeededGenerator(seed: 1)
    let a = (0..<(n * n)).map { _ in Float(gen.nextUniform()) }
    var c = [Float](repeating: 0, count: n * n)
    BLAS.sgemm(m: n, n: n, k: n, a: a, lda: n, b: a, ldb: n, c: &c, ldc: n)
    let reps = 5
    let t = seconds { for _ in 0..<reps { BLAS.sgemm(m: n, n: n, k: n, a: a, lda: n, b: a, ldb: n, c: &c, ldc: n) } }
    return 2 * Double(n * n * n) * Double(reps) / t / 1e9
}

func sgemmPeak() {
    let rate = sgemmRate()
    print("sgemm peak (2048³, \(BLAS.threads) threads): \(String(format: "%.1f", rate)) GFLOPS")
    let pinned =
        ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"].map { " (OPENBLAS_CORETYPE=\($0))" }
        ?? " (OpenBLAS's choice for this CPU)"
    print("OpenBLAS kernels: \(BLAS.core)\(pinned)")
}

let args = Array(CommandLine.arguments.dropFirst())
do {
    switch args.first {
    case "digits":
        try clusterBench(
            "datasets/digits.h5", clusters: 10, seeds: option("--seeds", args, default: 5), label: "digits spectral")
    case "cluster" where args.count >= 3:
        try clusterBench(
            args[1], clusters: Int(args[2]) ?? 10, seeds: option("--seeds", args, default: 1),
            label: (args[1] as NSString).lastPathComponent + " spectral")
    case "knn" where args.count >= 2:
        try knnBench(args[1], rows: args.contains("--rows") ? option("--rows", args, default: 0) : nil)
    case "eigen" where args.count >= 2:
        try eigenBench(nodes: Int(args[1]) ?? 70000, neighbors: option("--neighbors", args, default: 10))
    case "sgemm":
        sgemmPeak()
    case "trainstep": trainStepBench(args)
    case "conv": convBench(args)
    case "hamming": try hammingBench(args)
    case "floatsearch": floatSearchBench(args)
    default:
        print(
            "usage: DSCBench digits|cluster FILE K|knn FILE|eigen NODES|sgemm|trainstep|conv|hamming|floatsearch  (see Benchmarks/run.sh)"
        )
        exit(64)
    }
} catch {
    print("bench error: \((error as? LocalizedError)?.errorDescription ?? "\(error)")")
    exit(1)
}
