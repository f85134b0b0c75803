import DSCNeighbors
import DSCTensor
import Foundation

// Exact search at the machine's limit (issue 20, part 2).
//
//   DSCBench hamming [--queries 10000] [--database 1000000] [--bits 64] [--top 10] [--seed 0] [--dump PREFIX]
//   DSCBench floatsearch [--queries 10000] [--database 1000000] [--dimension 64] [--top 10] [--seed 0]
//
// `hamming` times HammingSearch on random codes; with `--dump PREFIX` it writes the codes as raw
// little-endian uint64 words, `[count, ⌈bits/64⌉]` row-major (PREFIX.queries.u64,
// PREFIX.database.u64), and PREFIX.meta.json (sizes, and the ids and distances of the first 5
// queries), which Benchmarks/peer_faiss.py reads to search the very same codes with faiss.
// `floatsearch` times ExactSearch (`.euclidean`) on random vectors and sets its GFLOP/s
// (2·Q·N·d / seconds) beside a 2048³ sgemm's in the same process.
// Both time one warm-up run, then report the median of 3.

func stringOption(_ name: String, _ args: [String]) -> String? {
    if let i = args.firstIndex(of: name), i + 1 < args.count { return args[i + 1] }
    return nil
}

/// Median seconds of `runs` timed calls after one untimed warm-up; prints each run.
func medianSeconds(_ label: String, runs: Int = 3, _ body: () -> Void) -> Double {
    let warm = seconds(body)
    var times: [Double] = []
    for _ in 0..<runs { times.append(seconds(body)) }
    print(
        "\(label) runs: warm-up \(String(format: "%.3f", warm)) s, timed \(times.map { String(format: "%.3f", $0) }.joined(separator: " / ")) s"
    )
    return times.sorted()[runs / 2]
}

/// `count` random codes of `bits` bits (unused high bits of the last word zero).
func randomCodes(count: Int, bits: Int, _ gen: inout SeededGenerator) -> BinaryCodes {
    let w = (bits + 63) / 64
    let lastMask: UInt64 = bits % 64 == 0 ? ~0 : (1 << UInt64(bits % 64)) - 1
    var storage = [UInt64](repeating: 0, count: count * w)
    for i in 0..<count {
        for u in 0..<w { storage[i * w + u] = gen.next() }
        storage[i * w + w - 1] &= lastMask
    }
    return BinaryCodes(count: count, bits: bits, storage: storage)
}

func writeWords(_ words: [UInt64], to path: String) throws {
    let le = words.map { $0.littleEndian }
    try le.withUnsafeBytes { Data($0) }.write(to: URL(fileURLWithPath: path))
}

func hammingBench(_ args: [String]) throws {
    let q = option("--queries", args, default: 10000)
    let n = option("--database", args, default: 1_000_000)
    let bits = option("--bits", args, default: 64)
    let k = option("--top", args, default: 10)
    let seed = option("--seed", args, default: 0)
    var gen = SeededGenerator(seed: UInt64(seed))
    let database = randomCodes(count: n, bits: bits, &gen)
    let queries = randomCodes(count: q, bits: bits, &gen)
    let search = HammingSearch(k: k)
    var result: (ids: [Int64], distances: [Int32]) = ([], [])
    let label = "hamming \(q) x \(n) x \(bits) bits, top \(k)"
    let t = medianSeconds(label) { result = search.search(queries, in: database) }
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let nsPerPair = t * 1e9 / (Double(q) * Double(n))
    print(
        "\(label): \(String(format: "%.3f", t)) s median of 3, \(String(format: "%.0f", Double(q) / t)) queries/s, \(String(format: "%.3f", nsPerPair)) ns per (query, code) pair (\(String(format: "%.3f", nsPerPair * Double(cores))) core-ns, \(cores) cores)"
    )
    let shown = min(5, q)
    for i in 0..<shown {
        let ids = result.ids[(i * k)..<((i + 1) * k)].map(String.init).joined(separator: " ")
        let ds = result.distances[(i * k)..<((i + 1) * k)].map(String.init).joined(separator: " ")
        print("hamming query \(i): ids \(ids) | distances \(ds)")
    }
    if let prefix = stringOption("--dump", args) {
        try writeWords(queries.storage, to: prefix + ".queries.u64")
        try writeWords(database.storage, to: prefix + ".database.u64")
        let meta: [String: Any] = [
            "queries": q, "database": n, "bits": bits, "words": database.words, "top": k, "seed": seed,
            "seconds": t, "queries_per_second": Double(q) / t,
            "ids": (0..<shown).map { i in Array(result.ids[(i * k)..<((i + 1) * k)]) },
            "distances": (0..<shown).map { i in result.distances[(i * k)..<((i + 1) * k)].map(Int.init) },
        ]
        try JSONSerialization.data(withJSONObject: meta, options: [.sortedKeys]).write(
            to: URL(fileURLWithPath: prefix + ".meta.json"))
        print("hamming codes written: \(prefix).queries.u64, \(prefix).database.u64, \(prefix).meta.json")
    }
}

func floatSearchBench(_ args: [String]) {
    let q = option("--queries", args, default: 10000)
    let n = option("--database", args, default: 1_000_000)
    let d = option("--dimension", args, default: 64)
    let k = option("--top", args, default: 10)
    var gen = SeededGenerator(seed: UInt64(option("--seed", args, default: 0)))
    let database = (0..<(n * d)).map { _ in Float(gen.nextUniform()) }
    let queries = (0..<(q * d)).map { _ in Float(gen.nextUniform()) }
    let search = ExactSearch(k: k, metric: .euclidean)
    var result: QueryResults?
    let label = "floatsearch \(q) x \(n) x \(d), euclidean, top \(k)"
    let t = medianSeconds(label) { result = search.search(queries: queries, database: database, dimension: d) }
    let gflops = 2 * Double(q) * Double(n) * Double(d) / t / 1e9
    // Spot check: query 0's top k against a direct scan of squared distances.
    var direct = (0..<n).map { j -> (Double, Int) in
        var s = 0.0
        for c in 0..<d {
            let v = Double(queries[c]) - Double(database[j * d + c])
            s += v * v
        }
        return (s, j)
    }
    direct.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
    let expected = Set(direct.prefix(k).map { Int32($0.1) })
    let agree = result!.ids[0..<k].filter { expected.contains($0) }.count
    let peak = sgemmRate()
    print(
        "\(label): \(String(format: "%.3f", t)) s median of 3, \(String(format: "%.0f", Double(q) / t)) queries/s, \(String(format: "%.1f", gflops)) GFLOP/s (2·Q·N·d / s)"
    )
    print(
        "floatsearch against sgemm 2048³ in this run: \(String(format: "%.1f", gflops)) / \(String(format: "%.1f", peak)) GFLOP/s = \(String(format: "%.3f", gflops / peak)) (OpenBLAS kernels: \(BLAS.core), \(BLAS.threads) threads)"
    )
    print("floatsearch query 0: \(agree)/\(k) of the top \(k) agree with a direct scan")
}
