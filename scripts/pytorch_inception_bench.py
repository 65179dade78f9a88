#!/usr/bin/env python3
"""PyTorch CPU peer benchmark: Inception-v3 "pool3" (2048-d FID features).

Standalone: depends only on `torch`. The network is defined here in plain
torch.nn following the Inception-v3 layout used for FID (average pools inside
the A/C/E blocks exclude padding; Mixed_7c's pool branch uses max pooling).
Weights are random -- this script measures speed only.

Example:
    python pytorch_inception_bench.py --threads 2 --batch 16 --images 64
"""

import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class BasicConv2d(nn.Module):
    """Conv2d (no bias) + BatchNorm2d(eps=1e-3) + ReLU."""

    def __init__(self, cin, cout, kernel_size, stride=1, padding=0):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel_size, stride=stride,
                              padding=padding, bias=False)
        self.bn = nn.BatchNorm2d(cout, eps=0.001)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)), inplace=True)


def _avg3(x):
    return F.avg_pool2d(x, kernel_size=3, stride=1, padding=1,
                        count_include_pad=False)


class InceptionA(nn.Module):
    """35x35 block: 1x1 / 5x5 / double 3x3 / pool branches."""

    def __init__(self, cin, pool_features):
        super().__init__()
        self.b1 = BasicConv2d(cin, 64, 1)
        self.b5_1 = BasicConv2d(cin, 48, 1)
        self.b5_2 = BasicConv2d(48, 64, 5, padding=2)
        self.b3d_1 = BasicConv2d(cin, 64, 1)
        self.b3d_2 = BasicConv2d(64, 96, 3, padding=1)
        self.b3d_3 = BasicConv2d(96, 96, 3, padding=1)
        self.bp = BasicConv2d(cin, pool_features, 1)

    def forward(self, x):
        a = self.b1(x)
        b = self.b5_2(self.b5_1(x))
        c = self.b3d_3(self.b3d_2(self.b3d_1(x)))
        d = self.bp(_avg3(x))
        return torch.cat([a, b, c, d], 1)


class InceptionB(nn.Module):
    """Grid reduction 35x35 -> 17x17."""

    def __init__(self, cin):
        super().__init__()
        self.b3 = BasicConv2d(cin, 384, 3, stride=2)
        self.b3d_1 = BasicConv2d(cin, 64, 1)
        self.b3d_2 = BasicConv2d(64, 96, 3, padding=1)
        self.b3d_3 = BasicConv2d(96, 96, 3, stride=2)

    def forward(self, x):
        a = self.b3(x)
        b = self.b3d_3(self.b3d_2(self.b3d_1(x)))
        c = F.max_pool2d(x, kernel_size=3, stride=2)
        return torch.cat([a, b, c], 1)


class InceptionC(nn.Module):
    """17x17 block with factorized 7x7 convolutions."""

    def __init__(self, cin, c7):
        super().__init__()
        self.b1 = BasicConv2d(cin, 192, 1)
        self.b7_1 = BasicConv2d(cin, c7, 1)
        self.b7_2 = BasicConv2d(c7, c7, (1, 7), padding=(0, 3))
        self.b7_3 = BasicConv2d(c7, 192, (7, 1), padding=(3, 0))
        self.b7d_1 = BasicConv2d(cin, c7, 1)
        self.b7d_2 = BasicConv2d(c7, c7, (7, 1), padding=(3, 0))
        self.b7d_3 = BasicConv2d(c7, c7, (1, 7), padding=(0, 3))
        self.b7d_4 = BasicConv2d(c7, c7, (7, 1), padding=(3, 0))
        self.b7d_5 = BasicConv2d(c7, 192, (1, 7), padding=(0, 3))
        self.bp = BasicConv2d(cin, 192, 1)

    def forward(self, x):
        a = self.b1(x)
        b = self.b7_3(self.b7_2(self.b7_1(x)))
        c = self.b7d_5(self.b7d_4(self.b7d_3(self.b7d_2(self.b7d_1(x)))))
        d = self.bp(_avg3(x))
        return torch.cat([a, b, c, d], 1)


class InceptionD(nn.Module):
    """Grid reduction 17x17 -> 8x8."""

    def __init__(self, cin):
        super().__init__()
        self.b3_1 = BasicConv2d(cin, 192, 1)
        self.b3_2 = BasicConv2d(192, 320, 3, stride=2)
        self.b7_1 = BasicConv2d(cin, 192, 1)
        self.b7_2 = BasicConv2d(192, 192, (1, 7), padding=(0, 3))
        self.b7_3 = BasicConv2d(192, 192, (7, 1), padding=(3, 0))
        self.b7_4 = BasicConv2d(192, 192, 3, stride=2)

    def forward(self, x):
        a = self.b3_2(self.b3_1(x))
        b = self.b7_4(self.b7_3(self.b7_2(self.b7_1(x))))
        c = F.max_pool2d(x, kernel_size=3, stride=2)
        return torch.cat([a, b, c], 1)


class InceptionE(nn.Module):
    """8x8 block with split 1x3 / 3x1 branches; pool is avg or max."""

    def __init__(self, cin, max_pool=False):
        super().__init__()
        self.max_pool = max_pool
        self.b1 = BasicConv2d(cin, 320, 1)
        self.b3_1 = BasicConv2d(cin, 384, 1)
        self.b3_2a = BasicConv2d(384, 384, (1, 3), padding=(0, 1))
        self.b3_2b = BasicConv2d(384, 384, (3, 1), padding=(1, 0))
        self.b3d_1 = BasicConv2d(cin, 448, 1)
        self.b3d_2 = BasicConv2d(448, 384, 3, padding=1)
        self.b3d_3a = BasicConv2d(384, 384, (1, 3), padding=(0, 1))
        self.b3d_3b = BasicConv2d(384, 384, (3, 1), padding=(1, 0))
        self.bp = BasicConv2d(cin, 192, 1)

    def forward(self, x):
        a = self.b1(x)
        t = self.b3_1(x)
        b = torch.cat([self.b3_2a(t), self.b3_2b(t)], 1)
        u = self.b3d_2(self.b3d_1(x))
        c = torch.cat([self.b3d_3a(u), self.b3d_3b(u)], 1)
        if self.max_pool:
            p = F.max_pool2d(x, kernel_size=3, stride=1, padding=1)
        else:
            p = _avg3(x)
        d = self.bp(p)
        return torch.cat([a, b, c, d], 1)


class InceptionV3Pool3(nn.Module):
    """Inception-v3 trunk up to the global average pool (2048-d output)."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(
            BasicConv2d(3, 32, 3, stride=2),     # 299 -> 149
            BasicConv2d(32, 32, 3),              # -> 147
            BasicConv2d(32, 64, 3, padding=1),   # -> 147
            nn.MaxPool2d(3, stride=2),           # -> 73
            BasicConv2d(64, 80, 1),              # -> 73
            BasicConv2d(80, 192, 3),             # -> 71
            nn.MaxPool2d(3, stride=2),           # -> 35
        )
        self.blocks = nn.Sequential(
            InceptionA(192, 32),                 # Mixed_5b -> 256
            InceptionA(256, 64),                 # Mixed_5c -> 288
            InceptionA(288, 64),                 # Mixed_5d -> 288
            InceptionB(288),                     # Mixed_6a -> 768 @17
            InceptionC(768, 128),                # Mixed_6b
            InceptionC(768, 160),                # Mixed_6c
            InceptionC(768, 160),                # Mixed_6d
            InceptionC(768, 192),                # Mixed_6e
            InceptionD(768),                     # Mixed_7a -> 1280 @8
            InceptionE(1280, max_pool=False),    # Mixed_7b -> 2048
            InceptionE(2048, max_pool=True),     # Mixed_7c -> 2048
        )

    def forward(self, x):
        x = self.blocks(self.stem(x))
        x = F.adaptive_avg_pool2d(x, 1)
        return torch.flatten(x, 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=None,
                    help="torch.set_num_threads (default: torch's default)")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--images", type=int, default=64,
                    help="total images per timing")
    ap.add_argument("--warmup", type=int, default=1, help="warm-up batches")
    ap.add_argument("--repeats", type=int, default=3,
                    help="timings; the median img/s is reported")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    if args.batch < 1 or args.images < 1 or args.repeats < 1 or args.warmup < 0:
        ap.error("batch, images, repeats must be >= 1 and warmup >= 0")
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    threads = torch.get_num_threads()
    torch.manual_seed(args.seed)

    model = InceptionV3Pool3().eval()
    x = torch.rand(args.batch, 3, 299, 299) * 2.0 - 1.0  # [-1, 1]

    n_batches = -(-args.images // args.batch)  # ceil
    images_per_timing = n_batches * args.batch

    rates = []
    with torch.inference_mode():
        for _ in range(args.warmup):
            y = model(x)
        y = model(x) if args.warmup == 0 else y
        assert tuple(y.shape) == (args.batch, 2048), tuple(y.shape)

        for _ in range(args.repeats):
            t0 = time.perf_counter()
            for _ in range(n_batches):
                y = model(x)
            dt = time.perf_counter() - t0
            assert tuple(y.shape) == (args.batch, 2048), tuple(y.shape)
            rates.append(images_per_timing / dt)

    img_per_s = statistics.median(rates)
    print(f"inception-pool3 pytorch: {img_per_s:.2f} img/s "
          f"(threads {threads}, batch {args.batch})")
    print("JSON " + json.dumps({
        "case": "inception",
        "framework": "pytorch",
        "torch": torch.__version__,
        "img_per_s": round(img_per_s, 4),
        "threads": threads,
        "batch": args.batch,
        "images": images_per_timing,
        "warmup": args.warmup,
        "repeats": args.repeats,
        "runs_img_per_s": [round(r, 4) for r in rates],
    }))


if __name__ == "__main__":
    main()
