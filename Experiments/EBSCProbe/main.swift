// Why does a trained EBSC model cluster badly? Embeds the first N samples of a file with a model
// in evaluation mode and in training mode (batch statistics, no LDFR fusion), and clusters each
// embedding with spectral clustering on its kNN graph and with the model's energy coding (as
// trained, and refined on the frozen embeddings).
//
//   EBSCProbe MODEL.h5 DATA.h5 DATASET [N]      e.g. EBSCProbe mnist-cnn.h5 datasets/mnist.h5 images 10000
//   EBSCProbe MODEL.h5 DATA.h5 DATASET N --export OUT.h5
//       writes, for the first N samples in evaluation mode, the CNN backbone's pooled features
//       (`backbone`, before the projection head) and the embeddings (`z`), with `labels`, so that
//       `dsc cluster OUT.h5 --features-dataset backbone|z --method spectral` and
//       notebooks-md/graph_purity.py can compare the two representations' neighbourhoods.
import DSCCluster
import DSCDeep
import DSCIO
import DSCMetrics
import DSCNN
import DSCNNIO
import DSCTensor
import Foundation

let args = CommandLine.arguments
guard args.count >= 4 else {
    print("usage: EBSCProbe MODEL.h5 DATA.h5 DATASET [N]")
    exit(64)
}
let model = try EBSCModel.load(args[1])
let file = try HDF5Samples(path: args[2], dataset: args[3], labels: "labels")
let all = model.standardized(file)
let n = min(args.count > 4 ? Int(args[4])! : 10_000, all.count)
var values = [Float](repeating: 0, count: n * all.sampleSize)
try values.withUnsafeMutableBufferPointer { try all.read(Array(0..<n), into: $0) }
let truth = Array(all.labels![0..<n])

if args.count > 6, args[5] == "--export" {
    model.eval()
    var h: [Float] = []
    var z: [Float] = []
    for start in stride(from: 0, to: n, by: 500) {
        let rows = min(500, n - start)
        let x = Tensor(
            Array(values[(start * all.sampleSize)..<((start + rows) * all.sampleSize)]),
            shape: [rows] + all.sampleShape)
        Tensor.withNoGrad {
            if let backbone = model.encoder.backbone { h += backbone.features(x).data }
            z += model.encoder(x).data
        }
    }
    try HDF5Writer.writeFile(args[6]) { out in
        if !h.isEmpty { try out.write(h, shape: [n, h.count / n], to: "backbone") }
        try out.write(z, shape: [n, z.count / n], to: "z")
        try out.write(truth, to: "labels")
    }
    print("wrote \(args[6]): backbone \(h.count / n) and z \(z.count / n) columns for \(n) samples")
    exit(0)
}

func embed(training: Bool) -> [Float] {
    model.train(training)
    var z: [Float] = []
    for start in stride(from: 0, to: n, by: 500) {
        let rows = min(500, n - start)
        let x = Tensor(
            Array(values[(start * all.sampleSize)..<((start + rows) * all.sampleSize)]),
            shape: [rows] + all.sampleShape)
        z += Tensor.withNoGrad { model.encoder(x) }.data
    }
    model.eval()
    return z
}

/// Energy coding of `z` (top `keep` per row) and spectral clustering of `(|C| + |C|ᵀ)/2`.
func codedACC(queries: [Float], keys: [Float], width h: Int, threshold: Float, keep: Int) throws -> ClusteringMetrics {
    let c = EnergyCoding(keep: keep, threshold: threshold, scale: 1)
        .coefficients(queries: queries, keys: keys, dimension: h, selfExcluded: true).matrix
    let r = try SelfExpressiveClustering(clusters: 10, spectral: SpectralSettings(kmeansRestarts: 100), seed: 0).fit(
        coefficients: c)
    return ClusteringMetrics(truth: truth, predicted: r.labels)
}

let zEval = embed(training: false)
let width = zEval.count / n
let (q, k) = Tensor.withNoGrad { () -> ([Float], [Float]) in
    let z = Tensor(zEval, shape: [n, width])
    return (model.energy.queries(z).data, model.energy.keys(z).data)
}
for keep in [5, 10] {
    let cosine = try codedACC(queries: zEval, keys: zEval, width: width, threshold: 0, keep: keep)
    let learnt = try codedACC(queries: q, keys: k, width: width, threshold: model.energy.currentThreshold, keep: keep)
    print(
        String(
            format: "keep %d: coding by the cosine of z: ACC %.4f NMI %.4f; by the learnt energy: ACC %.4f NMI %.4f",
            keep, cosine.acc, cosine.nmi, learnt.acc, learnt.nmi))
}
// The learnt energy refined on these frozen evaluation-mode embeddings (EnergyRefinement, as
// `dsc cluster` does before coding), for several step counts.
for steps in [100, 400] {
    var refinement = EnergyRefinement(model.configuration, kind: model.kind)
    refinement.steps = steps
    let energy = model.energy.copy()
    refinement.fit(energy, embeddings: zEval, count: n)
    let (rq, rk) = Tensor.withNoGrad { () -> ([Float], [Float]) in
        let z = Tensor(zEval, shape: [n, width])
        return (energy.queries(z).data, energy.keys(z).data)
    }
    for keep in [5, 10] {
        let m = try codedACC(queries: rq, keys: rk, width: width, threshold: energy.currentThreshold, keep: keep)
        print(
            String(
                format: "keep %d: coding by the energy refined %d steps on z: ACC %.4f NMI %.4f", keep, steps, m.acc,
                m.nmi))
    }
}

/// Share of the 10 nearest neighbours (cosine) that carry the sample's own label: how well the
/// representation separates the classes before any clustering (a diagnostic that reads labels).
func neighbourPurity(_ rows: [Float], dimension d: Int) throws -> Double {
    let (lists, _) = try KNNGraph(neighbors: 10).nearestNeighbors(ArraySamples(values: rows, shape: [n, d]))
    var same = 0
    for i in 0..<n { for j in lists.neighbors(of: i) where truth[Int(j)] == truth[i] { same += 1 } }
    return Double(same) / Double(n * 10)
}

for training in [false, true] {
    let z = embed(training: training)
    let d = z.count / n
    print(
        String(
            format: "%@ mode: 10-NN label purity of z %.4f", training ? "training" : "evaluation",
            try neighbourPurity(z, dimension: d)))
    var sc = SpectralClustering(clusters: 10)
    sc.seed = 0
    let knn = try sc.fit(ArraySamples(values: z, shape: [n, d]))
    let m = ClusteringMetrics(truth: truth, predicted: knn.labels)
    print(
        String(
            format: "%@ mode: spectral on kNN(z): ACC %.4f NMI %.4f", training ? "training" : "evaluation", m.acc, m.nmi
        ))
}
// Evaluation mode after re-estimating batch norm and LDFR's fused subspace on clean images.
let buffers = try model.recalibrate(on: all, batches: 50)
let zCal = embed(training: false)
model.restoreBuffers(buffers)
var scCal = SpectralClustering(clusters: 10)
scCal.seed = 0
let cal = ClusteringMetrics(
    truth: truth, predicted: try scCal.fit(ArraySamples(values: zCal, shape: [n, width])).labels)
print(
    String(
        format:
            "evaluation mode after recalibration on 50 clean batches: 10-NN label purity of z %.4f; spectral on kNN(z): ACC %.4f NMI %.4f",
        try neighbourPurity(zCal, dimension: width), cal.acc, cal.nmi))
let raw = try SpectralClustering(clusters: 10).fit(ArraySamples(values: values, shape: [n, all.sampleSize]))
let mr = ClusteringMetrics(truth: truth, predicted: raw.labels)
print(String(format: "raw standardised samples: spectral on kNN: ACC %.4f NMI %.4f", mr.acc, mr.nmi))
print(
    String(
        format: "raw standardised samples: 10-NN label purity %.4f",
        try neighbourPurity(values, dimension: all.sampleSize)))
