import DSCTestSupport
import XCTest

@testable import DSCTensor

/// Golden forward and backward values from PyTorch (torch 1.13.0a0, CPU, float32), produced by
/// `Tests/DSCTensorTests/golden_torch.py` (run with `/usr/bin/python3`). Inputs are rebuilt here
/// from the same formula, `wave(shape, a, b)[i] = sin(a·i + b)` evaluated in Double and rounded to
/// Float; every backward pass is of `loss = Σ y ⊙ r` with `r = wave(y.shape, 0.3, 0.1)`.
final class GoldenTorchTests: XCTestCase {
    static func wave(_ shape: [Int], _ a: Double, _ b: Double, requiresGrad: Bool = true) -> Tensor {
        let n = shape.reduce(1, *)
        return Tensor(
            (0..<n).map { Float(Foundation.sin(a * Double($0) + b)) }, shape: shape, requiresGrad: requiresGrad)
    }

    /// Runs `y.backward(seed: r)` with the script's projection.
    static func pullBack(_ y: Tensor) {
        y.backward(seed: wave(y.shape, 0.3, 0.1, requiresGrad: false))
    }

    // x = wave([2, 2, 5, 5], 0.7, 0.3); w = wave([3, 2, 3, 3], 1.3, -0.2); b = wave([3], 2.1, 0.5)
    // y = torch.nn.functional.conv2d(x, w, b, stride=2, padding=1)
    // (y * wave(y.shape, 0.3, 0.1)).sum().backward()   →  y, x.grad, w.grad, b.grad
    static let convY: [Float] = [
        2.197316, -3.8101, -1.959353, -1.346924, -6.61179, 1.929096, -3.568003, -1.314325, 3.354775, -2.027484,
        -1.587499, 3.893819, -3.975559, 3.904342, 4.607288, -0.2725623, 5.480222, 0.3474943, -1.897762, 3.967769,
        0.3494291, 2.274685, 4.998472, -3.769096, 3.301637, -0.8071754, -3.821095, 0.2660524, 5.58271, 1.203139,
        4.489722, 5.910394, -3.027555, 4.912254, 0.05200578, -2.633712, 3.91942, 0.5118777, -2.662274, 4.134177,
        -5.267244, -1.518269, 0.06790786, -4.293269, 2.542379, -1.884232, -6.102039, -0.6988811, -6.177155, -4.566096,
        3.162899, -5.288414, 0.9782091, 1.459595,
    ]
    static let convDX: [Float] = [
        -0.8427947, -0.8189868, -0.8429307, -0.7944112, -0.7677702, 1.820116, 1.503013, 1.59857, 1.253341, 1.234228,
        -0.6240271, -0.5409069, -0.4245415, -0.3346231, -0.1871329, 0.7596369, 0.4504271, 0.2171891, -0.03109174,
        -0.3446594, 0.06699175, 0.1465205, 0.3151322, 0.3784011, 0.535123, -0.2946272, -0.4737593, -0.5857755,
        -0.6678913, -0.8245983, 1.53616, 1.451743, 1.858089, 1.624225, 2.014041, -0.9897621, -0.8651612, -1.066514,
        -0.8506776, -1.047996, 1.990084, 1.531481, 1.78836, 1.274539, 1.426886, -0.9358648, -0.6018264, -0.7401353,
        -0.389688, -0.4782916, 0.08127068, 0.1600653, 0.3284051, 0.3905791, 0.546204, -0.9035864, -0.9651509, -1.350757,
        -1.308383, -1.677268, 0.7152121, 0.7294645, 0.8203325, 0.8075644, 0.852175, -1.853953, -1.624006, -1.865031,
        -1.568203, -1.709511, 0.8078952, 0.7468196, 0.6914486, 0.6134012, 0.5132369, -0.9269745, -0.5912008, -0.7270136,
        -0.3765729, -0.4621108, 0.9076182, 0.4253218, 0.3316699, -0.0675742, -0.2739055, -0.155929, 0.1314207,
        0.1641815, 0.3794087, 0.4696261, -0.8550137, -0.9917685, -1.359746, -1.340511, -1.743016, 0.7331205, 0.7545857,
        0.9311274, 0.8482612, 1.045959,
    ]
    static let convDW: [Float] = [
        -1.58928, -0.8225194, -1.217318, 0.1547155, -0.8909818, -0.6738012, -0.1901154, 0.9752604, 0.3733684, -3.497507,
        -3.029604, -3.027612, 3.339081, 3.067242, 2.454362, -1.342613, -1.003376, -0.2780241, 1.001549, -0.06743678,
        0.4839844, 1.048329, 2.165148, 1.763839, -0.6307494, -1.661226, -1.128343, 2.708351, 2.258935, 1.862061,
        -1.954972, -1.599438, -0.7809113, -0.2390618, -0.4055215, -1.306207, -0.2216652, 0.9444546, 0.3422044,
        -2.050246, -3.023918, -2.515475, 1.330601, 2.028476, 1.666838, -1.399582, -1.054876, -0.3392621, 0.1957906,
        -0.175227, -1.042361, 1.774871, 1.736618, 2.639835,
    ]
    static let convDB: [Float] = [6.453107, -7.87725, 7.790097]

    func testConv2dStridedPaddedMatchesTorch() {
        let x = Self.wave([2, 2, 5, 5], 0.7, 0.3)
        let w = Self.wave([3, 2, 3, 3], 1.3, -0.2)
        let b = Self.wave([3], 2.1, 0.5)
        let y = x.conv2d(weight: w, bias: b, stride: 2, padding: 1)
        XCTAssertEqual(y.shape, [2, 3, 3, 3])
        Self.pullBack(y)
        assertClose(y.data, Self.convY, accuracy: 1e-4, relative: true, "conv y")
        assertClose(x.grad!.data, Self.convDX, accuracy: 1e-4, relative: true, "conv ∂x")
        assertClose(w.grad!.data, Self.convDW, accuracy: 1e-4, relative: true, "conv ∂w")
        assertClose(b.grad!.data, Self.convDB, accuracy: 1e-4, relative: true, "conv ∂b")
    }

    // x = wave([3, 2, 2, 2], 0.9, 0.2); g = wave([2], 1.7, 1.0); be = wave([2], 0.4, -0.6)
    // y = torch.nn.functional.batch_norm(x, None, None, g, be, training=True, eps=1e-5)
    // backward as above → y, x.grad, g.grad, be.grad; x.mean(dim=(0,2,3)); x.var(dim=(0,2,3), unbiased=False)
    static let bnTrainY: [Float] = [
        -0.6407529, 0.2420672, 0.2651277, -0.5890231, -0.5140614, -0.7480518, -0.5257642, -0.01542149, 0.2516289,
        0.2560444, -0.6098775, -1.690824, -0.7480922, -0.5178475, -0.005538969, 0.4011286, 0.2466358, -0.6308122,
        -1.707442, -2.168482, -0.5098255, 0.004304088, 0.4053437, 0.3897946,
    ]
    static let bnTrainDX: [Float] = [
        0.1941866, 0.2080123, 0.5235389, 1.118776, 0.4576029, 0.4443513, 0.445448, 0.4386229, 0.4706574, 0.1330012,
        0.1075012, 0.1638115, -0.4778374, -0.5802826, -0.5998138, -0.5857862, -1.542633, -1.063271, -0.4031411,
        0.08956088, -0.2325952, 0.02434973, 0.258117, 0.4078232,
    ]
    static let bnTrainDGamma: [Float] = [3.188204, -1.271073]
    static let bnTrainDBeta: [Float] = [-0.3416097, 1.517656]
    static let bnTrainMean: [Float] = [0.258375, -0.08879053]
    static let bnTrainVar: [Float] = [0.4357236, 0.502381]

    func testBatchNormTrainingMatchesTorch() {
        let x = Self.wave([3, 2, 2, 2], 0.9, 0.2)
        let g = Self.wave([2], 1.7, 1.0)
        let be = Self.wave([2], 0.4, -0.6)
        let r = x.batchNorm(gamma: g, beta: be, statistics: .batch, epsilon: 1e-5)
        Self.pullBack(r.output)
        assertClose(r.output.data, Self.bnTrainY, accuracy: 1e-4, relative: true, "bn y")
        assertClose(x.grad!.data, Self.bnTrainDX, accuracy: 1e-4, relative: true, "bn ∂x")
        assertClose(g.grad!.data, Self.bnTrainDGamma, accuracy: 1e-4, relative: true, "bn ∂γ")
        assertClose(be.grad!.data, Self.bnTrainDBeta, accuracy: 1e-4, relative: true, "bn ∂β")
        assertClose(r.mean, Self.bnTrainMean, accuracy: 1e-4, relative: true, "bn mean")
        assertClose(r.variance, Self.bnTrainVar, accuracy: 1e-4, relative: true, "bn var")
        XCTAssertEqual(r.count, 12)
    }

    // x2 = wave([4, 3], 0.5, 0.9); g2 = wave([3], 1.1, 0.3); b2 = wave([3], 0.8, 0.0)
    // rm = [0.1, -0.2, 0.3]; rv = [0.5, 1.5, 2.0]
    // y2 = torch.nn.functional.batch_norm(x2, rm, rv, g2, b2, training=False, eps=1e-5)
    static let bnEvalY: [Float] = [
        0.2855791, 1.671185, 1.273077, 0.2405002, 1.070782, 0.7644783, -0.3292268, 0.1126067, 0.4568619, -0.3647497,
        0.5774525, 0.9219404,
    ]
    static let bnEvalDX: [Float] = [
        0.04172283, 0.3133313, 0.2726218, 0.3516714, 0.7752921, 0.4230022, 0.395482, 0.6505272, 0.253263, 0.1399998,
        0.03345637, -0.1081406,
    ]
    static let bnEvalDGamma: [Float] = [-0.6864164, 0.2204375, -0.6078128]
    static let bnEvalDBeta: [Float] = [2.222593, 2.203054, 1.986722]

    func testBatchNormEvalMatchesTorch() {
        let x = Self.wave([4, 3], 0.5, 0.9)
        let g = Self.wave([3], 1.1, 0.3)
        let b = Self.wave([3], 0.8, 0.0)
        let r = x.batchNorm(
            gamma: g, beta: b, statistics: .running(mean: [0.1, -0.2, 0.3], variance: [0.5, 1.5, 2.0]))
        Self.pullBack(r.output)
        assertClose(r.output.data, Self.bnEvalY, accuracy: 1e-4, relative: true, "bn eval y")
        assertClose(x.grad!.data, Self.bnEvalDX, accuracy: 1e-4, relative: true, "bn eval ∂x")
        assertClose(g.grad!.data, Self.bnEvalDGamma, accuracy: 1e-4, relative: true, "bn eval ∂γ")
        assertClose(b.grad!.data, Self.bnEvalDBeta, accuracy: 1e-4, relative: true, "bn eval ∂β")
    }

    // x = wave([1, 2, 6, 6], 2.3, 0.1)
    // y = torch.nn.functional.max_pool2d(x, 3, stride=2, padding=1)        → y, x.grad
    // y = torch.nn.functional.avg_pool2d(x, 3, stride=2, padding=1)        → y, x.grad (count_include_pad=True)
    static let maxPoolY: [Float] = [
        0.9720075, 0.9287952, 0.9287952, 0.9720075, 0.9287952, 0.9975574, 0.8680853, 0.8680853, 0.9952652, 0.9386142,
        0.9651948, 0.9829461, 0.8053667, 0.9081854, 0.9998436, 0.8928132, 0.9888351, 0.9998436,
    ]
    static let maxPoolDX: [Float] = [
        0, 0, 0, 0, 0, 0, 0.9413044, 0, 0, 1.997194, 0, 0, 0, 0, 0, 0, 0, 0.9995736, 0, 0, 0, 0, 0, 0, 0, 1.754797, 0,
        0, 0.5984721, 0, 0, 0, 0, 0, 0, 0, 0.3349881, 0, 0, 0.04158066, 0, 0, 0, 0, 0, 0, 0, -0.2555411, 0, 0,
        -0.7568025, 0, 0, 0, 0, -0.5298361, 0, 0, -1.799621, 0, 0, 0, 0, 0, 0, 0, -0.993691, 0, 0, -0.9824526, 0, 0,
    ]
    static let avgPoolY: [Float] = [
        0.1416536, 0.04960213, 0.02847875, -0.0821133, -0.04748048, 0.04400592, -0.01485837, 0.0127833, -0.06110689,
        0.02303655, -0.009140822, 0.06023465, -0.1496863, -0.05576041, -0.01928327, 0.1285211, 0.05960164, -0.02133285,
    ]
    static let avgPoolDX: [Float] = [
        0.0110926, 0.05436131, 0.0432687, 0.1148484, 0.07157974, 0.07157974, 0.1045894, 0.2549201, 0.1503307, 0.3329742,
        0.1826435, 0.1826435, 0.09349677, 0.2005588, 0.107062, 0.2181258, 0.1110637, 0.1110637, 0.1986412, 0.3955362,
        0.1968949, 0.3744556, 0.1775606, 0.1775606, 0.1051445, 0.1949774, 0.08983293, 0.1563298, 0.0664969, 0.0664969,
        0.1051445, 0.1949774, 0.08983293, 0.1563298, 0.0664969, 0.0664969, 0.03722091, 0.04184098, 0.004620073,
        -0.02377338, -0.02839346, -0.02839346, -0.02164977, -0.1011189, -0.07946909, -0.2096588, -0.1301897, -0.1301897,
        -0.05887068, -0.1429598, -0.08408917, -0.1858854, -0.1017962, -0.1017962, -0.1692808, -0.3625314, -0.1932506,
        -0.3932084, -0.1999578, -0.1999578, -0.1104101, -0.2195715, -0.1091614, -0.207323, -0.09816163, -0.09816163,
        -0.1104101, -0.2195715, -0.1091614, -0.207323, -0.09816163, -0.09816163,
    ]

    func testOverlappingPoolsMatchTorch() {
        let x = Self.wave([1, 2, 6, 6], 2.3, 0.1)
        let m = x.maxPool2d(kernel: 3, stride: 2, padding: 1)
        XCTAssertEqual(m.shape, [1, 2, 3, 3])
        Self.pullBack(m)
        assertClose(m.data, Self.maxPoolY, accuracy: 1e-4, relative: true, "max pool y")
        assertClose(x.grad!.data, Self.maxPoolDX, accuracy: 1e-4, relative: true, "max pool ∂x")
        x.grad = nil
        let a = x.avgPool2d(kernel: 3, stride: 2, padding: 1)
        Self.pullBack(a)
        assertClose(a.data, Self.avgPoolY, accuracy: 1e-4, relative: true, "avg pool y")
        assertClose(x.grad!.data, Self.avgPoolDX, accuracy: 1e-4, relative: true, "avg pool ∂x")
    }
}
