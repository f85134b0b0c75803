// `DSCBench conv`: forward and backward of each convolution shape of the 32-64-128 backbone on a
// batch of 256 28×28 inputs, alone, with achieved GFLOPS per pass; shows which shapes fall short
// of sgemm's rate (im2col, packing and scatter overheads), which the whole train step hides.
//
//   DSCBench conv [--batch 256] [--reps 5]
import DSCNN
import DSCTensor
import Foundation

func convBench(_ args: [String]) {
    let batch = option("--batch", args, default: 256)
    let reps = option("--reps", args, default: 5)
    // (name, C, H, O, kernel, stride, padding) as the backbone runs them.
    let shapes: [(String, Int, Int, Int, Int, Int, Int)] = [
        ("stem 1→32 @28", 1, 28, 32, 3, 1, 1),
        ("s0 32→32 @28", 32, 28, 32, 3, 1, 1),
        ("s1 32→64 /2", 32, 28, 64, 3, 2, 1),
        ("s1 1×1 32→64 /2", 32, 28, 64, 1, 2, 0),
        ("s1 64→64 @14", 64, 14, 64, 3, 1, 1),
        ("s2 64→128 /2", 64, 14, 128, 3, 2, 1),
        ("s2 1×1 64→128 /2", 64, 14, 128, 1, 2, 0),
        ("s2 128→128 @7", 128, 7, 128, 3, 1, 1),
    ]
    MemoryPolicy.retainFreedMemory()  // as in training: freed outputs are reused, not faulted in again
    var g = SeededGenerator(seed: 3)
    print("conv: batch \(batch), median of \(reps); backward = weight + input gradients")
    for (name, c, h, o, k, s, p) in shapes {
        let x = Tensor.uniform([batch, c, h, h], low: -1, high: 1, generator: &g)
        x.requiresGrad = c > 1
        let w = Tensor.uniform([o, c, k, k], low: -0.1, high: 0.1, generator: &g)
        w.requiresGrad = true
        let ho = (h + 2 * p - k) / s + 1
        let flops = 2 * Double(batch * o * ho * ho * c * k * k)
        var fwd: [Double] = []
        var bwd: [Double] = []
        for _ in 0...reps {
            x.grad = nil
            w.grad = nil
            var y: Tensor?
            fwd.append(seconds { y = x.conv2d(weight: w, stride: s, padding: p) })
            let seed = Tensor.ones(y!.shape)
            bwd.append(seconds { y!.backward(seed: seed) })
        }
        let f = fwd.dropFirst().sorted()[reps / 2]
        let b = bwd.dropFirst().sorted()[reps / 2]
        let passes = c > 1 ? 2.0 : 1.0
        print(
            String(
                format: "%-18@ forward %6.1f ms %6.1f GFLOPS   backward %6.1f ms %6.1f GFLOPS", name as NSString,
                f * 1000, flops / f / 1e9, b * 1000, passes * flops / b / 1e9))
    }
}
