// `DSCBench trainstep`: one training step (forward, cross-entropy, backward, AdamW update) of the
// residual CNN backbone, repeated; the PyTorch peer is Benchmarks/peer_torch.py.
//
//   DSCBench trainstep [--batch 256] [--steps 100] [--warmup 3] [--size 28]
//
// Prints images/s (median step), forward GFLOPs per batch (conv and linear multiply-adds × 2),
// `train step: … GFLOPS` (3 × forward FLOPs per step, the usual forward + two backward products),
// a forward/backward/update split, the CPU time per step, and VmRSS after step N/10 and after the
// last step N next to VmHWM (peak): flat memory means no graph or buffer outlives its step
// (`--steps 1000` compares steps 100 and 1000).
import DSCNN
import DSCPipeline
import DSCTensor
import Foundation

/// Resident set size now (VmRSS), in MiB.
func residentMemoryMiB() -> Double { ProcessMemory.residentBytes.map { Double($0) / 1_048_576 } ?? .nan }

/// Multiply-adds × 2 of every convolution and linear layer of `net` for one batch of
/// `batch` images of `height × width` (BatchNorm, ReLU, additions and pooling not counted).
func forwardFLOPs(_ net: ResNetBackbone, batch: Int, height: Int, width: Int) -> Double {
    var total = 0.0
    var (h, w) = (height, width)
    func conv(_ c: Conv2d, _ h: Int, _ w: Int) -> (Int, Int) {
        let (ho, wo) = (c.outputSize(h), c.outputSize(w))
        total += 2 * Double(batch * c.outputChannels * ho * wo * c.inputChannels * c.kernelSize * c.kernelSize)
        return (ho, wo)
    }
    (h, w) = conv(net.stem.layers[0] as! Conv2d, h, w)
    for stage in net.stages.layers {
        for case let block as ResidualBlock in (stage as! Sequential).layers {
            if let projection = block.shortcut?.layers[0] as? Conv2d { _ = conv(projection, h, w) }
            (h, w) = conv(block.conv1, h, w)
            (h, w) = conv(block.conv2, h, w)
        }
    }
    if let head = net.head { total += 2 * Double(batch * head.inputDimensions * head.outputDimensions) }
    return total
}

/// CPU seconds used by this process so far (all threads, user + system).
func processCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

func trainStepBench(_ args: [String]) {
    let batch = option("--batch", args, default: 256)
    let steps = option("--steps", args, default: 100)
    let warmup = option("--warmup", args, default: 3)
    let size = option("--size", args, default: 28)
    let net = ResNetBackbone(
        inputChannels: 1, widths: [32, 64, 128], blocksPerStage: 1, outputDimensions: 10,
        imageSize: (size, size), seed: 0)
    let optimizer = AdamW(learningRate: 1e-3, weightDecay: 0.01)
    var g = SeededGenerator(seed: 1)
    let x = Tensor.uniform([batch, 1, size, size], generator: &g)
    let targets = (0..<batch).map { _ in Int(g.next() % 10) }
    let flops = forwardFLOPs(net, batch: batch, height: size, width: size)
    print(
        "trainstep: ResNetBackbone 32-64-128, \(net.parameterCount) parameters, batch \(batch) of 1×\(size)×\(size), \(ProcessInfo.processInfo.activeProcessorCount) cores, OpenBLAS \(BLAS.core) kernels"
    )
    print("forward: \(String(format: "%.2f", flops / 1e9)) GFLOPs per batch (conv + linear)")

    var times: [Double] = []
    var split = [0.0, 0.0, 0.0]
    var early = Double.nan
    var lastLoss: Float = 0
    var cpuStart = 0.0
    for step in 1...(warmup + steps) {
        if step == warmup + 1 { cpuStart = processCPUSeconds() }
        var loss: Tensor?
        let tf = seconds { loss = Loss.crossEntropy(logits: net(x), targets: targets) }
        let tb = seconds {
            net.zeroGrad()
            loss!.backward()
        }
        let tu = seconds { optimizer.update(net) }
        lastLoss = loss!.item()
        loss = nil
        if step > warmup {
            times.append(tf + tb + tu)
            split[0] += tf
            split[1] += tb
            split[2] += tu
        }
        if step == warmup + max(1, steps / 10) { early = residentMemoryMiB() }
    }
    let median = times.sorted()[times.count / 2]
    let n = Double(times.count)
    print(
        "train step: \(String(format: "%.1f", median * 1000)) ms median over \(steps) steps (min \(String(format: "%.1f", times.min()! * 1000)) ms; forward \(String(format: "%.0f", split[0] / n * 1000)) ms, backward \(String(format: "%.0f", split[1] / n * 1000)) ms, update \(String(format: "%.1f", split[2] / n * 1000)) ms); loss \(lastLoss)"
    )
    let cpu = (processCPUSeconds() - cpuStart) / n
    print("train step: \(String(format: "%.1f", Double(batch) / median)) images/s")
    print(
        "train step: \(String(format: "%.0f", cpu * 1000)) ms CPU time per step (all threads; wall × cores when uncontended)"
    )
    print("train step: \(String(format: "%.1f", 3 * flops / median / 1e9)) GFLOPS")
    print(
        "memory: RSS \(String(format: "%.0f", early)) MiB after step \(max(1, steps / 10)), \(String(format: "%.0f", residentMemoryMiB())) MiB after step \(steps); peak \(String(format: "%.0f", peakMemoryMiB())) MiB"
    )
}
