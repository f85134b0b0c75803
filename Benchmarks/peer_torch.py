#!/usr/bin/env python3
"""PyTorch peer for `DSCBench trainstep`: the same residual CNN, the same training step.

Architecture (mirrors DSCNN.ResNetBackbone(inputChannels: 1, widths: [32, 64, 128],
blocksPerStage: 1, outputDimensions: 10)):
  stem: conv3x3(1->32, pad 1, no bias) -> BatchNorm2d -> ReLU
  stage s (widths 32, 64, 128; the first block of stages 2+ has stride 2):
    ResidualBlock: conv3x3(stride) -> BN -> ReLU -> conv3x3 -> BN, plus identity or
                   conv1x1(stride, no bias) -> BN shortcut, then ReLU
  global average pool -> Linear(128 -> 10)
One step = forward, cross-entropy loss, backward, AdamW update (lr 1e-3, weight decay 0.01).

Usage: /usr/bin/python3 Benchmarks/peer_torch.py [--batch 256] [--steps 30] [--warmup 3] [--threads 2]
Prints `torch train step: … images/s`, the median and minimum time per step and the CPU time per
step; CPU only. Compare with `DSCBench trainstep` run right before or after (the machine's load
changes both).
"""
import argparse
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class ResidualBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = None
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + (x if self.shortcut is None else self.shortcut(x)))


class Backbone(nn.Module):
    def __init__(self, cin=1, widths=(32, 64, 128), blocks=1, classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(cin, widths[0], 3, 1, 1, bias=False),
                                  nn.BatchNorm2d(widths[0]), nn.ReLU())
        stages, c = [], widths[0]
        for s, w in enumerate(widths):
            layers = []
            for b in range(blocks):
                layers.append(ResidualBlock(c, w, 2 if (s > 0 and b == 0) else 1))
                c = w
            stages.append(nn.Sequential(*layers))
        self.stages = nn.Sequential(*stages)
        self.head = nn.Linear(c, classes)

    def forward(self, x):
        x = self.stages(self.stem(x))
        return self.head(x.mean(dim=(2, 3)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--size", type=int, default=28)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = Backbone()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    x = torch.rand(a.batch, 1, a.size, a.size)
    y = torch.randint(0, 10, (a.batch,))

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(a.warmup):
        step()
    times = []
    cpu = time.process_time()
    for _ in range(a.steps):
        t = time.perf_counter()
        step()
        times.append(time.perf_counter() - t)
    cpu = (time.process_time() - cpu) / a.steps
    times.sort()
    median = times[len(times) // 2]
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, mkldnn {torch.backends.mkldnn.is_available()}")
    print(f"torch train step: {median * 1000:.1f} ms median over {a.steps} steps (min {times[0] * 1000:.1f} ms)")
    print(f"torch train step: {a.batch / median:.1f} images/s")
    print(f"torch train step: {cpu * 1000:.0f} ms CPU time per step (all threads; OpenMP threads may spin)")


if __name__ == "__main__":
    main()
